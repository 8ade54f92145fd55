/**
 * EN 13757-3 data coding: integers (LSB first, two's complement), BCD (LSB first, `F` in the
 * most significant nibble = negative), real32, date/time types F/G/I/J and LVAR lengths.
 */
import { HEX_BYTE } from '../common';

/** Unsigned little-endian integer of up to 8 bytes (exact up to 2^53). */
export function readUnsignedLE(bytes: Uint8Array): number {
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + (bytes[i] as number);
  return v;
}

/** Signed (two's complement) little-endian integer of 1…8 bytes; 64-bit values beyond 2^53 lose precision. */
export function readSignedLE(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  if (bytes.length > 6) {
    let v = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
    return Number(BigInt.asIntN(bytes.length * 8, v));
  }
  const u = readUnsignedLE(bytes);
  const top = (bytes[bytes.length - 1] as number) & 0x80;
  return top ? u - 2 ** (bytes.length * 8) : u;
}

/** IEEE 754 single precision, little-endian (DIF data field 5). */
export function readReal32LE(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return view.getFloat32(0, true);
}

/** `readSignedLE` of `data[at, at + n)` for 1…6 bytes, in place. */
export function readIntLE(data: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at + n - 1; i >= at; i--) v = v * 256 + (data[i] as number);
  return ((data[at + n - 1] as number) & 0x80) !== 0 ? v - 2 ** (n * 8) : v;
}

/** `readBcd` of `data[at, at + n)` for up to 7 bytes, in place. */
export function readBcdAt(data: Uint8Array, at: number, n: number): number | undefined {
  let v = 0;
  let negative = false;
  for (let i = at + n - 1; i >= at; i--) {
    const b = data[i] as number;
    const hi = b >> 4;
    const lo = b & 15;
    if (i === at + n - 1 && hi === 15) negative = true;
    else if (hi > 9) return undefined;
    else v = v * 10 + hi;
    if (lo > 9) return undefined;
    v = v * 10 + lo;
  }
  return negative ? -v : v;
}

/** The BCD digits of an LSB-first field, most significant first (`78 03 49 11` → `11490378`). */
export function bcdDigits(bytes: Uint8Array): string {
  let s = '';
  for (let i = bytes.length - 1; i >= 0; i--) s += HEX_BYTE[bytes[i] as number] as string;
  return s;
}

/**
 * BCD value of an LSB-first field. An `F` in the most significant nibble marks a negative number
 * (the nibble itself is not a digit). Undefined when any other nibble is not a decimal digit.
 */
export function readBcd(bytes: Uint8Array): number | undefined {
  const n = bytes.length;
  return n > 7 ? readLongBcd(bytes) : readBcdAt(bytes, 0, n); // beyond 2^53 only the text conversion rounds as before
}

function readLongBcd(bytes: Uint8Array): number | undefined {
  const digits = bcdDigits(bytes);
  const negative = digits.startsWith('F');
  const body = negative ? digits.slice(1) : digits;
  if (!/^[0-9]*$/.test(body)) return undefined;
  const v = body === '' ? 0 : Number(body);
  return negative ? -v : v;
}

export interface MbusDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  /** Summer time flag as sent (types F and I). */
  readonly summerTime?: boolean;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO-8601 local date or date-time without offset (M-Bus carries no time zone). */
export function formatMbusDateTime(t: MbusDateTime): string {
  const date = `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}`;
  if (t.hour === undefined) return date;
  return `${date}T${two(t.hour)}:${two(t.minute ?? 0)}:${two(t.second ?? 0)}`;
}

/** 7-bit year plus hundred-year bits → full year; old meters without century bits mean 2000–2080 (libmbus rule). */
function fullYear(year: number, hundredYears: number): number {
  return 1900 + 100 * hundredYears + year + (hundredYears === 0 && year <= 80 ? 100 : 0);
}

function validDate(t: MbusDateTime): MbusDateTime | undefined {
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31) return undefined;
  if (t.hour !== undefined && (t.hour > 23 || (t.minute ?? 0) > 59 || (t.second ?? 0) > 59)) return undefined;
  return t;
}

