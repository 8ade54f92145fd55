import { crc16Arc } from '../common/crc';
import { fail, type DecodeError } from '../common/errors';

/** Options shared by the framer, the telegram decoder and the stream decoder. */
export interface DsmrOptions {
  /** Longest telegram accepted, `/` to `!` inclusive, in bytes (default 8 KiB). */
  readonly maxLength?: number;
  /** Reject telegrams that end without a CRC (DSMR 2.2/3.0, L+G E350 sample, EasyMeter). */
  readonly requireCrc?: boolean;
}

export const DSMR_DEFAULT_MAX_LENGTH = 8192;
export const LAYER = 'dsmr';

/** Value of a hex digit byte, or -1. */
export function hexDigit(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The CRC after `!`: 1–4 hex digits (WarmteLink prints `B9F`), or none. */
export interface Trailer {
  readonly digits: number;
  readonly crc: number;
}

export function readTrailer(bytes: Uint8Array, bang: number): Trailer {
  let crc = 0;
  let digits = 0;
  for (let i = bang + 1; digits < 4 && i < bytes.length; i++, digits++) {
    const d = hexDigit(bytes[i] as number);
    if (d < 0) break;
    crc = crc * 16 + d;
  }
  return { digits, crc };
}

/**
 * Checks the CRC-16/ARC over `/`…`!` against the one sent, numerically; a telegram without CRC
 * passes unless `requireCrc`.
 */
export function checkCrc(bytes: Uint8Array, start: number, bang: number, trailer: Trailer, options: DsmrOptions): DecodeError | undefined {
  if (trailer.digits === 0) {
    return options.requireCrc === true ? fail('bad-crc', LAYER, 'telegram has no CRC but one is required', bang).error : undefined;
  }
  return crc16Arc(bytes, start, bang + 1) === trailer.crc ? undefined : fail('bad-crc', LAYER, 'CRC-16 does not match', bang).error;
}
