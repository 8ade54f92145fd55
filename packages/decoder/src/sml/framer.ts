import type { DecodeError } from '../common';
import { SML_ESCAPE, isEscapeAt, isStartMarkAt } from './transport';

/**
 * Finds SML transport v1 files in a byte stream (protocol-notes §3.1). Pure and incremental:
 * `push(chunk)` returns the complete files found so far. They are views into the framer's own
 * append-only memory, never into the caller's chunk, and are never overwritten (in effect copies);
 * the chunk is never modified.
 *
 * Resynchronisation:
 * - bytes before a start sequence `1B1B1B1B 01010101` are garbage (counted in `discarded`);
 * - a start sequence inside an open file (at any offset) means the open file was truncated: it is
 *   reported as a `truncated` error and the new file starts there;
 * - at a 4-byte boundary inside a file, `1B1B1B1B 1B1B1B1B` is an escaped payload word and
 *   `1B1B1B1B 1A pp c c` ends the file; any other escape there is a framing error and the search
 *   restarts right after it;
 * - an end sequence at an unaligned offset (a byte lost or added on the line) still ends the file,
 *   which then fails its CRC in the decoder instead of swallowing the next files;
 * - a file that grows past `maxFileBytes` without an end is dropped as `too-long`.
 * The file CRC is checked by the decoder, not here.
 */
export interface SmlFramerOptions {
  /** Largest file accepted (default 64 KiB; push meters send 200–700 bytes). */
  readonly maxFileBytes?: number;
}

export interface SmlFramerError {
  readonly error: DecodeError;
  /** How many of this push's `frames` came before this error in the stream. */
  readonly index: number;
  /** The bytes given up on (a copy), when there were any. */
  readonly bytes?: Uint8Array;
}

export interface SmlFramerResult {
  /** Complete transport files, start sequence through CRC, escapes still in place. */
  readonly frames: Uint8Array[];
  /** Garbage bytes dropped in this call. */
  readonly discarded: number;
  readonly errors: SmlFramerError[];
}

const DEFAULT_MAX_FILE = 64 * 1024;
const SLAB = 64 * 1024;
/** Length of the start sequence; while hunting, up to 7 trailing bytes are kept for the next push. */
const START_LEN = 8;

type InFileEvent = 'need-more' | 'end' | 'restart' | 'bad-escape';

export class SmlFramer {
  /**
   * Append-only slab: bytes below `len` are never written again, so frames can be handed out as
   * views instead of one allocation each. A full slab is replaced by a new one holding only the live
   * bytes; frames still referring to the old slab keep it alive.
   */
  private buf = new Uint8Array(SLAB);
  private len = 0;
  /** Start of the bytes not yet consumed. */
  private head = 0;
  /** Absolute offset of the open file's start sequence, or -1 while hunting. */
  private fileStart = -1;
  /** Next absolute offset to examine. */
  private scan = 0;
  private readonly maxFileBytes: number;
  private discardedTotal = 0;

  constructor(options: SmlFramerOptions = {}) {
    this.maxFileBytes = Math.max(options.maxFileBytes ?? DEFAULT_MAX_FILE, 16);
  }

