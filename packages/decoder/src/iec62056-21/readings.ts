import {
  buildReading,
  describeObis,
  normalizeUnit,
  QUANTITY_DEFINITIONS,
  type LogEntry,
  type ObisCode,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import type { ReadingTemplate } from '../common/reading-template';
import { classifyAddress, letterCodeCde, type D0Address } from './address';
import { entriesInUnit } from './entries';
import type { DataSet } from './data-sets';
import { readProfile } from './profile';
import { ReadingTemplates } from './reading-templates';
import { parseDecimalText } from '../common/decimal-text';
import { isTimestamp, parseTimestamp, splitUnit } from './values';

/** An address, classified once, with what the decoder needs to know about it. */
export type AddressInfo = D0Address & {
  /** Values are numbers even without a unit (the registry's quantity is numeric). */
  readonly numeric: boolean;
  /** `C.D.E` used for identity and clock (letter codes as numbers); undefined for channels and F ≠ 255. */
  readonly cde?: string;
  /** A load-profile header (`P.01`). */
  readonly profile: boolean;
};

const CACHE_LIMIT = 8192;

/**
 * Turns data sets into typed readings. Classified addresses and the readings of data sets seen
 * byte for byte (meters repeat most of a readout unchanged: ids, history registers, tariffs) are
 * memoised by this factory (one per decoder and medium: no state shared between decoders), so
 * `buildReading` runs once per distinct data set; a set with one plain value is filled from its
 * code's template instead. Readings are frozen. The memos are bounded.
 */
export class ReadingFactory {
  private readonly addresses = new Map<string, AddressInfo>();
  /** Made at the first set that needs it (a meter of one-value sets never does: ~180 bytes). */
  private built: Map<string, Reading> | undefined;
  private readonly templates = new ReadingTemplates();

  constructor(readonly defaultMedium = 1) {}

  address(text: string): AddressInfo {
    let info = this.addresses.get(text);
    if (info === undefined) {
      info = classify(text, this.defaultMedium);
      if (this.addresses.size >= CACHE_LIMIT) this.addresses.clear();
      this.addresses.set(text, info);
    }
    return info;
  }

  /**
   * Readings for all data sets, in order, with unique keys (a repeated key gets `_2`, `_3`…).
   * Bare-bracket lines after a profile header (`P.01`) belong to that profile; elsewhere they
   * are returned in `skipped`.
   */
  readings(sets: readonly DataSet[]): { readings: Reading[]; skipped: string[] } {
    const keys = new UniqueKeys();
    const skipped = this.collect(sets, keys);
    return { readings: keys.readings, skipped };
  }

  /** Adds the readings of `sets` to `keys`; returns the texts that are no reading. */
  collect(sets: readonly DataSet[], keys: UniqueKeys): string[] {
    const skipped: string[] = [];
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i] as DataSet;
      if (set.address === '') {
        skipped.push(set.text);
        continue;
      }
      const info = this.address(set.address);
      if (info.profile && info.kind === 'code') {
        let j = i + 1;
        while (j < sets.length && (sets[j] as DataSet).address === '') j++;
        for (const r of readProfile(info, set, sets.slice(i + 1, j), this)) keys.add(r);
        i = j - 1;
        continue;
      }
      keys.add(this.cached(info, set));
    }
    return skipped;
  }

  /** The template `cached` fills a one-value data set of `obis` with the unit text `unitText` from. */
  template(obis: ObisCode, unitText: string): ReadingTemplate {
    return this.templates.template(obis, unitText);
  }

  /**
   * The reading of a data set. One value of an OBIS code is filled from the code's template (no
   * memo: filling is cheaper than hashing the set text, and values change every readout);
   * other shapes go through buildReading once per distinct set text.
   */
  cached(info: AddressInfo, set: DataSet): Reading {
    if (info.kind === 'obis' && set.values.length === 1) {
      const quick = this.templates.simpleReading(info.obis, info.numeric, set.values[0] as string);
      if (quick !== undefined) return freeze(quick);
    }
    const built = (this.built ??= new Map());
    let r = built.get(set.text);
    if (r === undefined) {
      r = freeze(this.reading(info, set));
      if (built.size >= CACHE_LIMIT) built.clear();
      built.set(set.text, r);
    }
    return r;
  }

  /** One data set → one reading (not cached). */
  reading(info: AddressInfo, set: DataSet): Reading {
    const raw = set.values.length === 1 ? (set.values[0] as string) : `(${set.values.join(')(')})`;
    if (info.kind === 'code') {
      const empty = set.values.every((v) => v.trim() === '');
      return { key: info.key, name: `D0 ${info.code}`, quantity: 'unknown', value: empty ? null : raw, raw, enabledByDefault: false };
    }
    const v = interpretValues(set.values, info.numeric);
    const r = buildReading({
      obis: info.obis,
      value: v.value,
      raw,
      ...(v.unit === undefined ? {} : { unit: v.unit }),
      ...(v.time === undefined ? {} : { time: v.time }),
      ...(v.entries === undefined ? {} : { entries: v.entries }),
    });
    return r.entries === undefined || r.unit === undefined ? r : { ...r, entries: entriesInUnit(r.entries, r.unit) };
  }
}

/** Collects readings and keeps their keys unique within one snapshot (`_2`, `_3`… on repeats). */
export class UniqueKeys {
  readonly readings: Reading[] = [];
  private readonly keys = new Set<string>();
  /** Next suffix to try per repeated key (keeps many repeats linear); made at the first repeat. */
  private next: Map<string, number> | undefined;

