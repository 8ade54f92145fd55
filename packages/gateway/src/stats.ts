import type { ErrorKind } from '@smi/decoder';

/** Frame counters per meter and in total: what was decoded, what was rejected and why. */
export class FrameStats {
  frames = 0;
  rejected = 0;
  readings = 0;
  discardedBytes = 0;
  readonly errors: Partial<Record<ErrorKind, number>> = {};
  lastError: { kind: ErrorKind; message: string; at: string } | undefined;

  decoded(readings: number): void {
    this.frames++;
    this.readings += readings;
  }

  reject(kind: ErrorKind, message: string, at: string): void {
    this.rejected++;
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    this.lastError = { kind, message, at };
  }

  /** Adds another counter set (totals over several sources). */
  add(other: FrameStats): void {
    this.frames += other.frames;
    this.rejected += other.rejected;
    this.readings += other.readings;
    this.discardedBytes += other.discardedBytes;
    for (const [kind, n] of Object.entries(other.errors) as [ErrorKind, number][]) this.errors[kind] = (this.errors[kind] ?? 0) + n;
  }

  toJSON(): { frames: number; rejected: number; readings: number; errors: Partial<Record<ErrorKind, number>> } {
    return { frames: this.frames, rejected: this.rejected, readings: this.readings, errors: { ...this.errors } };
  }
}

/** Default spacing of rejection summaries per meter (log line and stats message). */
export const REJECTION_INTERVAL_MS = 10000;

/**
 * Rate limiter for rejected frames: the first rejection after a quiet interval is reported at
 * once, later ones are counted and reported together at most once per interval ("p1: 37 frames
 * rejected in the last 10 s (bad-crc 35, truncated 2); last: …"). Pure: the caller passes the time
 * in ms and arranges a wake-up at `dueAt` for counts held back.
 */
export class RejectionSummary {
  private counts = new Map<ErrorKind, number>();
  private held = 0;
  private last = '';
  private lastLineAt: number | undefined;

  constructor(
    readonly label: string,
    readonly intervalMs = REJECTION_INTERVAL_MS,
  ) {}

  /** Counts one rejected frame; returns the summary line when one may be written now. */
  record(kind: ErrorKind, detail: string, now: number): string | undefined {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.held++;
    this.last = detail;
    return this.take(now);
  }

  /** Rejections counted but not yet reported. */
  get pending(): number {
    return this.held;
  }

  /** When the counts held back may be reported; undefined when nothing is held back. */
  get dueAt(): number | undefined {
    if (this.held === 0) return undefined;
    return this.lastLineAt === undefined ? 0 : this.lastLineAt + this.intervalMs;
  }

  /** The summary of the counts held back, when the interval since the last line is over. */
  take(now: number): string | undefined {
    const due = this.dueAt;
    if (due === undefined || now < due) return undefined;
    const kinds = [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`);
    const since = this.lastLineAt === undefined ? '' : ` in the last ${Math.round((now - this.lastLineAt) / 1000)} s`;
    const line = `${this.label}: ${this.held} frame${this.held === 1 ? '' : 's'} rejected${since} (${kinds.join(', ')}); last: ${this.last}`;
    this.counts = new Map();
    this.held = 0;
    this.lastLineAt = now;
    return line;
  }
}
