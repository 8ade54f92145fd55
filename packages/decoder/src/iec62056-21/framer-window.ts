import { fail, type ErrorKind } from '../common';
import { framerArena } from '../common/arena';
import { LAYER } from './constants';
import type { D0FramerEvent, FrameBase } from './framer-types';

/** No storage: what the window holds while nothing is pending. */
const EMPTY = Buffer.alloc(0);
/** Smallest own storage made for bytes kept between pushes (a serial read is often 16–256 bytes). */
const MIN_OWN = 256;

/**
 * The byte window under the D0 framer's state machine: bytes kept between pushes, stream
 * offsets, the events of the running push and the garbage count. Pure bookkeeping, no protocol.
 *
 * Memory between frames (1,000 meters, one decoder each): own storage exists only while bytes
 * are kept. When nothing is pending the chunk is scanned in place (frames are copies), and when
 * the kept bytes are all consumed the storage is let go; the next need gets a new one (a region of
 * the framers' arena, common/arena.ts). `retainedBytes` (read-only) is the size of the own storage: 0
 * whenever `pendingBytes` is 0.
 */
export abstract class FramerWindow {
  /** Own storage for bytes kept between pushes (EMPTY while none are). */
  private own: Buffer = EMPTY;
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

  /** Bytes of own storage held (0 while nothing is pending; frames are copies, not counted). */
  get retainedBytes(): number {
    return this.own.length;
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
    let next = Math.max(MIN_OWN, this.own.length * 2);
    while (next < size) next *= 2;
    framerArena.carve(next);
    const grown = framerArena.buffer.subarray(framerArena.at, framerArena.at + next);
    if (this.len > 0) grown.set(this.own.subarray(0, this.len));
    this.own = grown;
    this.buf = grown;
  }

  /**
   * Drops the bytes before `keep` (everything when `idle`) and moves the kept rest into own storage;
   * with nothing kept, lets own storage go.
   */
  protected compact(idle: boolean): void {
    const keep = idle ? this.len : this.start;
    if (keep === this.len) this.own = EMPTY;
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
    this.own = EMPTY;
    this.buf = EMPTY;
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
