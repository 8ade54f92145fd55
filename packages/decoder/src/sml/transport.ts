import { crc16X25, fail, ok, type Result } from '../common';

/**
 * SML transport protocol version 1 (protocol-notes §3.1):
 * `1B1B1B1B 01010101` payload (messages + 0…3 bytes `00` padding) `1B1B1B1B 1A pp crcLo crcHi`.
 * The file CRC is CRC-16/X.25 over everything from the first `1B` through `pp`, sent LSB first.
 * Inside the payload a `1B1B1B1B` (at a 4-byte boundary) is sent doubled.
 */
export const SML_ESCAPE = 0x1b;
export const SML_START = Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01);
/** Smallest possible file: start, end, no payload. */
export const SML_MIN_FILE = 16;

export interface SmlTransportFile {
  /** Unescaped payload without padding (may alias the input when nothing was escaped). */
  readonly payload: Uint8Array;
  /** Offset of the payload within the transport frame (8). */
  readonly payloadOffset: number;
  readonly padding: number;
  /** File CRC as sent (low byte first on the wire). */
  readonly crc: number;
  /** Whether it matches CRC-16/X.25 over the frame. */
  readonly crcOk: boolean;
}

/** `1B1B1B1B` at i. */
export function isEscapeAt(b: Uint8Array, i: number): boolean {
  return b[i] === SML_ESCAPE && b[i + 1] === SML_ESCAPE && b[i + 2] === SML_ESCAPE && b[i + 3] === SML_ESCAPE;
}

/** `01010101` at i. */
export function isStartMarkAt(b: Uint8Array, i: number): boolean {
  return b[i] === 0x01 && b[i + 1] === 0x01 && b[i + 2] === 0x01 && b[i + 3] === 0x01;
}

/**
 * Checks the envelope of one complete transport file and returns its payload. The CRC result is
 * reported, not enforced: the caller decides (it may be a meter quirk or an explicit opt-in).
 * Layout problems (no start, no end, padding > 3, stray escape) are errors.
 */
export function unwrapSmlTransport(frame: Uint8Array): Result<SmlTransportFile> {
  const n = frame.length;
  if (n < 8 || !isEscapeAt(frame, 0) || !isStartMarkAt(frame, 4)) {
    return n < 8 && isPrefixOfStart(frame)
      ? fail('truncated', 'sml-file', 'file shorter than its start sequence', 0)
      : fail('bad-format', 'sml-file', 'no SML start sequence 1B1B1B1B 01010101', 0);
  }
  const endAt = n - 8;
  if (n < SML_MIN_FILE || !isEscapeAt(frame, endAt) || frame[endAt + 4] !== 0x1a) {
    return fail('truncated', 'sml-file', 'no end sequence 1B1B1B1B 1A pp crc crc', n);
  }
  const padding = frame[endAt + 5] as number;
  const crc = (frame[n - 2] as number) | ((frame[n - 1] as number) << 8);
  const crcOk = crc16X25(frame, 0, n - 2) === crc;
  if (!crcOk) {
    // Still unwrap (escapes, padding) so the caller can look inside when it chooses to.
    const u = unescape(frame, 8, endAt);
    if (!u.ok) return u;
    const payloadEnd = Math.max(0, u.value.length - (padding <= 3 ? padding : 0));
    return ok({ payload: u.value.subarray(0, payloadEnd), payloadOffset: 8, padding, crc, crcOk });
  }
  if (padding > 3) return fail('bad-format', 'sml-file', `padding count ${padding} (0…3 allowed)`, endAt + 5);
  // Usually nothing is escaped: the payload is then a view of the frame, made once.
  const first = firstEscape(frame, 8, endAt);
  const u = first >= 0 ? unescape(frame, 8, endAt, first) : undefined;
  if (u !== undefined && !u.ok) return u;
  const length = u === undefined ? endAt - 8 : u.value.length;
  if (padding > length) return fail('bad-length', 'sml-file', 'padding longer than the payload', endAt + 5);
  const payload = u === undefined ? frame.subarray(8, endAt - padding) : u.value.subarray(0, length - padding);
  return ok({ payload, payloadOffset: 8, padding, crc, crcOk });
}

function isPrefixOfStart(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== SML_START[i]) return false;
  return true;
}

/** Offset of the first aligned `1B1B1B1B` in frame[start, end), or -1. */
function firstEscape(frame: Uint8Array, start: number, end: number): number {
  for (let i = start; i + 4 <= end; i += 4) if (frame[i] === SML_ESCAPE && isEscapeAt(frame, i)) return i;
  return -1;
}

/**
 * Removes escape doubling: an aligned `1B1B1B1B 1B1B1B1B` stands for one `1B1B1B1B`. Any other
 * aligned escape inside the payload is a framing error. Returns a subarray when nothing is escaped.
 */
function unescape(frame: Uint8Array, start: number, end: number, first = firstEscape(frame, start, end)): Result<Uint8Array> {
  if (first < 0) return ok(frame.subarray(start, end));
  const out = new Uint8Array(end - start);
  let o = 0;
  let i = start;
  out.set(frame.subarray(start, first), 0);
  o = first - start;
  i = first;
  while (i < end) {
    if (i + 4 <= end && isEscapeAt(frame, i)) {
      if (i + 8 > end || !isEscapeAt(frame, i + 4)) return fail('bad-format', 'sml-file', 'escape sequence inside the payload is not doubled', i);
      out.set(frame.subarray(i, i + 4), o);
      o += 4;
      i += 8;
      continue;
    }
    const stop = Math.min(i + 4, end);
    while (i < stop) out[o++] = frame[i++] as number;
  }
  return ok(out.subarray(0, o));
}