/** Type G (2 bytes): date. Undefined for "no date" (day or month 0, or out of range). */
export function decodeTypeG(b: Uint8Array): MbusDateTime | undefined {
  const b0 = b[0] as number;
  const b1 = b[1] as number;
  const year = ((b0 & 0xe0) >> 5) | ((b1 & 0xf0) >> 1);
  return validDate({ year: fullYear(year, 0), month: b1 & 0x0f, day: b0 & 0x1f });
}

/** Type F (4 bytes): date and time to the minute. Undefined when the time-invalid bit is set or fields are out of range. */
export function decodeTypeF(b: Uint8Array): MbusDateTime | undefined {
  const [b0, b1, b2, b3] = [b[0] as number, b[1] as number, b[2] as number, b[3] as number];
  if (b0 & 0x80) return undefined;
  const year = ((b2 & 0xe0) >> 5) | ((b3 & 0xf0) >> 1);
  return validDate({
    year: fullYear(year, (b1 & 0x60) >> 5),
    month: b3 & 0x0f,
    day: b2 & 0x1f,
    hour: b1 & 0x1f,
    minute: b0 & 0x3f,
    second: 0,
    summerTime: (b1 & 0x80) !== 0,
  });
}

/**
 * Type I (6 bytes): date and time to the second, laid out as in protocol notes §5.8 (unverified
 * against a fixture: none of the 76 frames carries one).
 */
export function decodeTypeI(b: Uint8Array): MbusDateTime | undefined {
  const [b0, b1, b2, b3, b4] = [b[0] as number, b[1] as number, b[2] as number, b[3] as number, b[4] as number];
  if (b1 & 0x80) return undefined;
  const year = ((b3 & 0xe0) >> 5) | ((b4 & 0xf0) >> 1);
  return validDate({
    year: fullYear(year, (b2 & 0x60) >> 5),
    month: b4 & 0x0f,
    day: b3 & 0x1f,
    hour: b2 & 0x1f,
    minute: b1 & 0x3f,
    second: b0 & 0x3f,
    summerTime: (b0 & 0x40) !== 0,
  });
}

/** Type J (3 bytes): time of day `HH:MM:SS` (unverified: no fixture). */
export function decodeTypeJ(b: Uint8Array): string | undefined {
  const s = (b[0] as number) & 0x3f;
  const m = (b[1] as number) & 0x3f;
  const h = (b[2] as number) & 0x1f;
  if (h > 23 || m > 59 || s > 59) return undefined;
  return `${two(h)}:${two(m)}:${two(s)}`;
}

export type LvarKind = 'text' | 'bcd' | 'negative-bcd' | 'binary';

/**
 * Meaning of the LVAR byte that precedes variable-length data (DIF data field D):
 * `00–BF` text (sent reversed), `C0–C9` positive BCD, `D0–D9` negative BCD (n − C0/D0 bytes),
 * `E0–EF` binary n − E0 bytes, `F0–F4` binary (n − EC) × 4 bytes, `F5` 48 bytes, `F6` 64 bytes.
 * Undefined for reserved values.
 */
export function lvarLength(lvar: number): { readonly kind: LvarKind; readonly length: number } | undefined {
  if (lvar <= 0xbf) return { kind: 'text', length: lvar };
  if (lvar >= 0xc0 && lvar <= 0xc9) return { kind: 'bcd', length: lvar - 0xc0 };
  if (lvar >= 0xd0 && lvar <= 0xd9) return { kind: 'negative-bcd', length: lvar - 0xd0 };
  if (lvar >= 0xe0 && lvar <= 0xef) return { kind: 'binary', length: lvar - 0xe0 };
  if (lvar >= 0xf0 && lvar <= 0xf4) return { kind: 'binary', length: (lvar - 0xec) * 4 };
  if (lvar === 0xf5) return { kind: 'binary', length: 48 };
  if (lvar === 0xf6) return { kind: 'binary', length: 64 };
  return undefined;
}

/** Text sent in reverse order (LVAR strings and plain-text VIF units), as latin1. */
export function reversedText(bytes: Uint8Array): string {
  let s = '';
  for (let i = bytes.length - 1; i >= 0; i--) s += String.fromCharCode(bytes[i] as number);
  return s;
}

/** Hex of bytes, most significant (last sent) first: how a multi-byte binary value reads as a number. */
export function hexMsbFirst(bytes: Uint8Array): string {
  return bcdDigits(bytes);
}
