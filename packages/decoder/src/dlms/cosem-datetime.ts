import { fail, ok, type Result } from '../common';

/** A COSEM date-time (Blue Book class 8 / §4.6): fields left out when the meter sends "not specified". */
export interface CosemDateTime {
  readonly year?: number;
  readonly month?: number;
  readonly day?: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly dayOfWeek?: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  readonly hundredths?: number;
  /** Minutes, UTC − local (CEST = −120); absent when `8000`. */
  readonly deviation?: number;
  /** Clock status byte; absent when `FF`. */
  readonly status?: number;
  /** Clock status bit 7 (daylight saving active). */
  readonly dst?: boolean;
  /**
   * ISO-8601 text: `YYYY-MM-DDThh:mm:ss[.hh]` plus `±hh:mm` when the deviation is given; absent when
   * the date or the hour and minute are not specified.
   */
  readonly iso?: string;
}

const LAYER = 'cosem-datetime';
const pad = (n: number, w = 2): string => (w === 2 ? (n < 10 ? `0${n}` : `${n}`) : String(n).padStart(w, '0'));

function offsetText(deviation: number): string {
  const offset = -deviation; // local − UTC
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 31);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface DateFields {
  year?: number;
  month?: number;
  day?: number;
  dayOfWeek?: number;
}
interface TimeFields {
  hour?: number;
  minute?: number;
  second?: number;
  hundredths?: number;
}

function dateFields(b: Uint8Array, at: number): Result<DateFields> {
  const year = ((b[at] as number) << 8) | (b[at + 1] as number);
  const month = b[at + 2] as number;
  const day = b[at + 3] as number;
  const dow = b[at + 4] as number;
  const out: DateFields = {};
  if (year !== 0xffff) out.year = year;
  if (month !== 0xff && month !== 0xfd && month !== 0xfe) {
    if (month < 1 || month > 12) return fail('bad-value', LAYER, `month ${month}`, at + 2);
    out.month = month;
  }
  if (day !== 0xff && day !== 0xfd && day !== 0xfe) {
    if (day < 1 || day > 31) return fail('bad-value', LAYER, `day ${day}`, at + 3);
    out.day = day;
  }
  if (dow !== 0xff) {
    if (dow < 1 || dow > 7) return fail('bad-value', LAYER, `day of week ${dow}`, at + 4);
    out.dayOfWeek = dow;
  }
  if (out.year !== undefined && out.month !== undefined && out.day !== undefined && out.day > daysIn(out.year, out.month)) {
    return fail('bad-value', LAYER, `${out.year}-${out.month} has no day ${out.day}`, at + 3);
  }
  return ok(out);
}

function timeFields(b: Uint8Array, at: number): Result<TimeFields> {
  const limits = [24, 60, 60, 100] as const;
  const names = ['hour', 'minute', 'second', 'hundredths'] as const;
  const out: TimeFields = {};
  for (let i = 0; i < 4; i++) {
    const v = b[at + i] as number;
    if (v === 0xff) continue;
    if (v >= limits[i]!) return fail('bad-value', LAYER, `${names[i]} ${v}`, at + i);
    out[names[i]!] = v;
  }
  return ok(out);
}

function dateText(d: DateFields): string | undefined {
  if (d.year === undefined || d.month === undefined || d.day === undefined) return undefined;
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

function timeText(t: TimeFields): string | undefined {
  if (t.hour === undefined || t.minute === undefined) return undefined;
  const frac = t.hundredths !== undefined && t.hundredths !== 0 ? `.${pad(t.hundredths)}` : '';
  return `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second ?? 0)}${frac}`;
}

/** Decodes a 12-byte COSEM date-time (octet string or A-XDR tag 19). */
export function decodeCosemDateTime(bytes: Uint8Array): Result<CosemDateTime> {
  if (bytes.length !== 12) return fail('bad-length', LAYER, `date-time has ${bytes.length} bytes, expected 12`);
  const d = dateFields(bytes, 0);
  if (!d.ok) return d;
  const t = timeFields(bytes, 5);
  if (!t.ok) return t;
  const dev = ((((bytes[9] as number) << 8) | (bytes[10] as number)) << 16) >> 16;
  const status = bytes[11] as number;
  const out: Mutable<CosemDateTime> = d.value;
  const tv = t.value;
  if (tv.hour !== undefined) out.hour = tv.hour;
  if (tv.minute !== undefined) out.minute = tv.minute;
  if (tv.second !== undefined) out.second = tv.second;
  if (tv.hundredths !== undefined) out.hundredths = tv.hundredths;
  if (dev !== -0x8000) {
    if (dev < -840 || dev > 840) return fail('bad-value', LAYER, `deviation ${dev} min`, 9);
    out.deviation = dev;
  }
  if (status !== 0xff) {
    out.status = status;
    out.dst = (status & 0x80) !== 0;
  }
  const date = dateText(d.value);
  const time = date === undefined ? undefined : timeText(tv);
  if (date !== undefined && time !== undefined) {
    out.iso = `${date}T${time}${out.deviation === undefined ? '' : offsetText(out.deviation)}`;
  }
  return ok(out);
}

/** Decodes a 5-byte COSEM date (A-XDR tag 1A); `iso` is `YYYY-MM-DD`. */
export function decodeCosemDate(bytes: Uint8Array): Result<CosemDateTime> {
  if (bytes.length !== 5) return fail('bad-length', LAYER, `date has ${bytes.length} bytes, expected 5`);
  const d = dateFields(bytes, 0);
  if (!d.ok) return d;
  const iso = dateText(d.value);
  return ok(iso === undefined ? d.value : { ...d.value, iso });
}

/** Decodes a 4-byte COSEM time (A-XDR tag 1B); `iso` is `hh:mm:ss`. */
export function decodeCosemTime(bytes: Uint8Array): Result<CosemDateTime> {
  if (bytes.length !== 4) return fail('bad-length', LAYER, `time has ${bytes.length} bytes, expected 4`);
  const t = timeFields(bytes, 0);
  if (!t.ok) return t;
  const iso = timeText(t.value);
  return ok(iso === undefined ? t.value : { ...t.value, iso });
}
