import { crc16Kermit, crc16X25, type Framer, type FramerEvent } from '../common';
import { SML_ESCAPE, SML_START, isEscapeAt, isStartMarkAt } from './transport';
import { framerArena } from '../common/arena';

/**
 * Finds SML transport v1 files in a byte stream (protocol-notes §3.1). Pure and incremental:
 * `push(chunk)` returns the files and errors found so far, in stream order. Files are views into the framer's own
 * append-only memory, never into the caller's chunk, and are never overwritten (in effect copies);
 * the chunk is never modified.
 *
 * Resynchronisation:
 * - bytes before a start sequence `1B1B1B1B 01010101` are garbage (counted in `discardedBytes`);
 * - a start sequence inside an open file (at any offset) means the open file was truncated: it is
 *   reported as a `truncated` error and the new file starts there;
 * - at a 4-byte boundary inside a file, `1B1B1B1B 1B1B1B1B` is an escaped payload word and
 *   `1B1B1B1B 1A pp c c` ends the file; any other escape there is a framing error and the search
 *   restarts right after it;
 * - an end sequence at an unaligned offset (a byte lost or added on the line) still ends the file,
 *   which then fails its CRC in the decoder instead of swallowing the next files;
 * - a file that grows past `maxFileBytes` without an end is dropped as `too-long`;
 * - after a rejected file (bad escape, too long) the search resumes right after its start sequence,
 *   so a good file that starts inside it is found;
 * - a start sequence that hides in an escaped pair (`1B1B1B1B 1B1B1B1B 01010101`: a cut file's
 *   escape followed by a new file, or an escaped payload word) is decided by the file CRC when the
 *   file ends: if neither CRC-16/X.25 nor CRC-16/Kermit holds, the bytes before it are `truncated`
 *   and a new file starts there.
 * Otherwise the file CRC is checked by the decoder, not here.
 */
export interface SmlFramerOptions {
  /** Largest file accepted (default 64 KiB; push meters send 200–700 bytes). */
  readonly maxFileBytes?: number;
}

const DEFAULT_MAX_FILE = 64 * 1024;
/** Smallest region made to grow bytes that wait for more (a serial read is often 16–256 bytes). */
const SLAB = 256;
/** No storage: what a framer holds while nothing is pending. */
const EMPTY = new Uint8Array(0);

/** Length of the start sequence; while hunting, up to 7 trailing bytes are kept for the next push. */
const START_LEN = 8;
/** Added to the last file's length for the next region (a file may grow by a few bytes). */
const SIZE_SLACK = 16;

type InFileEvent = 'need-more' | 'end' | 'restart' | 'bad-escape';

/**
 * The SML transport framer under the common contract (common/framer.ts): frames are whole files.
 *
 * Memory between files (1,000 meters, one decoder each): the framer holds a region only while
 * bytes are pending. When a push or flush leaves nothing pending, the region is let go for good
 * (files and error bytes handed out keep their bytes as long as the caller does); the next chunk
 * gets a new region sized to it or to the last file. While hunting, the up to 7 bytes kept move
 * to a region of their size. `retainedBytes` (read-only) is the size of the region held: 0
 * whenever `pendingBytes` is 0, equal to it while hunting.
 */
export class SmlFileFramer implements Framer<Uint8Array> {
  /**
   * Append-only region [from, cap) of `buf`, from the framers' arena (common/arena.ts; indices
   * are the array's): bytes below `len` are never written again, so frames can be handed out as
   * views instead of one allocation each. A full region is replaced by a new one holding only the
   * live bytes; frames still referring to the old one keep its array alive. Plain Uint8Arrays, so
   * frames are too (`slice` copies).
   */
  private buf: Uint8Array = EMPTY;
  private from = 0;
  private cap = 0;
  private len = 0;
  /** Size for a new region when nothing is live: the last file's length and a little more. */
  private sizeHint = 0;
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

  /** Absolute end of the bytes an error event already carries: they are not counted as garbage. */
  private reportedEnd = 0;
  /** Absolute offset of the first start sequence hidden in an escaped pair of the open file, or -1. */
  private hidden = -1;

