import { fail, ok, type Result } from '../common';

/** EN 13757-2 frame bytes. */
export const MBUS_ACK = 0xe5;
export const MBUS_SHORT_START = 0x10;
export const MBUS_LONG_START = 0x68;
export const MBUS_STOP = 0x16;

/** Bytes of a long/control frame around its L bytes: 68 L L 68 … CS 16. */
export const MBUS_LONG_OVERHEAD = 6;
export const MBUS_SHORT_LENGTH = 5;

/** The link-layer frames of EN 13757-2. Control frames are long frames with L = 3 (no user data). */
export type MbusFrame =
  | { readonly type: 'ack'; readonly bytes: Uint8Array }
  | { readonly type: 'short'; readonly control: number; readonly address: number; readonly bytes: Uint8Array }
  | {
      readonly type: 'control' | 'long';
      readonly control: number;
      readonly address: number;
      readonly ci: number;
      /** User data after the CI field (empty for control frames): a view of `bytes`, never of the caller's buffer. */
      readonly data: Uint8Array;
      readonly bytes: Uint8Array;
    };

const LAYER = 'mbus-frame';

/** M-Bus checksum: arithmetic sum of the bytes mod 256. */
export function mbusChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] as number)) & 0xff;
  return sum;
}

/** True when the C field has the DIR bit clear: the frame was sent by a slave (RSP_UD). */
export function isFromSlave(control: number): boolean {
  return (control & 0x40) === 0;
}

/**
 * Parses exactly one frame (ACK, short, control or long) from `bytes`. The start is checked,
 * then the lengths, then the stop byte, then the checksum: the first failure is reported.
 */
export function parseMbusFrame(bytes: Uint8Array): Result<MbusFrame> {
  return readMbusFrame(bytes, true);
}

/**
 * `parseMbusFrame` without the copy: `bytes` and `data` of the frame are views of the input, valid
 * while the caller keeps the input unchanged (the DLMS carrier copies the segment at once).
 */
export function parseMbusFrameView(bytes: Uint8Array): Result<MbusFrame> {
  return readMbusFrame(bytes, false);
}

function readMbusFrame(bytes: Uint8Array, copyBytes: boolean): Result<MbusFrame> {
  const first = bytes[0];
  if (first === undefined) return fail('truncated', LAYER, 'empty input', 0);
  const copy = copyBytes ? new Uint8Array(bytes) : bytes; // a copy, and a plain Uint8Array even when given a Buffer
  if (first === MBUS_ACK) {
    if (bytes.length !== 1) return fail('bad-length', LAYER, 'bytes after the single-character ACK', 1);
    return ok({ type: 'ack', bytes: copy });
  }
  if (first === MBUS_SHORT_START) {
    if (bytes.length < MBUS_SHORT_LENGTH) return fail('truncated', LAYER, 'short frame needs 5 bytes', bytes.length);
    if (bytes.length > MBUS_SHORT_LENGTH) return fail('bad-length', LAYER, 'bytes after the short frame', MBUS_SHORT_LENGTH);
    if (bytes[4] !== MBUS_STOP) return fail('bad-format', LAYER, 'short frame without stop byte 16', 4);
    if (mbusChecksum(bytes, 1, 3) !== bytes[3]) return fail('bad-crc', LAYER, 'short frame checksum mismatch', 3);
    return ok({ type: 'short', control: bytes[1] as number, address: bytes[2] as number, bytes: copy });
  }
  if (first !== MBUS_LONG_START) return fail('bad-format', LAYER, 'not an M-Bus frame start (E5, 10 or 68)', 0);
  if (bytes.length < 4) return fail('truncated', LAYER, 'long frame header incomplete', bytes.length);
  const l1 = bytes[1] as number;
  const l2 = bytes[2] as number;
  if (l1 !== l2) return fail('bad-length', LAYER, 'the two length bytes differ', 2);
  if (bytes[3] !== MBUS_LONG_START) return fail('bad-format', LAYER, 'second start byte 68 missing', 3);
  if (l1 < 3) return fail('bad-length', LAYER, 'length below 3 (C, A and CI)', 1);
  const total = l1 + MBUS_LONG_OVERHEAD;
  if (bytes.length < total) return fail('truncated', LAYER, `long frame needs ${total} bytes`, bytes.length);
  if (bytes.length > total) return fail('bad-length', LAYER, 'bytes after the long frame', total);
  if (bytes[total - 1] !== MBUS_STOP) return fail('bad-format', LAYER, 'long frame without stop byte 16', total - 1);
  if (mbusChecksum(bytes, 4, total - 2) !== bytes[total - 2]) return fail('bad-crc', LAYER, 'long frame checksum mismatch', total - 2);
  return ok({
    type: l1 === 3 ? 'control' : 'long',
    control: bytes[4] as number,
    address: bytes[5] as number,
    ci: bytes[6] as number,
    data: copy.subarray(7, total - 2),
    bytes: copy,
  });
}

/** Encodes a short frame `10 C A CS 16`. */
export function encodeShortFrame(control: number, address: number): Uint8Array {
  const c = control & 0xff;
  const a = address & 0xff;
  return Uint8Array.from([MBUS_SHORT_START, c, a, (c + a) & 0xff, MBUS_STOP]);
}

/** Encodes a control (no data) or long frame `68 L L 68 C A CI data CS 16`. */
export function encodeLongFrame(control: number, address: number, ci: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (data.length > 252) throw new RangeError('M-Bus user data is limited to 252 bytes');
  const l = data.length + 3;
  const out = new Uint8Array(l + MBUS_LONG_OVERHEAD);
  out.set([MBUS_LONG_START, l, l, MBUS_LONG_START, control & 0xff, address & 0xff, ci & 0xff]);
  out.set(data, 7);
  out[l + 4] = mbusChecksum(out, 4, l + 4);
  out[l + 5] = MBUS_STOP;
  return out;
}
