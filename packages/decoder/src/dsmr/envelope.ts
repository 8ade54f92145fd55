import { crc16Arc } from '../common/crc';
import { fail, type DecodeError } from '../common/errors';

/**
 * When a telegram must carry its CRC (docs/configuration.md, `dsmr.crc`):
 * - `auto` (default): required, unless the telegram identifies itself as a dialect without CRC
 *   (`noCrcDialect`): DSMR 2.2/3.0 or EasyMeter Q3D;
 * - `required`: every telegram;
 * - `optional`: a telegram without CRC is accepted (a meter known to omit it against its
 *   specification, such as the L+G E350 DSMR 4.2 sample). A CRC that is present is always checked.
 */
export type DsmrCrcPolicy = 'auto' | 'required' | 'optional';

/** Options shared by the framer, the telegram decoder and the stream decoder. */
export interface DsmrOptions {
  /** Longest telegram accepted, `/` to `!` inclusive, in bytes (default 8 KiB). */
  readonly maxLength?: number;
  /** CRC policy (default `auto`). */
  readonly crc?: DsmrCrcPolicy;
  /** @deprecated `true` is `crc: 'required'`; ignored when `crc` is set. */
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

export function crcPolicy(options: DsmrOptions): DsmrCrcPolicy {
  return options.crc ?? (options.requireCrc === true ? 'required' : 'auto');
}

/** Whether a line of `bytes[from, to)` starts with `code` (latin1 text, e.g. `1-3:0.2.8(`). */
function hasLine(bytes: Uint8Array, from: number, to: number, code: string): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from);
  for (let at = view.indexOf(code, 0, 'latin1'); at >= 0; at = view.indexOf(code, at + 1, 'latin1')) {
    if (at === 0 || view[at - 1] === 10 || view[at - 1] === 13) return true;
  }
  return false;
}

/**
 * Whether the telegram `/`…`!` at `bytes[start, bang]` identifies itself as a dialect that sends
 * no CRC (protocol-notes §1.1, §1.5): EasyMeter Q3D (FLAG id `ESY`), or DSMR 2.2/3.0, which
 * carries the E-meter equipment id `0-0:96.1.1` but no P1 version object (`1-3:0.2.8` came with
 * DSMR 4.0; eMUCS sends `0-0:96.1.4`). The Nordic, Irish and Hungarian dialects that also lack
 * a version object carry no `0-0:96.1.1` and do sign their telegrams. Only read for a telegram
 * without CRC (off the fast path).
 */
export function noCrcDialect(bytes: Uint8Array, start: number, bang: number, manufacturerId: string | undefined): boolean {
  if (manufacturerId === 'ESY') return true;
  return hasLine(bytes, start, bang, '0-0:96.1.1(') && !hasLine(bytes, start, bang, '1-3:0.2.8(') && !hasLine(bytes, start, bang, '0-0:96.1.4(');
}

/**
 * Checks the CRC-16/ARC over `/`…`!` against the one sent, numerically. A telegram without CRC
 * is `missing-crc` unless the policy (`crcPolicy`) lets it pass.
 */
export function checkCrc(
  bytes: Uint8Array,
  start: number,
  bang: number,
  trailer: Trailer,
  options: DsmrOptions,
  manufacturerId: string | undefined,
): DecodeError | undefined {
  if (trailer.digits === 0) {
    const policy = crcPolicy(options);
    if (policy === 'optional' || (policy === 'auto' && noCrcDialect(bytes, start, bang, manufacturerId))) return undefined;
    return fail('missing-crc', LAYER, 'telegram ends without the CRC its dialect carries', bang).error;
  }
  return crc16Arc(bytes, start, bang + 1) === trailer.crc ? undefined : fail('bad-crc', LAYER, 'CRC-16 does not match', bang).error;
}
