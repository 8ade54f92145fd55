import { BANG, CR, EOT, ETX, LF, STX } from './constants';
import { parseIdentification } from './identification';
import { parseRequest } from './messages';
import { latin1 } from './text';

const OPEN = 0x28;
const CLOSE = 0x29;

// Where a pending candidate of the D0 framer (framer.ts) ends: the bounds of an STX/SOH block and
// the sign-on lines that cut a block or push data short. Pure: only reads the bytes; the framer
// decides what to emit.

/** Where an STX/SOH block ends, as far as the bytes received so far tell. */
export interface BlockBounds {
  /** First ETX, or an EOT before it (partial block), or -1. */
  readonly etx: number;
  /** A new STX inside an STX block before its end, or -1. */
  readonly restart: number;
  /** `restart` when there is one, else the block's end (`etx`, else `end`). */
  readonly limit: number;
  /** A `!` too close to the received end to tell whether `! CR LF` ends the readout: rescan from it. */
  readonly resume: number;
  /** Just after a `! CR LF` followed by more than ETX/EOT: an STX readout without ETX ends here; or -1. */
  readonly cut: number;
  /** Where a sign-on line may still begin inside the block (scan `[from, stop)`). */
  readonly stop: number;
}

/**
 * Bounds of the block `[start, …)` scanned from `from` in `buf[0, len)`: the first ETX/EOT ends
 * it; in an STX block `! CR LF` followed by anything but ETX/EOT ends it without BCC, and a new
 * STX cuts it off. `end` is `min(len, start + maxFrameBytes)`.
 */
export function blockBounds(buf: Uint8Array, start: number, from: number, len: number, end: number): BlockBounds {
  let etx = findByte(buf, ETX, from, end);
  const eot = findByte(buf, EOT, from, etx < 0 ? end : etx);
  if (eot >= 0) etx = eot;
  const blockEnd = etx < 0 ? end : etx;
  const stxBlock = buf[start] === STX;
  const restart = stxBlock ? findByte(buf, STX, from, blockEnd) : -1;
  const limit = restart < 0 ? blockEnd : restart;
  let resume = limit;
  let cut = -1;
  if (stxBlock) {
    for (let b = findByte(buf, BANG, from, limit); b >= 0; b = findByte(buf, BANG, b + 1, limit)) {
      if (b + 3 > len || (b + 3 === len && etx < 0)) {
        resume = b;
        break;
      }
      if (buf[b + 1] === CR && buf[b + 2] === LF && b + 3 < blockEnd) {
        cut = b + 3;
        break;
      }
    }
  }
  const stop = cut >= 0 ? cut : Math.min(limit, resume);
  return { etx, restart, limit, resume, cut, stop };
}

/**
 * Whether `buf[s, lf]` (a `/` up to LF inside a pending block) is a request or identification
 * line, which means the block before it was cut off. A line with brackets is none: a `/` inside
 * a value.
 */
export function isSignOnLine(buf: Uint8Array, s: number, lf: number): boolean {
  if (findByte(buf, OPEN, s, lf) >= 0 || findByte(buf, CLOSE, s, lf) >= 0) return false;
  if (buf[s + 1] === 0x3f && parseRequest(latin1(buf, s, lf + 1)) !== undefined) return true;
  return parseIdentification(buf, s, lf + 1).ok;
}

/** First `byte` in `buf[from, to)`, or -1. */
function findByte(buf: Uint8Array, byte: number, from: number, to: number): number {
  if (from >= to) return -1;
  const i = buf.indexOf(byte, from);
  return i < 0 || i >= to ? -1 : i;
}
