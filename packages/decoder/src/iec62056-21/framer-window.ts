import { fail, type ErrorKind } from '../common';
import { LAYER } from './constants';
import type { D0FramerEvent, FrameBase } from './framer-types';

/**
 * The byte window under the D0 framer's state machine: bytes kept between pushes, stream
 * offsets, the events of the running push and the garbage count. Pure bookkeeping, no protocol.
 */
export abstract class FramerWindow {
  /** Own storage for bytes kept between pushes. */
  private own: Buffer = Buffer.allocUnsafe(4096);
  /**
   * Bytes being scanned: `own`, or, when nothing was pending, a read-only view of the caller's
   * chunk (no copy; never written to — what is left over is copied into `own`). A Buffer, so
   * text is read out without a wrapper per message.
   */
  protected buf: Buffer = this.own;
  protected len = 0;
  /** Stream offset of `buf[0]`. */
  private base = 0;
  /** Where scanning resumes. */
  protected pos = 0;
  /** Start of the pending candidate frame. */
  protected start = 0;
  private out: D0FramerEvent[] = [];
  private discarded = 0;

  constructor(private readonly mask: boolean) {}

  /** Garbage bytes dropped so far (CR, LF and NUL between frames are not counted). */
  get discardedBytes(): number {
    return this.discarded;
  }

  /** Bytes held back for an incomplete candidate frame. */
  get pendingBytes(): number {
    return this.len;
  }

  /** Positions the subclass keeps besides `pos` and `start` move by `-by` when bytes are dropped. */
  protected abstract shifted(by: number): void;

  /** Consumes byte `b` at `pos`; returns where to continue (`pos` again to look at it afresh), or `-(pos + 1)` to wait. */
  protected abstract step(b: number, pos: number): number;

  /** Runs `step` over the received bytes from `pos`. */
  protected scan(): void {
    const buf = this.buf;
    const len = this.len;
    let pos = this.pos;
    while (pos < len) {
      const next = this.step(buf[pos] as number, pos);
      if (next < 0) {
        pos = -next - 1;
        break;
      }
      pos = next;
    }
    this.pos = pos;
  }

  protected append(chunk: Uint8Array): void {
    if (this.len === 0 && !this.mask) {
      this.buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      this.len = chunk.length;
      return;
    }
    const need = this.len + chunk.length;
    this.reserve(need);
    this.own.set(chunk, this.len);
    if (this.mask) for (let i = this.len; i < need; i++) this.own[i] = (this.own[i] as number) & 0x7f;
    this.len = need;
  }

  private reserve(size: number): void {
    if (size <= this.own.length) return;
    let next = this.own.length * 2;
    while (next < size) next *= 2;
    const grown = Buffer.allocUnsafe(next);
    grown.set(this.own.subarray(0, this.len));
    this.own = grown;
    this.buf = grown;
  }

  /** Drops the bytes before `keep` (everything when `idle`) and moves the kept rest into own storage. */
  protected compact(idle: boolean): void {
    const keep = idle ? this.len : this.start;
    if (this.buf !== this.own) {
      const rest = this.buf.subarray(keep, this.len);
      const n = this.len;
      this.buf = this.own;
      this.len = 0;
      this.reserve(rest.length);
      this.own.set(rest, 0);
      this.len = n;
    } else if (keep === 0) return;
    else this.own.copyWithin(0, keep, this.len);
    this.len -= keep;
    this.base += keep;
    this.pos = idle ? 0 : this.pos - keep;
    this.start -= keep;
    this.shifted(keep);
  }

  /** Forgets every byte held. */
  protected clear(): void {
    this.base += this.len;
    this.buf = this.own;
    this.len = 0;
    this.pos = 0;
    this.out = [];
  }

  /** The candidate's bytes `[start, end)` as a frame (a copy). */
  protected frame(end: number): FrameBase {
    const bytes = Buffer.allocUnsafe(end - this.start);
    this.buf.copy(bytes, 0, this.start, end);
    return { offset: this.base + this.start, bytes };
  }

  protected emit(event: D0FramerEvent): void {
    this.out.push(event);
  }

  /** Reports the candidate `[start, end)` as rejected. */
  protected reject(kind: ErrorKind, end: number, message: string): void {
    const f = fail(kind, LAYER, message, end - this.start);
    this.emit({ type: 'error', error: f.error, ...this.frame(end) });
  }

  /** The events of this push so far; the list starts empty again. */
  protected take(): D0FramerEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  protected discard(n: number): void {
    this.discarded += n;
  }

  /** First `byte` in `[from, to)` of the received bytes, or -1. */
  protected find(byte: number, from: number, to: number): number {
    if (from >= to) return -1;
    const i = this.buf.indexOf(byte, from);
    return i < 0 || i >= to ? -1 : i;
  }
}
