/** Value texts of D0 data sets: units and time stamps (numbers: common/decimal-text.ts). */

/** `value*unit` → [value, unit]; unit is `''` when there is none. */
export function splitUnit(text: string): readonly [value: string, unit: string] {
  const star = text.indexOf('*');
  return star < 0 ? [text.trim(), ''] : [text.slice(0, star).trim(), text.slice(star + 1).trim()];
}

const STAMP = /^([01]?)(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?([WS]?)$/;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Time stamps in D0 / DSMR values, as ISO-8601:
 * - `YYMMDDhhmmssW|S` (DSMR): with offset, W = +01:00 (winter), S = +02:00 (summer);
 * - `YYMMDDhhmm[ss]`, optionally after a season digit (`sYYMMDDhhmm[ss]`, load profiles): the
 *   meter's local time without offset (the meter does not say which zone it runs in).
 * Years are 20YY. Returns undefined for anything else or impossible dates.
 */
export function parseTimestamp(text: string): string | undefined {
  const m = STAMP.exec(text);
  if (!m) return undefined;
  const [, season = '', yy = '', mo = '', dd = '', hh = '', mi = '', ss, dst = ''] = m;
  if (dst !== '' && ss === undefined) return undefined;
  if (season !== '' && dst !== '') return undefined;
  const month = Number(mo);
  const day = Number(dd);
  const hour = Number(hh);
  const minute = Number(mi);
  const second = ss === undefined ? 0 : Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = `20${yy}-${mo}-${dd}T${hh}:${mi}:${pad(second)}`;
  if (dst === 'W') return `${base}+01:00`;
  if (dst === 'S') return `${base}+02:00`;
  return base;
}

/** Whether a value looks like a time stamp (used to tell `(value)(time)` from `(time)(value)`). */
export function isTimestamp(text: string): boolean {
  return parseTimestamp(text) !== undefined;
}

/** Adds minutes to a local ISO time without offset (profile intervals); pure calendar arithmetic. */
export function addMinutes(localIso: string, minutes: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(localIso);
  if (!m) return localIso;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]) + minutes, Number(m[6]));
  return new Date(t).toISOString().slice(0, 19);
}

/**
 * Meter clock from the D0 registers 0.9.1 (time `hhmmss`) and 0.9.2 (date `YYMMDD`, some meters
 * put a century digit first: `0170318`), as local ISO without offset.
 */
export function clockFrom(time: string, date: string): string | undefined {
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec(time.trim());
  const d = /^\d?(\d{2})(\d{2})(\d{2})$/.exec(date.trim());
  if (!t || !d) return undefined;
  return parseTimestamp(`${d[1]}${d[2]}${d[3]}${t[1]}${t[2]}${t[3]}`);
}
