/**
 * A growable byte queue for incremental framers (HDLC, M-Bus, DLMS, the encrypted P1 envelope) and
 * for joining segments into one message (HDLC segments, GBT blocks, M-Bus DLMS segments). `append`
 * copies the caller's chunk (the caller's buffer is never kept nor mutated); `consume` drops bytes
 * from the front. The buffer is reused, so appending allocates only when the queue grows.
 */
export class ByteQueue {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const needed = this.length + chunk.length;
      if (needed <= this.buf.length && this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(needed, this.buf.length * 2));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Byte at `index` from the front; 0 past the end (callers check `length` first). */
  at(index: number): number {
    return this.buf[this.start + index] ?? 0;
  }

  /**
   * The backing buffer and the index of the front byte in it (`bytes[offset + i]` is `at(i)`): for
   * scanners and checks that read the queued bytes in place. Valid until the next `append`.
   */
  get bytes(): Uint8Array {
    return this.buf;
  }

  get offset(): number {
    return this.start;
  }

  /** Index (from the front) of the first `byte` at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    const at = this.start + from;
    if (at >= this.end) return -1;
    // Framers mostly find their marker right at the front: check it before the native search, which
    // needs a view bounded by the live length (stale bytes past `end` must not match).
    if (this.buf[at] === byte) return from;
    const i = this.buf.subarray(at + 1, this.end).indexOf(byte);
    return i < 0 ? -1 : from + 1 + i;
  }

  /** A view of the queued bytes; valid only until the next `append` or `consume`. */
  view(from = 0, to = this.length): Uint8Array {
    return this.buf.subarray(this.start + from, this.start + to);
  }

  /** A copy of bytes [from, to) that the caller may keep. */
  copy(from: number, to: number): Uint8Array {
    return this.buf.slice(this.start + from, this.start + to);
  }

  /** All queued bytes as a copy the caller may keep; the queue is then empty. */
  take(): Uint8Array {
    const out = this.buf.slice(this.start, this.end);
    this.clear();
    return out;
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
  }

  consume(count: number): void {
    this.start = Math.min(this.end, this.start + count);
    if (this.start === this.end) this.clear();
  }

  /** Counts bytes in [0, count) that are not `except` (used to count garbage but not flags). */
  countExcept(count: number, except: number): number {
    let n = 0;
    for (let i = this.start; i < this.start + count; i++) if (this.buf[i] !== except) n++;
    return n;
  }
}

/**
 * What a scanner makes of the bytes at the front of a queue: a candidate frame of `size` bytes, a
 * need for more bytes, or a byte to skip.
 */
export type FrameScan = { readonly kind: 'frame'; readonly size: number } | { readonly kind: 'need-more' } | { readonly kind: 'skip' };
