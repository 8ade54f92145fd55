import { crc16X25, fail, ok, type Result } from '../common';

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

function readAddress(bytes: Uint8Array, offset: number, limit: number): Result<HdlcAddress> {
  let value = 0;
  for (let i = 0; i < 4 && offset + i < limit; i++) {
    const b = bytes[offset + i] as number;
    value = value * 128 + (b >>> 1);
    if (b & 1) {
      const size = i + 1;
      if (size === 3) return fail('bad-format', LAYER, 'HDLC address of 3 bytes', offset);
      return ok({ value, size: size as 1 | 2 | 4 });
    }
  }
  return fail('bad-format', LAYER, 'HDLC address without terminating byte (LSB = 1)', offset);
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
  if (bytes.length < HDLC_MIN_LENGTH + 2) return fail('truncated', LAYER, 'shorter than the smallest HDLC frame', 0);
  if (bytes[0] !== HDLC_FLAG) return fail('bad-format', LAYER, 'frame does not start with flag 7E', 0);
  const f1 = bytes[1] as number;
  if (!isHdlcFormatByte(f1)) return fail('bad-format', LAYER, 'format field is not frame type 3', 1);
  const length = hdlcLengthField(f1, bytes[2] as number);
  if (length + 2 !== bytes.length) return fail('bad-length', LAYER, `length field ${length} disagrees with ${bytes.length - 2} bytes`, 1);
  const end = length + 1; // index of the closing flag
  if (bytes[end] !== HDLC_FLAG) return fail('bad-format', LAYER, 'frame does not end with flag 7E', end);
  const fcsAt = end - 2;
  const destination = readAddress(bytes, 3, fcsAt);
  if (!destination.ok) return destination;
  const srcAt = 3 + destination.value.size;
  const source = readAddress(bytes, srcAt, fcsAt);
  if (!source.ok) return source;
  const controlAt = srcAt + source.value.size;
  if (controlAt >= fcsAt) return fail('truncated', LAYER, 'frame ends before the control field', controlAt);
  const control = bytes[controlAt] as number;
  let infoStart = controlAt + 1;
  if (infoStart < fcsAt) {
    // An information field follows: the header check sequence protects format…control.
    if (infoStart + 2 > fcsAt) return fail('truncated', LAYER, 'frame ends inside the HCS', infoStart);
    if (crc16X25(bytes, 1, infoStart) !== storedCrc(bytes, infoStart)) return fail('bad-crc', LAYER, 'HCS mismatch', infoStart);
    infoStart += 2;
  }
  if (crc16X25(bytes, 1, fcsAt) !== storedCrc(bytes, fcsAt)) return fail('bad-crc', LAYER, 'FCS mismatch', fcsAt);
  return ok({
    segmented: (f1 & 0x08) !== 0,
    destination: destination.value,
    source: source.value,
    control,
    information: bytes.slice(infoStart, fcsAt),
  });
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
