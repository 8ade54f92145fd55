import type { MeterSnapshot, Reading } from '@smi/model';

const NAIVE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?$/;

/**
 * Meter times without an offset (DLMS clocks without deviation, M-Bus dates) are local times of
 * the meter's site. Home Assistant's timestamp sensors need an offset, so the gateway completes
 * them with the offset of its own time zone (`TZ`) at that instant. Times with an offset pass.
 */
export function withLocalOffset(text: string, timeZone?: string): string {
  if (hasOffset(text)) return text;
  const m = NAIVE.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(wall)) return text;
  // The zone's offset at the instant whose wall-clock time is `wall` (two steps settle DST edges).
  const first = zoneOffsetMinutes(wall, timeZone);
  const offsetMin = zoneOffsetMinutes(wall - first * 60000, timeZone);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${off}`;
}

/** `…Z` or `…±hh:mm`: the usual case, told without the regular expression. */
function hasOffset(text: string): boolean {
  const n = text.length;
  if (text.charCodeAt(n - 1) === 90) return true; // Z
  const sign = text.charCodeAt(n - 6);
  return (sign === 43 || sign === 45) && text.charCodeAt(n - 3) === 58 && text.charCodeAt(10) === 84; // + or -, :, T
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building an Intl.DateTimeFormat is far dearer than using one. */
function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(key, f);
  }
  return f;
}

/** Offset of a time zone (default: the process's) at an instant, in minutes east of UTC. */
function zoneOffsetMinutes(instant: number, timeZone: string | undefined): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60000);
}

function fixReading(r: Reading, tz: string | undefined): Reading {
  const value = r.quantity === 'timestamp' && typeof r.value === 'string' ? withLocalOffset(r.value, tz) : r.value;
  const time = r.time === undefined ? undefined : withLocalOffset(r.time, tz);
  if (value === r.value && time === r.time) return r;
  return time === undefined ? { ...r, value } : { ...r, value, time };
}

/** The snapshot with its naive times completed; the same object when it has none (the usual case). */
export function completeLocalTimes(s: MeterSnapshot, timeZone?: string): MeterSnapshot {
  const rs = s.readings;
  let readings: Reading[] | undefined;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i] as Reading;
    const fixed = fixReading(r, timeZone);
    if (fixed !== r && readings === undefined) readings = rs.slice(0, i);
    readings?.push(fixed);
  }
  const time = s.time === undefined ? undefined : withLocalOffset(s.time, timeZone);
  if (readings === undefined && time === s.time) return s;
  return time === undefined ? { ...s, readings: readings ?? rs } : { ...s, readings: readings ?? rs, time };
}
