/**
 * Write coalescing: a message that follows the previous write within this time waits for the end
 * of the window and goes out in one socket write with the others (under load one write per window
 * instead of one per message: the writes were about a quarter of the gateway's CPU at 1,000
 * meters). A message after a quiet window goes out at once, so a light load keeps its latency.
 */
export const COALESCE_MS = 4;

/** The part of a socket (a Node writable stream) that coalescing uses. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Corks the MQTT client's socket for the rest of the window when a write follows the last one
 * closely; uncorks at the end of the window (one write for all), or at `flush`.
 */
export class WriteCoalescer {
  /** End of the current window (performance.now() ms). */
  private windowEnd = Number.NEGATIVE_INFINITY;
  private corked: { stream: Corkable; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly windowMs = COALESCE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether writes are being held for the end of the window. */
  get holding(): boolean {
    return this.corked !== undefined;
  }

  /** Call before handing a message to the client that writes to `stream`. */
  beforeWrite(stream: unknown): void {
    if (this.corked) return;
    const now = this.now();
    if (now >= this.windowEnd) {
      this.windowEnd = now + this.windowMs;
      return;
    }
    const s = stream as Partial<Corkable> | undefined;
    if (typeof s?.cork !== 'function' || typeof s.uncork !== 'function') return;
    const corkable = s as Corkable;
    corkable.cork();
    const timer = setTimeout(() => this.flush(), this.windowEnd - now);
    this.corked = { stream: corkable, timer };
  }

  /** Sends what the window collected; the next window starts now. */
  flush(): void {
    const c = this.corked;
    if (!c) return;
    clearTimeout(c.timer);
    this.corked = undefined;
    this.windowEnd = this.now() + this.windowMs;
    c.stream.uncork();
  }
}