  add(r: Reading): void {
    let key = r.key;
    if (this.keys.has(key)) {
      const next = (this.next ??= new Map<string, number>());
      let n = next.get(r.key) ?? 2;
      while (this.keys.has(`${r.key}_${n}`)) n++;
      key = `${r.key}_${n}`;
      next.set(r.key, n + 1);
      r = { ...r, key };
    }
    this.keys.add(key);
    this.readings.push(r);
  }
}

const PROFILE = /^(?:\d{1,3}-\d{1,3}:)?P\.\d{1,3}$/;

function classify(text: string, defaultMedium: number): AddressInfo {
  const a = classifyAddress(text, defaultMedium);
  if (a.kind === 'obis') {
    const numeric = QUANTITY_DEFINITIONS[describeObis(a.obis).quantity].numeric;
    const own = a.b === 0 && a.f === 255;
    // Literals, not spreads: a spread object keeps its properties out of line (~64 bytes more each).
    const { obis, b, groups, f } = a;
    return own
      ? { kind: 'obis', obis, a: a.a, b, groups, f, numeric, cde: groups, profile: false }
      : { kind: 'obis', obis, a: a.a, b, groups, f, numeric, profile: false };
  }
  const { code, key } = a;
  const cde = /\*\d+$/.test(code) ? undefined : letterCodeCde(code);
  const profile = PROFILE.test(code);
  return cde === undefined ? { kind: 'code', code, key, numeric: false, profile } : { kind: 'code', code, key, numeric: false, cde, profile };
}

function freeze(r: Reading): Reading {
  if (r.entries !== undefined) {
    for (const e of r.entries) Object.freeze(e);
    Object.freeze(r.entries);
  }
  return Object.freeze(r);
}

interface Interpreted {
  readonly value: ReadingValue;
  readonly unit?: Unit;
  readonly time?: string;
  readonly entries?: LogEntry[];
}

/** A single value text: a number when a unit is given or the code is numeric, else the text. */
function single(text: string, numeric: boolean): { value: ReadingValue; unit?: Unit } {
  const [value, unitText] = splitUnit(text);
  if (value === '') return { value: null };
  const unit = unitText === '' ? undefined : normalizeUnit(unitText);
  if (unitText !== '' || numeric) {
    const n = parseDecimalText(value);
    if (n !== undefined) return unit === undefined ? { value: n } : { value: n, unit };
  }
  return { value: unitText === '' ? value : text.trim() };
}

function entry(text: string, numeric = true): LogEntry {
  const time = parseTimestamp(text);
  if (time !== undefined) return { time, value: null };
  const s = single(text, numeric);
  return s.unit === undefined ? { value: s.value } : { value: s.value, unit: s.unit };
}

/** `YYYY-MM-DD&hh:mm:ss` (Siemens 2WR5 `9.36`): one local date-time. */
const DATE_AND_TIME = /^(\d{4}-\d{2}-\d{2})&(\d{2}:\d{2}:\d{2})$/;

const OBIS_LIKE = /^(?:\d{1,3}-)?\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Buffer `(n)(obis)(…)…`: DSMR power-failure log and billing history. */
function buffer(values: readonly string[]): Interpreted | undefined {
  const count = parseDecimalText(values[0] ?? '');
  // A negative count would step backwards through the entries forever.
  if (count === undefined || !Number.isInteger(count) || count < 0 || !OBIS_LIKE.test(values[1] ?? '')) return undefined;
  const rest = values.slice(2);
  if (count === 0) return { value: 0, entries: [] };
  if (rest.length % count !== 0) return undefined;
  const size = rest.length / count;
  const entries: LogEntry[] = [];
  for (let i = 0; i < rest.length; i += size) {
    let time: string | undefined;
    let eventTime: string | undefined;
    let value: LogEntry = { value: null };
    for (const text of rest.slice(i, i + size)) {
      const t = parseTimestamp(text);
      if (t !== undefined && time === undefined) time = t;
      else if (t !== undefined && eventTime === undefined) eventTime = t;
      else value = entry(text);
    }
    entries.push({ ...value, ...(time === undefined ? {} : { time }), ...(eventTime === undefined ? {} : { eventTime }) });
  }
  return { value: count, entries };
}

/**
 * Values of one data set:
 * - one value (`&` inside it splits sub-values: first is the value, all become entries;
 *   `date&time` becomes one local ISO date-time);
 * - `(value*unit)(time)` (max demand) and `(time)(value)` (DSMR gas): value plus capture time;
 * - `(n)(obis)(…)` buffers: count plus entries;
 * - anything else: the first value, all values as entries.
 */
export function interpretValues(values: readonly string[], numeric: boolean): Interpreted {
  const first = values[0] ?? '';
  if (values.length <= 1) {
    if (first.includes('&')) {
      const dt = DATE_AND_TIME.exec(first);
      if (dt) return { value: `${dt[1]}T${dt[2]}` };
      const parts = first.split('&');
      const head = single(parts[0] ?? '', numeric);
      return { ...head, entries: parts.map((p) => entry(p, numeric)) };
    }
    return single(first, numeric);
  }
  if (values.length === 2) {
    const second = values[1] as string;
    const t1 = parseTimestamp(second);
    if (t1 !== undefined && (first.includes('*') || /[WS]$/.test(second))) return { ...single(first, numeric), time: t1 };
    const t0 = parseTimestamp(first);
    if (t0 !== undefined && !isTimestamp(second)) return { ...single(second, numeric), time: t0 };
  }
  const b = buffer(values);
  if (b) return b;
  return { ...single(first, numeric), entries: values.map((v) => entry(v)) };
}
