import type { SessionIo } from '../session';

/**
 * The one request a polling master (M-Bus, Modbus) has on the line: what it waits for, the answer
 * timeout and how the wait ends — with the answer the session hands to `answer`, with `timeout`
 * when the meter stays silent, or with whatever `answer` is given when the session stops. The
 * timeout starts when the request is handed to the line, starts again when the write is done
 * (slow lines) and whenever `arm` is called (bytes of a long answer arriving).
 */
export class RequestSlot<W, A> {
  private current: { readonly waiting: W; readonly resolve: (a: A) => void; timer: NodeJS.Timeout | undefined } | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly timeout: A,
    /** Called whenever a wait ends, before its promise settles. */
    private readonly settled: () => void = () => undefined,
  ) {}

  /** What the request in flight waits for; undefined when none is. */
  get waiting(): W | undefined {
    return this.current?.waiting;
  }

  /** Writes `frame` and waits for its answer. `wrote` runs after a successful write. */
  send(io: SessionIo, frame: Uint8Array, waiting: W, what: string, wrote: () => void = () => undefined): Promise<A> {
    return new Promise<A>((resolve) => {
      const slot = { waiting, resolve, timer: undefined };
      this.current = slot;
      this.arm();
      io.write(frame).then(
        () => {
          wrote();
          if (this.current === slot) this.arm();
        },
        (e: unknown) => {
          io.log.warn(`${what}: ${e instanceof Error ? e.message : String(e)}`);
          if (this.current === slot) this.answer(this.timeout);
        },
      );
    });
  }

  /** (Re)starts the timeout of the request in flight. */
  arm(): void {
    const slot = this.current;
    if (!slot) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      if (this.current === slot) this.answer(this.timeout);
    }, this.timeoutMs);
  }

  /** Ends the wait of the request in flight with `a` (nothing happens when none waits). */
  answer(a: A): void {
    const slot = this.current;
    if (!slot) return;
    if (slot.timer) clearTimeout(slot.timer);
    this.current = undefined;
    this.settled();
    slot.resolve(a);
  }
}
