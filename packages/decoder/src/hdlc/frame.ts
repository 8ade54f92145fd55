import { crc16X25, fail, type DecodeError, type Result } from '../common';

/** HDLC flag byte at both ends of a frame (IEC 62056-46). */
export const HDLC_FLAG = 0x7e;
/** Smallest frame length field: format (2) + destination (1) + source (1) + control (1) + FCS (2). */
export const HDLC_MIN_LENGTH = 7;

export interface HdlcAddress {
  /** Address value: the 7 address bits of each byte, most significant byte first. */
  readonly value: number;
  /** Bytes the address takes on the wire: 1, 2 or 4. */
  readonly size: 1 | 2 | 4;
}

export interface HdlcFrame {
  /** Segmentation bit of the format field: more segments of the same APDU follow. */
  readonly segmented: boolean;
  readonly destination: HdlcAddress;
  readonly source: HdlcAddress;
  /** Control byte (`13` UI with P/F, `03` UI, `10` I-frame…). */
  readonly control: number;
  /** Information field (empty for frames without one). A copy the caller may keep. */
  readonly information: Uint8Array;
}

const LAYER = 'hdlc';

/** Frame type 3 (`1010` in the top nibble of the format field). */
export function isHdlcFormatByte(byte: number): boolean {
  return (byte & 0xf0) === 0xa0;
}

/** Length field of the format (11 bits): bytes between the flags. */
export function hdlcLengthField(formatHigh: number, formatLow: number): number {
  return ((formatHigh & 0x07) << 8) | formatLow;
}

/**
 * Reads an address at `at` (before `limit`): `value * 8 + size` (size 1, 2 or 4), or -1 for a 3-byte
 * address and -2 when no byte with LSB = 1 ends it. A number, not an object, on the hot path.
 */
function readAddress(bytes: Uint8Array, at: number, limit: number): number {
  let value = 0;
  for (let i = 0; i < 4 && at + i < limit; i++) {
    const b = bytes[at + i] as number;
    value = value * 128 + (b >>> 1);
    if (b & 1) return i === 2 ? -1 : value * 8 + i + 1;
  }
  return -2;
}

function addressError(code: number, offset: number): { readonly ok: false; readonly error: DecodeError } {
  return code === -1
    ? fail('bad-format', LAYER, 'HDLC address of 3 bytes', offset)
    : fail('bad-format', LAYER, 'HDLC address without terminating byte (LSB = 1)', offset);
}

function address(code: number): HdlcAddress {
  return { value: (code - (code & 7)) / 8, size: (code & 7) as 1 | 2 | 4 };
}

function storedCrc(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
}

/**
 * Parses one complete frame `7E format… FCS 7E` (exactly the frame's bytes). Checks the flags, the
 * frame type, the length field against the byte count, the HCS (when there is an information
 * field) and the FCS, both CRC-16/X.25 with the low byte first.
 */
export function parseHdlcFrame(bytes: Uint8Array): Result<HdlcFrame> {
  return readHdlcFrame(bytes, 0, bytes.length, true);
}

/**
 * `parseHdlcFrame` of `buf[start, end)` read in place (error offsets count from `start`). With
 * `copy` false the information field is a view of `buf`, valid only while the caller leaves those
 * bytes alone (the DLMS stream decoder copies it into the APDU at once).
 */
export function readHdlcFrame(buf: Uint8Array, start: number, end: number, copy: boolean): Result<HdlcFrame> {
  const size = end - start;
  if (size < HDLC_MIN_LENGTH + 2) return fail('truncated', LAYER, 'shorter than the smallest HDLC frame', 0);
  if (buf[start] !== HDLC_FLAG) return fail('bad-format', LAYER, 'frame does not start with flag 7E', 0);
  const f1 = buf[start + 1] as number;
  if (!isHdlcFormatByte(f1)) return fail('bad-format', LAYER, 'format field is not frame type 3', 1);
  const length = hdlcLengthField(f1, buf[start + 2] as number);
  if (length + 2 !== size) return fail('bad-length', LAYER, `length field ${length} disagrees with ${size - 2} bytes`, 1);
  const close = start + length + 1; // index of the closing flag
  if (buf[close] !== HDLC_FLAG) return fail('bad-format', LAYER, 'frame does not end with flag 7E', length + 1);
  const fcsAt = close - 2;
  const destination = readAddress(buf, start + 3, fcsAt);
  if (destination < 0) return addressError(destination, 3);
  const srcAt = start + 3 + (destination & 7);
  const source = readAddress(buf, srcAt, fcsAt);
  if (source < 0) return addressError(source, srcAt - start);
  const controlAt = srcAt + (source & 7);
  if (controlAt >= fcsAt) return fail('truncated', LAYER, 'frame ends before the control field', controlAt - start);
  const control = buf[controlAt] as number;
  let infoStart = controlAt + 1;
  if (infoStart < fcsAt) {
    // An information field follows: the header check sequence protects format…control.
    if (infoStart + 2 > fcsAt) return fail('truncated', LAYER, 'frame ends inside the HCS', infoStart - start);
    if (crc16X25(buf, start + 1, infoStart) !== storedCrc(buf, infoStart)) return fail('bad-crc', LAYER, 'HCS mismatch', infoStart - start);
    infoStart += 2;
  }
  if (crc16X25(buf, start + 1, fcsAt) !== storedCrc(buf, fcsAt)) return fail('bad-crc', LAYER, 'FCS mismatch', fcsAt - start);
  return {
    ok: true,
    value: {
      segmented: (f1 & 0x08) !== 0,
      destination: address(destination),
      source: address(source),
      control,
      information: copy ? buf.slice(infoStart, fcsAt) : buf.subarray(infoStart, fcsAt),
    },
  };
}

/** Builds a frame around an information field (tests, simulators). Addresses are given as wire bytes. */
export function buildHdlcFrame(
  information: Uint8Array,
  opts: { readonly destination?: readonly number[]; readonly source?: readonly number[]; readonly control?: number; readonly segmented?: boolean } = {},
): Uint8Array {
  const dst = opts.destination ?? [0x41];
  const src = opts.source ?? [0x08, 0x83];
  const header = 2 + dst.length + src.length + 1;
  const length = header + (information.length > 0 ? 2 + information.length : 0) + 2;
  const out = new Uint8Array(length + 2);
  out[0] = HDLC_FLAG;
  out[1] = 0xa0 | (opts.segmented ? 0x08 : 0) | ((length >>> 8) & 0x07);
  out[2] = length & 0xff;
  out.set(dst, 3);
  out.set(src, 3 + dst.length);
  out[1 + header - 1] = opts.control ?? 0x13;
  let at = 1 + header;
  if (information.length > 0) {
    const hcs = crc16X25(out, 1, at);
    out[at] = hcs & 0xff;
    out[at + 1] = hcs >>> 8;
    out.set(information, at + 2);
    at += 2 + information.length;
  }
  const fcs = crc16X25(out, 1, at);
  out[at] = fcs & 0xff;
  out[at + 1] = fcs >>> 8;
  out[at + 2] = HDLC_FLAG;
  return out;
}
