import { manufacturerName } from '@smi/model';
import { bcdDigits, readUnsignedLE } from './data-coding';

/** The 12-byte fixed data header of CI 72/76 (EN 13757-3; protocol notes §5.3). */
export interface MbusLongHeader {
  /** Identification number: 8 BCD digits as sent (hex digits kept when a nibble is not decimal). */
  readonly id: string;
  readonly manufacturerCode: number;
  /** Three-letter FLAG id (`KAM`). */
  readonly manufacturerId: string;
  readonly version: number;
  /** Medium (device type) byte. */
  readonly mediumCode: number;
  readonly accessNumber: number;
  readonly status: number;
  readonly signature: number;
}

/** The 4-byte short header of CI 7A: access number, status, signature / configuration. */
export interface MbusShortHeader {
  readonly accessNumber: number;
  readonly status: number;
  readonly signature: number;
}

export const LONG_HEADER_LENGTH = 12;
export const SHORT_HEADER_LENGTH = 4;

/** 16-bit FLAG code → three letters: ((c1−64)≪10) + ((c2−64)≪5) + (c3−64). Bit 15 is ignored. */
export function decodeManufacturer(code: number): string {
  return String.fromCharCode(((code >> 10) & 0x1f) + 64, ((code >> 5) & 0x1f) + 64, (code & 0x1f) + 64);
}

/** Three letters → 16-bit FLAG code; undefined unless exactly three letters A–Z. */
export function encodeManufacturer(id: string): number | undefined {
  const u = id.toUpperCase();
  if (!/^[A-Z]{3}$/.test(u)) return undefined;
  return ((u.charCodeAt(0) - 64) << 10) | ((u.charCodeAt(1) - 64) << 5) | (u.charCodeAt(2) - 64);
}

function field(bytes: Uint8Array, msbFirst: boolean): Uint8Array {
  return msbFirst ? Uint8Array.from(bytes).reverse() : bytes;
}

/** Reads the 12-byte header at `offset` (`msbFirst` for CI 76: multi-byte fields reversed, unverified). */
export function parseLongHeader(data: Uint8Array, offset = 0, msbFirst = false): MbusLongHeader {
  const at = (from: number, len: number): Uint8Array => field(data.subarray(offset + from, offset + from + len), msbFirst);
  const o = offset;
  // LSB first (CI 72): read in place; CI 76 reverses the multi-byte fields first.
  const manufacturerCode = msbFirst ? readUnsignedLE(at(4, 2)) : (data[o + 4] as number) | ((data[o + 5] as number) << 8);
  return {
    id: msbFirst ? bcdDigits(at(0, 4)) : bcdDigits(data.subarray(o, o + 4)),
    manufacturerCode,
    manufacturerId: decodeManufacturer(manufacturerCode),
    version: data[offset + 6] as number,
    mediumCode: data[offset + 7] as number,
    accessNumber: data[offset + 8] as number,
    status: data[offset + 9] as number,
    signature: msbFirst ? readUnsignedLE(at(10, 2)) : (data[o + 10] as number) | ((data[o + 11] as number) << 8),
  };
}

export function parseShortHeader(data: Uint8Array, offset = 0): MbusShortHeader {
  return {
    accessNumber: data[offset] as number,
    status: data[offset + 1] as number,
    signature: readUnsignedLE(data.subarray(offset + 2, offset + 4)),
  };
}

/**
 * Secondary address as libmbus prints it: id (8 digits), manufacturer code (4 hex), version and
 * medium (2 hex each), e.g. `068558172C2D0804`.
 */
export function secondaryAddress(h: Pick<MbusLongHeader, 'id' | 'manufacturerCode' | 'version' | 'mediumCode'>): string {
  const hex = (n: number, w: number): string => n.toString(16).toUpperCase().padStart(w, '0');
  return `${h.id}${hex(h.manufacturerCode, 4)}${hex(h.version, 2)}${hex(h.mediumCode, 2)}`;
}

export type ApplicationErrorState = 'none' | 'busy' | 'error' | 'abnormal';

export interface MbusStatus {
  readonly application: ApplicationErrorState;
  readonly powerLow: boolean;
  readonly permanentError: boolean;
  readonly temporaryError: boolean;
  /** Bits 5–7, manufacturer specific. */
  readonly manufacturerBits: number;
}

const APPLICATION_STATES: readonly ApplicationErrorState[] = ['none', 'busy', 'error', 'abnormal'];

/** Status byte bits (protocol notes §5.3; bit meanings unverified beyond the notes). */
export function decodeStatus(status: number): MbusStatus {
  return {
    application: APPLICATION_STATES[status & 0x03] as ApplicationErrorState,
    powerLow: (status & 0x04) !== 0,
    permanentError: (status & 0x08) !== 0,
    temporaryError: (status & 0x10) !== 0,
    manufacturerBits: (status & 0xe0) >> 5,
  };
}

/** Manufacturer name from the model's FLAG table. */
export function mbusManufacturerName(id: string): string | undefined {
  return manufacturerName(id);
}