  push(chunk: Uint8Array): FramerEvent<Uint8Array>[] {
    this.append(chunk);
    const events: FramerEvent<Uint8Array>[] = [];
    // A view bounded by the live length, so indexOf never runs into stale capacity.
    const b = this.buf.subarray(0, this.len);
    const len = this.len;
    for (;;) {
      if (this.fileStart < 0) {
        const found = findStart(b, Math.max(this.scan, this.head), len);
        if (found < 0) {
          const keep = Math.max(this.head, len - (START_LEN - 1));
          this.skipTo(keep);
          this.scan = keep;
          break;
        }
        this.skipTo(found);
        this.open(found);
        continue;
      }
      const start = this.fileStart;
      // Never look past the largest file: a candidate cannot grow beyond it (nor end beyond it).
      const limit = Math.min(len, start + this.maxFileBytes);
      const [event, q] = this.scanFile(b, start, this.scan, limit);
      switch (event) {
        case 'need-more':
          this.scan = q;
          if (len - start >= this.maxFileBytes) {
            events.push(this.reject('too-long', `no end sequence within ${this.maxFileBytes} bytes`, start, limit));
            // Only a start sequence hidden in an escaped pair can lie inside (any other restarts the file).
            this.resume(this.hidden >= 0 ? this.hidden : start + 1);
            continue;
          }
          break;
        case 'end': {
          const end = q + 8;
          if (this.hidden >= 0 && !fileCrcHolds(b, start, end)) {
            const at = this.hidden;
            events.push(this.reject('truncated', 'new start sequence (in an escaped pair) before the end of the file', start, at));
            this.open(at);
            continue;
          }
          // A cut file's end sequence may be followed at once by the next file: its start then
          // overlaps the padding/CRC bytes. Decided by the CRC, only when the bytes look like it.
          const next = startInTail(b, q, len);
          if (next !== -1 && !fileCrcHolds(b, start, end)) {
            if (next < 0) {
              this.scan = q;
              break;
            }
            events.push(this.reject('truncated', 'new start sequence inside the end sequence of the file', start, next));
            this.open(next);
            continue;
          }
          events.push({ ok: true, frame: b.subarray(start, end) });
          this.sizeHint = end - start + SIZE_SLACK;
          this.fileStart = -1;
          this.head = end;
          this.scan = end;
          continue;
        }
        case 'restart':
          if (this.hidden >= 0) {
            const at = this.hidden;
            events.push(this.reject('truncated', 'new start sequence (in an escaped pair) before the end of the file', start, at));
            this.open(at);
            continue;
          }
          events.push(this.reject('truncated', 'new start sequence before the end of the file', start, q));
          this.open(q);
          continue;
        case 'bad-escape':
          events.push(this.reject('bad-format', 'unknown escape sequence inside the file', start, q + 8));
          this.resume(this.hidden >= 0 ? this.hidden : q + 1);
          continue;
      }
      break;
    }
    this.settle();
    return events;
  }

  /**
   * End of stream: an open file is reported as truncated, leftover bytes count as discarded, and
   * the framer is empty again.
   */
  flush(): FramerEvent<Uint8Array>[] {
    const events: FramerEvent<Uint8Array>[] = [];
    if (this.fileStart >= 0) {
      events.push(this.reject('truncated', 'stream ended inside a file', this.fileStart, this.len));
    } else {
      this.skipTo(this.len);
    }
    // Let the slab go: the reported bytes stay valid in it.
    this.release();
    return events;
  }

  /** Bytes of the framer's own slab (0 while nothing is pending; files handed out are not counted). */
  get retainedBytes(): number {
    return this.cap - this.from;
  }

  /**
   * After a push: with nothing pending the slab goes; with only a hunting tail pending (up to 7
   * bytes that may begin a start sequence) the tail moves to a copy of its own size, so the framer
   * does not keep the files of the old slab alive.
   */
  private settle(): void {
    const h = this.head;
    if (h === this.len) {
      this.release();
    } else if (this.fileStart < 0 && this.cap - this.from > this.len - h) {
      this.moveLive(this.len - h);
    }
  }

  /** Nothing is pending (hunting, every byte consumed): lets the slab go. */
  private release(): void {
    this.fileStart = -1;
    this.hidden = -1;
    this.buf = EMPTY;
    this.from = this.cap = this.len = this.head = this.scan = this.reportedEnd = 0;
  }

