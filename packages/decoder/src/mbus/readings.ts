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
  const seen = new Map<string, number>();
  const used = new Set(readings.map((r) => r.key));
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

/** All readings of a record list, in record order, with unique keys. */
export function recordsToReadings(records: readonly MbusRecord[], ctx: ReadingContext = {}): Reading[] {
  const out: Reading[] = [];
  for (const r of records) {
    const reading = recordToReading(r, ctx);
    if (reading) out.push(reading);
  }
  return uniqueKeys(out);
}
