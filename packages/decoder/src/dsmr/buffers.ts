import { convertValue, type LogEntry, type ReadingValue, type Unit } from '@smi/model';
import type { Groups } from './line-scanner';
import { entryUnit, type EntryUnit } from './reading-templates';
import type { ByteText } from '../common/byte-text';
import { isDigits, parseDecimal } from '../common/decimal-text';
import { looksLikeTst, tstToIso } from './text-values';

/**
 * Buffer objects (protocol-notes §1.2, §1.5): the long power-failure log 1-0:99.97.0 and the
 * billing history 0-0:98.1.0 in its Fluvius (capacity tariff) and E.ON Hungary layouts.
 */
export interface BufferContent {
  /** The count the meter states, or the number of entries when it states none. */
  readonly count: number;
  readonly entries: readonly LogEntry[];
}

function start(groups: Groups, i: number): number {
  return groups.starts[i] as number;
}

function end(groups: Groups, i: number): number {
  return groups.ends[i] as number;
}

/** Whether bracket i holds an OBIS code (`0-0:96.7.19`): the captured object of a buffer. */
function isObisGroup(b: Uint8Array, groups: Groups, i: number): boolean {
  for (let k = start(groups, i); k < end(groups, i); k++) if (b[k] === 58 /* : */) return true;
  return false;
}

type MutableEntry = { -readonly [K in keyof LogEntry]: LogEntry[K] };

/** One buffer value `value[*unit]` in its publishing unit, with its time stamps (invalid ones dropped). */
type Units = Map<number | string, EntryUnit>;

function entry(units: Units, text: ByteText, groups: Groups, i: number, time?: string, eventTime?: string): LogEntry {
  const b = text.bytes;
  const s = start(groups, i);
  const e = end(groups, i);
  const star = groups.stars[i] as number;
  const ve = star >= 0 ? star : e;
  let unit: Unit | undefined;
  let number: number;
  if (star >= 0) {
    const u = entryUnit(units, text, star + 1, e);
    unit = u.unit;
    if (u.shift !== undefined) number = parseDecimal(b, s, ve, u.shift);
    else {
      number = parseDecimal(b, s, ve);
      if (u.from !== undefined && u.unit !== undefined) number = convertValue(number, u.from, u.unit) ?? number;
    }
  } else {
    number = parseDecimal(b, s, ve);
  }
  const value: ReadingValue = Number.isNaN(number) ? (ve > s ? text.slice(s, ve) : null) : number;
  const result: MutableEntry = time === undefined ? { value } : { time, value };
  if (unit !== undefined && typeof value === 'number') result.unit = unit;
  if (eventTime !== undefined) result.eventTime = eventTime;
  return result;
}

function tst(text: ByteText, groups: Groups, i: number): string | undefined {
  return tstToIso(text.bytes, start(groups, i), end(groups, i));
}

function statedCount(b: Uint8Array, groups: Groups): number | undefined {
  return isDigits(b, start(groups, 0), end(groups, 0)) ? parseDecimal(b, start(groups, 0), end(groups, 0)) : undefined;
}

/** `(n)(0-0:96.7.19)(end TST)(duration*s)…`: n power failures with their end time and length. */
export function readEventLog(text: ByteText, groups: Groups, units: Units): BufferContent {
  const count = statedCount(text.bytes, groups);
  let i = count === undefined ? 0 : 1;
  while (i < groups.count && isObisGroup(text.bytes, groups, i)) i++;
  const entries: LogEntry[] = [];
  for (; i + 1 < groups.count; i += 2) entries.push(entry(units, text, groups, i + 1, tst(text, groups, i)));
  return { count: count ?? entries.length, entries };
}

/**
 * Fluvius: `(n)(1-0:1.6.0)(1-0:1.6.0)` then n × `(period start)(time of the peak)(peak kW)`;
 * E.ON Hungary: `(TST)(v1)…(vn)`, the last billing values without header (each entry gets the
 * billing time). Anything else: every bracket as an entry without time.
 */
export function readBillingHistory(text: ByteText, groups: Groups, units: Units): BufferContent {
  const b = text.bytes;
  const entries: LogEntry[] = [];
  if (looksLikeTst(b, start(groups, 0), end(groups, 0))) {
    const time = tst(text, groups, 0);
    for (let i = 1; i < groups.count; i++) entries.push(entry(units, text, groups, i, time));
    return { count: entries.length, entries };
  }
  const count = statedCount(b, groups);
  if (count !== undefined && groups.count > 1 && isObisGroup(b, groups, 1)) {
    let i = 1;
    while (i < groups.count && isObisGroup(b, groups, i)) i++;
    for (; i + 2 < groups.count; i += 3) entries.push(entry(units, text, groups, i + 2, tst(text, groups, i), tst(text, groups, i + 1)));
    return { count, entries };
  }
  for (let i = 0; i < groups.count; i++) entries.push(entry(units, text, groups, i));
  return { count: entries.length, entries };
}
