import { framerArena } from '../common/arena';
import { fail, type DecodeError } from '../common/errors';
import type { Framer, FramerEvent } from '../common/framer';
import { DSMR_DEFAULT_MAX_LENGTH, hexDigit, LAYER, type DsmrOptions } from './envelope';

/**
 * Finds P1 telegrams in a byte stream (protocol-notes §1.1): a telegram runs from `/` to `!`
 * plus up to 4 hex CRC digits. Bytes outside telegrams are dropped (counted, except CR/LF). A
 * new `/` before `!` ends the previous telegram as `truncated`; no `!` within `maxLength` bytes
 * of the `/` is `too-long`. CRCs are checked by the decoder, not here. Chunks may split anywhere:
 * the result does not depend on where. Frames are views into the framer's memory, which is never
 * written again once handed out. Implements the framer contract (common/framer.ts); the stream
 * decoder uses `feed`/`flushTo` with a sink, which spares the event array.
 */
export interface FramerSink {
  frame(bytes: Uint8Array): void;
  error(error: DecodeError, partial?: Uint8Array): void;
}

function eventSink(events: FramerEvent<Uint8Array>[]): FramerSink {
  return {
    frame: (frame) => events.push({ ok: true, frame }),
    error: (error, bytes) => events.push(bytes === undefined ? { ok: false, error } : { ok: false, error, bytes }),
  };
}

const SLASH = 0x2f;
const BANG = 0x21;
/** No storage: what a framer holds while nothing is pending. */
const EMPTY = Buffer.alloc(0);
/** Smallest region made to grow bytes that wait for more (a serial read is often 16–256 bytes). */
const MIN_CAPACITY = 256;
/** Added to the last telegram's length for the next region (its CR LF and longer values). */
const SIZE_SLACK = 16;

/**
 * Storage: an append-only region [from, cap) of a Buffer from the framers' arena
 * (common/arena.ts; its `indexOf` is memchr); indices are the Buffer's. Frames are handed out as views, never copied, so bytes once part of a frame are
 * never written again: when the region is full the unconsumed tail moves to a new one. A frame
 * view keeps its Buffer alive.
 *
 * Memory between frames (1,000 meters, one decoder each): the framer holds a region only while
 * bytes are pending. When a push or flush leaves nothing pending, the region is let go for good
 * (frame views handed out keep the bytes as long as the caller does); the next chunk gets a new
 * region sized to it or to the last telegram. `retainedBytes` (read-only) is the size of the region
 * held: 0 whenever `pendingBytes` is 0.
 */
export class DsmrFramer implements Framer<Uint8Array> {
  private readonly maxLength: number;
  private buf: Buffer = EMPTY;
  /** The framer's region of `buf` is [from, cap). */
  private from = 0;
  private cap = 0;
  /** First byte not yet consumed; bytes before it are frames or dropped garbage. */
  private base = 0;
  private len = 0;
  /** Size for a new region when nothing is kept: the last telegram's length and a little more. */
  private sizeHint = 0;
  /** Index of the current telegram's `/`, or -1 while looking for one. */
  private start = -1;
  /** Where the search for `!` / `/` goes on. */
  private scan = 0;
  /** Index of `!` once found, else -1. */
  private bang = -1;
  /** After `too-long`: drop bytes up to the next `/` without counting them. */
  private skipping = false;
  private discardedTotal = 0;

  constructor(options: DsmrOptions = {}) {
    this.maxLength = options.maxLength ?? DSMR_DEFAULT_MAX_LENGTH;
  }

  /** Bytes dropped as garbage so far. */
  get discardedBytes(): number {
    return this.discardedTotal;
  }

  /**
   * Bytes held for the current candidate: at most `maxLength` (`/` to `!`) plus the 4 CRC digits
   * that may still come.
   */
  get pendingBytes(): number {
    return this.start < 0 ? 0 : this.len - this.start;
  }

  /** Bytes of the framer's own buffer (0 while nothing is pending; frames handed out are not counted). */
  get retainedBytes(): number {
    return this.cap - this.from;
  }

  /** Frames and errors of this chunk, in stream order (framer contract). */
  push(chunk: Uint8Array): FramerEvent<Uint8Array>[] {
    const events: FramerEvent<Uint8Array>[] = [];
    this.feed(chunk, eventSink(events));
    return events;
  }

  /** End of stream (framer contract): see `flushTo`. */
  flush(): FramerEvent<Uint8Array>[] {
    const events: FramerEvent<Uint8Array>[] = [];
    this.flushTo(eventSink(events));
    return events;
  }