  /** An error event for the candidate bytes [from, to) (a view that is never overwritten). */
  private reject(kind: 'too-long' | 'truncated' | 'bad-format', message: string, from: number, to: number): FramerEvent<Uint8Array> {
    this.reportedEnd = Math.max(this.reportedEnd, to);
    return { ok: false, error: { kind, layer: 'sml-transport', message, offset: to - from }, bytes: this.buf.subarray(from, to) };
  }

  /** A file starts at `at` (its start sequence). */
  private open(at: number): void {
    this.head = at;
    this.fileStart = at;
    this.scan = at + START_LEN;
    this.hidden = -1;
  }

  /** Back to hunting from `at`. */
  private resume(at: number): void {
    this.fileStart = -1;
    this.hidden = -1;
    this.head = at;
    this.scan = at;
  }

  /** Drops the bytes before `to`; those no error event carries count as garbage. */
  private skipTo(to: number): void {
    this.discardedTotal += Math.max(0, to - Math.max(this.head, this.reportedEnd));
    this.head = to;
  }

  /** Garbage bytes dropped so far. */
  get discardedBytes(): number {
    return this.discardedTotal;
  }

  /** Bytes held back waiting for more input. */
  get pendingBytes(): number {
    return this.len - this.head;
  }

  /**
   * Scans an open file from `from` for the next escape that matters. Returns the event and the
   * offset of its escape (for `need-more`: where to resume). Notes in `hidden` the first start
   * sequence that hides in an escaped pair.
   */
  private scanFile(b: Uint8Array, start: number, from: number, len: number): [InFileEvent, number] {
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
          // An escaped 1B1B1B1B of the payload, or a cut file's escape followed by a new file.
          if (this.hidden < 0) {
            for (let p = q + 4; p < q + 8; p++) {
              if (p + START_LEN > len) return ['need-more', q];
              if (isEscapeAt(b, p) && isStartMarkAt(b, p + 4)) {
                this.hidden = p;
                break;
              }
            }
          }
          q += 8;
          continue;
        }
        return ['bad-escape', q];
      }
      q++;
    }
    return ['need-more', q];
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.cap) {
      const live = this.len - this.head;
      // With nothing live the region is the chunk's or the last file's size; else it doubles.
      this.moveLive(live === 0 ? Math.max(chunk.length, this.sizeHint) : Math.max(SLAB, 2 * (live + chunk.length)));
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** Moves the live bytes [head, len) to the start of a new region of `size` bytes. */
  private moveLive(size: number): void {
    framerArena.carve(size);
    const at = framerArena.at;
    if (this.len > this.head) framerArena.bytes.set(this.buf.subarray(this.head, this.len), at);
    const shift = this.head - at;
    this.buf = framerArena.bytes;
    this.from = this.head = at;
    this.cap = at + size;
    this.len -= shift;
    this.scan = Math.max(at, this.scan - shift);
    if (this.fileStart >= 0) this.fileStart -= shift;
    if (this.hidden >= 0) this.hidden -= shift;
    this.reportedEnd = Math.max(at, this.reportedEnd - shift);
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
 * Where a start sequence begins in the padding/CRC bytes after the end escape at `q` (q+5…q+7):
 * its offset, -1 for none, or -2 when the bytes so far match but have not all arrived.
 */
function startInTail(b: Uint8Array, q: number, len: number): number {
  for (let p = q + 5; p < q + 8; p++) {
    let i = 0;
    while (i < START_LEN && p + i < len && b[p + i] === SML_START[i]) i++;
    if (i === START_LEN) return p;
    if (p + i === len) return -2;
  }
  return -1;
}

/** Whether the file CRC at the end of b[start, end) is CRC-16/X.25 or CRC-16/Kermit (either byte order). */
function fileCrcHolds(b: Uint8Array, start: number, end: number): boolean {
  const sent = (b[end - 2] as number) | ((b[end - 1] as number) << 8);
  if (crc16X25(b, start, end - 2) === sent) return true;
  const k = crc16Kermit(b, start, end - 2);
  return sent === k || sent === (((k & 0xff) << 8) | (k >>> 8));
}
