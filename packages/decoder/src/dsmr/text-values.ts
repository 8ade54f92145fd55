import { hexAscii } from '../common/hex';
import type { ByteMemo } from '../common/byte-memo';
import type { ByteText } from '../common/byte-text';
import { isDigits } from '../common/decimal-text';

/**
 * Value syntax of DSMR brackets (protocol-notes §1.2), read in place from the telegram bytes:
 * no regexes, no per-character string building. Numbers, unit codes and text slices are the
 * generic helpers of common/decimal-text.ts and common/byte-text.ts.
 */

function two(b: Uint8Array, at: number): number {
  const hi = (b[at] as number) - 48;
  const lo = (b[at + 1] as number) - 48;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** UTC milliseconds of the last Sunday of a month at 01:00 UTC (EU summer-time switch). */
function euSwitch(year: number, month: number): number {
  const last = Date.UTC(year, month, 0, 1);
  return last - new Date(last).getUTCDay() * 86_400_000;
}

/**
 * Offset of a local Dutch/Belgian time stamp that carries no S/W flag (DSMR 2.2/3.0 hourly gas):
 * CEST between the last Sundays of March and October (01:00 UTC), else CET. The repeated autumn
 * hour is read as winter time, the skipped spring hour as summer time.
 */
function isEuropeanSummerTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  const asWinterUtc = Date.UTC(year, month - 1, day, hour - 1, minute, second);
  return asWinterUtc >= euSwitch(year, 3) && asWinterUtc < euSwitch(year, 10);
}

/**
 * DSMR time stamp `YYMMDDhhmmssX` (X = `S` summer +02:00, `W` winter +01:00; absent in DSMR
 * 2.2/3.0 profiles: EU rule) → `20YY-MM-DDThh:mm:ss+hh:mm`. Undefined for an impossible date
 * such as `632525252525W`.
 */
export function tstToIso(b: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  if (length !== 12 && length !== 13) return undefined;
  const yy = two(b, start);
  const month = two(b, start + 2);
  const day = two(b, start + 4);
  const hour = two(b, start + 6);
  const minute = two(b, start + 8);
  const second = two(b, start + 10);
  if (yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  const year = 2000 + yy;
  if (day > daysInMonth(year, month)) return undefined;
  let summer: boolean;
  if (length === 13) {
    const flag = (b[start + 12] as number) | 0x20; // lower-case
    if (flag !== 115 /* s */ && flag !== 119 /* w */) return undefined;
    summer = flag === 115;
  } else {
    summer = isEuropeanSummerTime(year, month, day, hour, minute, second);
  }
  // One string from char codes: several times faster than joining slices.
  const s = start;
  // prettier-ignore
  return String.fromCharCode(
    50, 48, b[s] as number, b[s + 1] as number, 45, b[s + 2] as number, b[s + 3] as number, 45, b[s + 4] as number, b[s + 5] as number,
    84, b[s + 6] as number, b[s + 7] as number, 58, b[s + 8] as number, b[s + 9] as number, 58, b[s + 10] as number, b[s + 11] as number,
    43, 48, summer ? 50 : 49, 58, 48, 48,
  );
}

/** Whether `b[start, end)` has the shape of a DSMR time stamp (12 digits, optional S/W). */
export function looksLikeTst(b: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 13) {
    const flag = (b[end - 1] as number) | 0x20;
    return (flag === 115 || flag === 119) && isDigits(b, start, end - 1);
  }
  return length === 12 && isDigits(b, start, end);
}

/** An id or text as sent (hex) and decoded (when printable ASCII, else as sent). */
export interface HexText {
  readonly raw: string;
  readonly value: string;
}

/**
 * Reads hex-encoded text in `b[start, end)`: `raw` as sent, `value` decoded when printable;
 * memoised in `memo` (meters repeat ids and texts in every telegram).
 */
export function readHexText(text: ByteText, start: number, end: number, memo: ByteMemo<HexText>): HexText {
  const known = memo.get(text.bytes, start, end);
  if (known !== undefined) return known;
  const raw = text.slice(start, end);
  return memo.set(text.bytes, start, end, { raw, value: hexAscii(raw) ?? raw });
}

/** A DSMR time stamp text (`170102192002W`) → ISO-8601 with offset; undefined when impossible. */
export function dsmrTimeToIso(text: string): string | undefined {
  const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
  return tstToIso(bytes, 0, bytes.length);
}