  /** Like `push`, reporting frames and errors in stream order; returns the bytes discarded. */
  feed(chunk: Uint8Array, sink: FramerSink): number {
    this.append(chunk);
    const before = this.discardedTotal;
    const len = this.len;
    // Bounded by the live length: indexOf would otherwise run through the unused capacity.
    const buf = this.buf.subarray(0, len);
    let p = this.base;
    for (;;) {
      if (this.start < 0) {
        const slash = buf.indexOf(SLASH, p);
        const garbageEnd = slash < 0 ? len : slash;
        if (!this.skipping) this.countGarbage(p, garbageEnd);
        p = garbageEnd;
        if (slash < 0) break;
        this.start = slash;
        this.scan = slash + 1;
        this.bang = -1;
        this.skipping = false;
      }
      const start = this.start;
      if (this.bang < 0) {
        const bang = buf.indexOf(BANG, this.scan);
        const searchEnd = bang < 0 ? len : bang;
        let next = buf.indexOf(SLASH, this.scan);
        if (next >= searchEnd) next = -1;
        const first = next >= 0 ? next : bang;
        const limit = start + this.maxLength;
        if ((first >= 0 && first >= limit) || (first < 0 && len > limit)) {
          sink.error(fail('too-long', LAYER, `no "!" within ${this.maxLength} bytes`, this.maxLength).error);
          this.start = -1;
          this.skipping = true;
          p = start + 1;
          continue;
        }
        if (first < 0) {
          this.scan = len;
          p = start;
          break;
        }
        if (next >= 0) {
          sink.error(fail('truncated', LAYER, 'a new telegram starts before "!"', next - start).error, this.view(start, next));
          this.start = -1;
          p = next;
          continue;
        }
        this.bang = bang;
      }
      let end = this.bang + 1;
      while (end - this.bang <= 4 && end < len && hexDigit(buf[end] as number) >= 0) end++;
      if (end - this.bang <= 4 && end >= len) {
        p = start; // the CRC may go on in the next chunk
        break;
      }
      sink.frame(this.view(start, end));
      this.sizeHint = end - start + SIZE_SLACK;
      this.start = -1;
      this.bang = -1;
      p = end;
    }
    this.base = p;
    if (p === len) this.release();
    return this.discardedTotal - before;
  }

  /**
   * End of stream: a telegram whose `!` has arrived is complete with the CRC digits received so
   * far; one without `!` is `truncated`.
   */
  flushTo(sink: FramerSink): void {
    if (this.start >= 0) {
      if (this.bang >= 0) {
        let end = this.bang + 1;
        while (end - this.bang <= 4 && end < this.len && hexDigit(this.buf[end] as number) >= 0) end++;
        sink.frame(this.view(this.start, end));
      } else {
        sink.error(fail('truncated', LAYER, 'stream ended before "!"', this.len - this.start).error, this.view(this.start, this.len));
      }
    }
    this.start = -1;
    this.bang = -1;
    this.skipping = false;
    this.release();
  }

  /** Nothing is pending: lets the region go for good (frame views handed out keep their bytes). */
  private release(): void {
    this.buf = EMPTY;
    this.from = this.cap = this.base = this.len = 0;
  }

  private view(from: number, to: number): Uint8Array {
    // A plain Uint8Array view: cheaper to make than Buffer#subarray.
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + from, to - from);
  }

  private countGarbage(from: number, to: number): void {
    const buf = this.buf;
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = buf[i];
      if (c !== 13 && c !== 10) n++;
    }
    this.discardedTotal += n;
  }

  /**
   * Appends a copy of `chunk`; moves the unconsumed bytes to a new region when full. With nothing
   * kept the new region is the chunk's size or, if larger, the last telegram's (a telegram read in
   * small chunks then seldom moves); else it doubles.
   */
  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.cap) {
      const keep = this.len - this.base;
      const size = keep === 0 ? Math.max(chunk.length, this.sizeHint) : Math.max(MIN_CAPACITY, 2 * (keep + chunk.length));
      framerArena.carve(size);
      const at = framerArena.at;
      if (keep > 0) this.buf.copy(framerArena.buffer, at, this.base, this.len);
      const shift = this.base - at;
      if (this.start >= 0) {
        this.start -= shift;
        this.scan -= shift;
        if (this.bang >= 0) this.bang -= shift;
      }
      this.buf = framerArena.buffer;
      this.from = this.base = at;
      this.len = at + keep;
      this.cap = at + size;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}
