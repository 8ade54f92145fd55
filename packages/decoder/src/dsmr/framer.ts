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
/** Smallest buffer: a dozen telegrams (one per meter stream: 1,000 meters × 64 KiB were 64 MB). */
const MIN_CAPACITY = 16384;

/**
 * Storage: an append-only Buffer (its `indexOf` is memchr). Frames are handed out as views
 * (`subarray`), never copied, so bytes once part of a frame are never written again: when the
 * buffer is full the unconsumed tail moves to a new one. A frame view keeps its buffer alive.
 */
export class DsmrFramer implements Framer<Uint8Array> {
  private readonly maxLength: number;
  private buf: Buffer = Buffer.alloc(0);
  /** First byte not yet consumed; bytes before it are frames or dropped garbage. */
  private base = 0;
  private len = 0;
  /** Whether a view into `buf` was handed out (then it must not be rewritten). */
  private published = false;
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
      this.start = -1;
      this.bang = -1;
      p = end;
    }
    this.base = p;
    if (this.base === this.len && !this.published) this.base = this.len = 0;
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
    this.base = this.len;
  }

  private view(from: number, to: number): Uint8Array {
    this.published = true;
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

  /** Appends a copy of `chunk`; moves the unconsumed bytes to a new buffer when full. */
  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const keep = this.len - this.base;
      // not zeroed: only bytes copied in (base…len) are ever read
      const bigger = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, 2 * (keep + chunk.length)));
      this.buf.copy(bigger, 0, this.base, this.len);
      const shift = this.base;
      if (this.start >= 0) {
        this.start -= shift;
        this.scan -= shift;
        if (this.bang >= 0) this.bang -= shift;
      }
      this.buf = bigger;
      this.base = 0;
      this.len = keep;
      this.published = false;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}
