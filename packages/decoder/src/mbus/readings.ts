import {
  QUANTITY_DEFINITIONS,
  convertValue,
  optional,
  quantityInMedium,
  type Medium,
  type Quantity,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import { bytesToHex } from '../common';
import type { RecordFunction, RecordPlace } from './dif';
import type { MbusDataRecord, MbusRecord } from './records';

const FUNCTION_KEYS: Readonly<Record<RecordFunction, readonly [key: string, name: string] | undefined>> = {
  instantaneous: undefined,
  maximum: ['max', 'maximum'],
  minimum: ['min', 'minimum'],
  error: ['error', 'during error'],
};

/** `energy` + function/tariff/storage/subunit → `energy_max_tariff_1_storage_2_subunit_1`, and the matching name. */
export function placeKeyAndName(key: string, name: string, p: RecordPlace): { readonly key: string; readonly name: string } {
  const keys = [key];
  const names: string[] = [];
  const fn = FUNCTION_KEYS[p.function];
  if (fn) {
    keys.push(fn[0]);
    names.push(fn[1]);
  }
  if (p.tariff > 0) {
    keys.push(`tariff_${p.tariff}`);
    names.push(`tariff ${p.tariff}`);
  }
  if (p.storage > 0) {
    keys.push(`storage_${p.storage}`);
    names.push(`storage ${p.storage}`);
  }
  if (p.subunit > 0) {
    keys.push(`subunit_${p.subunit}`);
    names.push(`subunit ${p.subunit}`);
  }
  return { key: keys.join('_'), name: names.length === 0 ? name : `${name} (${names.join(', ')})` };
}

/** Storage, tariff and subunit as reading fields, each only when not 0 (as in the key). */
export function placeFields(p: Pick<RecordPlace, 'storage' | 'tariff' | 'subunit'>): Pick<Reading, 'storage' | 'tariff' | 'subunit'> {
  return {
    ...(p.storage > 0 ? { storage: p.storage } : {}),
    ...(p.tariff > 0 ? { tariff: p.tariff } : {}),
    ...(p.subunit > 0 ? { subunit: p.subunit } : {}),
  };
}

export interface ReadingContext {
  readonly medium?: Medium;
}

/** Converts a value in `unit` to the quantity's publishing unit; falls back to `unknown` when the model cannot. */
export function typedValue(
  quantity: Quantity,
  value: ReadingValue,
  unit: Unit | undefined,
): { readonly quantity: Quantity; readonly value: ReadingValue; readonly unit?: Unit } {
  const target = QUANTITY_DEFINITIONS[quantity].unit;
  if (target === undefined)
    return unit === undefined ? { quantity, value } : { quantity: QUANTITY_DEFINITIONS[quantity].numeric ? quantity : 'unknown', value, unit };
  if (unit === undefined) return { quantity: 'unknown', value };
  if (value === null) return convertValue(1, unit, target) === undefined ? { quantity: 'unknown', value, unit } : { quantity, value, unit: target };
  if (typeof value !== 'number') return { quantity: 'unknown', value };
  const converted = convertValue(value, unit, target);
  return converted === undefined ? { quantity: 'unknown', value, unit } : { quantity, value: converted, unit: target };
}

function dataRecordReading(r: MbusDataRecord, ctx: ReadingContext): Reading {
  const { key, name } = placeKeyAndName(r.key, r.name, r);
  const typed = typedValue(quantityInMedium(r.quantity, ctx.medium), r.value, r.unit);
  const noisy = r.storage > 0 || r.enabledByDefault === false;
  // A plain-text VIB's name is its unit already.
  const unitInName = r.meterUnit !== undefined && typed.unit === undefined && r.vib.table !== 'plain-text';
  return {
    key,
    name: unitInName ? `${name} [${r.meterUnit}]` : name,
    quantity: typed.quantity,
    value: typed.value,
    ...optional('unit', typed.unit),
    ...optional('channel', r.subunit > 0 ? r.subunit : undefined),
    ...placeFields(r),
    raw: r.rawValue === undefined ? r.raw : String(r.rawValue),
    ...optional('enabledByDefault', noisy ? false : undefined),
  };
}

/** One record → one reading (manufacturer data without bytes gives none). Keys are not yet de-duplicated. */
export function recordToReading(r: MbusRecord, ctx: ReadingContext = {}): Reading | undefined {
  if (r.type === 'data') return dataRecordReading(r, ctx);
  if (r.data.length === 0) return undefined;
  const hex = bytesToHex(r.data);
  return { key: 'manufacturer_data', name: 'Manufacturer data', quantity: 'unknown', value: hex, raw: hex, enabledByDefault: false };
}

/** Makes keys unique within a snapshot: the second `energy` becomes `energy_2`, and so on. */
export function uniqueKeys(readings: readonly Reading[]): Reading[] {
  const used = new Set<string>();
  for (const r of readings) used.add(r.key);
  if (used.size === readings.length) return readings as Reading[]; // no key twice
  const seen = new Map<string, number>();
  return readings.map((r) => {
    const n = (seen.get(r.key) ?? 0) + 1;
    seen.set(r.key, n);
    if (n === 1) return r;
    let k = n;
    let key = `${r.key}_${k}`;
    while (used.has(key)) key = `${r.key}_${++k}`;
    used.add(key);
    return { ...r, key };
  });
}

/** The fields of a record's reading that do not depend on its value, for one medium and kind of value. */
interface ReadingTemplate {
  /** The record static's qualifiers array the template belongs to. */
  readonly owner: readonly unknown[];
  readonly medium: Medium | undefined;
  readonly kind: string;
  /** The reading of the first record: every field but value and raw is the same for the next ones. */
  readonly reading: Reading;
  /** Meter unit → publishing unit, when the value is converted. */
  readonly from?: Unit;
  readonly to?: Unit;
  /** The last record value, raw and reading made from this template: an unchanged value reuses its reading. */
  last?: { readonly value: MbusDataRecord['value']; readonly raw: string; readonly reading: Reading };
}

/**
 * Per-decoder memo of reading templates, keyed by the record's static part (its `qualifiers`
 * array is one per record shape, see records.ts; weakly, so records of the full path leave
 * nothing behind), then by medium and kind of value.
 */
export interface MbusReadingCache {
  readonly templates: WeakMap<readonly unknown[], ReadingTemplate[]>;
  /** The keys of the last snapshot when they were unique (a meter repeats its layout). */
  uniqueKeys?: readonly string[];
  /** The template used at each record position last time (a meter repeats its layout). */
  readonly slots: (ReadingTemplate | undefined)[];
}

export function createMbusReadingCache(): MbusReadingCache {
  return { templates: new WeakMap(), slots: [] };
}

/** `uniqueKeys`, first comparing the keys with the last unique ones (the same strings from the templates). */
function uniqueKeysCached(readings: Reading[], cache: MbusReadingCache): Reading[] {
  const last = cache.uniqueKeys;
  if (last !== undefined && last.length === readings.length) {
    let same = true;
    for (let i = 0; i < readings.length && same; i++) same = (readings[i] as Reading).key === last[i];
    if (same) return readings;
  }
  const out = uniqueKeys(readings);
  if (out === readings) cache.uniqueKeys = readings.map((r) => r.key);
  return out;
}

/** A reading like `t` with another value and raw, its fields added in the order `dataRecordReading` adds them. */
function fromTemplate(t: Reading, value: ReadingValue, raw: string): Reading {
  const r: { -readonly [K in keyof Reading]: Reading[K] } = { key: t.key, name: t.name, quantity: t.quantity, value };
  if (t.unit !== undefined) r.unit = t.unit;
  if (t.channel !== undefined) r.channel = t.channel;
  if (t.storage !== undefined) r.storage = t.storage;
  if (t.tariff !== undefined) r.tariff = t.tariff;
  if (t.subunit !== undefined) r.subunit = t.subunit;
  r.raw = raw;
  if (t.enabledByDefault !== undefined) r.enabledByDefault = t.enabledByDefault;
  return r;
}

/** `dataRecordReading` through a template: the same fields in the same order, value and raw per record. */
function templatedReading(r: MbusDataRecord, ctx: ReadingContext, cache: MbusReadingCache, slot: number): Reading {
  const kind = r.value === null ? 'null' : typeof r.value;
  let t = cache.slots[slot];
  let list: ReadingTemplate[] | undefined;
  if (t === undefined || t.owner !== r.qualifiers || t.medium !== ctx.medium || t.kind !== kind) {
    t = undefined;
    list = cache.templates.get(r.qualifiers);
    if (list !== undefined) for (const x of list) if (x.medium === ctx.medium && x.kind === kind) t = x;
    if (t !== undefined && slot < 1024) cache.slots[slot] = t;
  }
  if (t !== undefined) {
    const last = t.last;
    // The same data bytes (raw hex) and value: the reading of last time, as the DLMS cache does.
    if (last !== undefined && last.raw === r.raw && Object.is(last.value, r.value)) return last.reading;
    let value: ReadingValue = r.value;
    if (t.from !== undefined && t.to !== undefined) {
      const converted = convertValue(value as number, t.from, t.to);
      if (converted === undefined) return dataRecordReading(r, ctx);
      value = converted;
    }
    const reading = fromTemplate(t.reading, value, r.rawValue === undefined ? r.raw : String(r.rawValue));
    t.last = { value: r.value, raw: r.raw, reading };
    return reading;
  }
  const reading = dataRecordReading(r, ctx);
  const quantity = quantityInMedium(r.quantity, ctx.medium);
  const target = QUANTITY_DEFINITIONS[quantity].unit;
  // Converted exactly when typedValue converts: a number, both units known and convertible.
  const converts = kind === 'number' && target !== undefined && r.unit !== undefined && reading.unit === target;
  const owner = r.qualifiers;
  t =
    converts && r.unit !== undefined && target !== undefined
      ? { owner, medium: ctx.medium, kind, reading, from: r.unit, to: target }
      : { owner, medium: ctx.medium, kind, reading };
  if (slot < 1024) cache.slots[slot] = t;
  if (list === undefined) {
    list = [];
    cache.templates.set(r.qualifiers, list);
  }
  list.push(t);
  return reading;
}

/** All readings of a record list, in record order, with unique keys. */
export function recordsToReadings(records: readonly MbusRecord[], ctx: ReadingContext = {}, cache?: MbusReadingCache): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as MbusRecord;
    const reading = cache !== undefined && r.type === 'data' ? templatedReading(r, ctx, cache, i) : recordToReading(r, ctx);
    if (reading) out.push(reading);
  }
  return cache === undefined ? uniqueKeys(out) : uniqueKeysCached(out, cache);
}