  push(chunk: Uint8Array): SmlFramerResult {
    this.append(chunk);
    const frames: Uint8Array[] = [];
    const errors: SmlFramerError[] = [];
    let discarded = 0;
    // A view bounded by the live length, so indexOf never runs into stale capacity.
    const b = this.buf.subarray(0, this.len);
    const len = this.len;
    for (;;) {
      if (this.fileStart < 0) {
        const found = findStart(b, Math.max(this.scan, this.head), len);
        if (found < 0) {
          const keep = Math.max(this.head, len - (START_LEN - 1));
          discarded += keep - this.head;
          this.head = keep;
          this.scan = keep;
          break;
        }
        discarded += found - this.head;
        this.head = found;
        this.fileStart = found;
        this.scan = found + START_LEN;
        continue;
      }
      const start = this.fileStart;
      const [event, q] = scanFile(b, start, this.scan, len);
      switch (event) {
        case 'need-more':
          this.scan = q;
          if (len - start > this.maxFileBytes) {
            errors.push({ index: frames.length, error: { kind: 'too-long', layer: 'sml-transport', message: `no end sequence within ${this.maxFileBytes} bytes`, offset: 0 } });
            // No start sequence lies inside (it would have restarted the file): drop all but the tail.
            const keep = Math.max(start + 1, len - (START_LEN - 1));
            discarded += keep - start;
            this.fileStart = -1;
            this.head = keep;
            this.scan = keep;
            continue;
          }
          break;
        case 'end': {
          const end = q + 8;
          frames.push(b.subarray(start, end));
          this.fileStart = -1;
          this.head = end;
          this.scan = end;
          continue;
        }
        case 'restart':
          errors.push({ index: frames.length, error: { kind: 'truncated', layer: 'sml-transport', message: 'new start sequence before the end of the file', offset: q - start }, bytes: b.subarray(start, q) });
          this.head = q;
          this.fileStart = q;
          this.scan = q + START_LEN;
          continue;
        case 'bad-escape':
          errors.push({ index: frames.length, error: { kind: 'bad-format', layer: 'sml-transport', message: 'unknown escape sequence inside the file', offset: q - start }, bytes: b.subarray(start, q + 8) });
          this.fileStart = -1;
          this.head = q + 1;
          this.scan = q + 1;
          continue;
      }
      break;
    }
    this.discardedTotal += discarded;
    return { frames, discarded, errors };
  }

  /**
   * End of stream: an open file is reported as truncated, leftover bytes count as discarded, and
   * the framer is empty again.
   */
  flush(): SmlFramerResult {
    const errors: SmlFramerError[] = [];
    let discarded = 0;
    if (this.fileStart >= 0) {
      errors.push({ index: 0, error: { kind: 'truncated', layer: 'sml-transport', message: 'stream ended inside a file', offset: this.len - this.fileStart }, bytes: this.buf.subarray(this.fileStart, this.len) });
    } else {
      discarded = this.len - this.head;
    }
    // Start a fresh slab: the reported bytes stay valid in the old one.
    this.buf = new Uint8Array(SLAB);
    this.len = 0;
    this.head = 0;
    this.fileStart = -1;
    this.scan = 0;
    this.discardedTotal += discarded;
    return { frames: [], discarded, errors };
  }

  /** Garbage bytes dropped so far. */
  get discardedBytes(): number {
    return this.discardedTotal;
  }

  /** Bytes held back waiting for more input. */
  get pendingBytes(): number {
    return this.len - this.head;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      // New slab with the live bytes only; offsets shift down by `head`.
      const live = this.len - this.head;
      const next = new Uint8Array(Math.max(SLAB, 2 * (live + chunk.length)));
      next.set(this.buf.subarray(this.head, this.len));
      const h = this.head;
      this.buf = next;
      this.len = live;
      this.head = 0;
      this.scan = Math.max(0, this.scan - h);
      if (this.fileStart >= 0) this.fileStart -= h;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}

/** First `1B1B1B1B 01010101` in b[from, len), or -1. */
function findStart(b: Uint8Array, from: number, len: number): number {
  let i = from;
  while (i + START_LEN <= len) {
    i = b.indexOf(SML_ESCAPE, i);
    if (i < 0 || i + START_LEN > len) return -1;
    if (isEscapeAt(b, i) && isStartMarkAt(b, i + 4)) return i;
    i++;
  }
  return -1;
}

/**
 * Scans an open file from `from` for the next escape that matters. Returns the event and the
 * offset of its escape (for `need-more`: where to resume).
 */
function scanFile(b: Uint8Array, start: number, from: number, len: number): [InFileEvent, number] {
  let q = from;
  while (q + 4 <= len) {
    q = b.indexOf(SML_ESCAPE, q);
    if (q < 0) return ['need-more', len];
    if (q + 4 > len) return ['need-more', q];
    if (!isEscapeAt(b, q)) {
      q++;
      continue;
    }
    if (q + 8 > len) return ['need-more', q];
    if (isStartMarkAt(b, q + 4)) return ['restart', q];
    if (b[q + 4] === 0x1a) return ['end', q];
    if ((q - start) % 4 === 0) {
      if (isEscapeAt(b, q + 4)) {
        q += 8; // an escaped 1B1B1B1B of the payload
        continue;
      }
      return ['bad-escape', q];
    }
    q++;
  }
  return ['need-more', q];
}
