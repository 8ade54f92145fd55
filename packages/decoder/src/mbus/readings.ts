import {
  QUANTITY_DEFINITIONS, convertValue, optional, type Medium, type Quantity, type Reading, type ReadingValue, type Unit,
} from '@smi/model';
import { bytesToHex } from '../common';
import type { RecordFunction, RecordPlace } from './dif';
import type { MbusDataRecord, MbusRecord } from './records';
import type { VifMeaning } from './vif-types';

const HEAT_MEDIA: ReadonlySet<Medium> = new Set<Medium>(['heat', 'cooling', 'steam']);
const WATER_MEDIA: ReadonlySet<Medium> = new Set<Medium>(['water', 'warm_water', 'hot_water', 'cold_water']);

/**
 * VIF meaning → model quantity. Energy of heat/cooling meters is `heat_energy`; volume is
 * `water_volume` for water meters and for heat/cooling meters (the circulating water, protocol
 * notes §6.2), `gas_volume` for gas meters, else plain `volume`.
 */
export function quantityForMeaning(meaning: VifMeaning, medium: Medium | undefined): Quantity {
  switch (meaning) {
    case 'energy':
      return medium !== undefined && HEAT_MEDIA.has(medium) ? 'heat_energy' : 'energy';
    case 'volume':
      if (medium === 'gas') return 'gas_volume';
      return medium !== undefined && (WATER_MEDIA.has(medium) || HEAT_MEDIA.has(medium)) ? 'water_volume' : 'volume';
    case 'power': return 'power';
    case 'reactive_energy': return 'reactive_energy';
    case 'reactive_power': return 'reactive_power';
    case 'volume_flow': return 'volume_flow';
    case 'temperature': return 'temperature';
    case 'temperature_difference': return 'temperature_difference';
    case 'voltage': return 'voltage';
    case 'current': return 'current';
    case 'frequency': return 'frequency';
    case 'duration': return 'duration';
    case 'time_point': return 'timestamp';
    case 'hca':
    case 'count': return 'count';
    case 'identifier': return 'identifier';
    case 'text': return 'text';
    case 'status': return 'status';
    case 'mass':
    case 'mass_flow':
    case 'pressure':
    case 'humidity':
    case 'phase_angle':
    case 'currency':
    case 'dimensionless':
    case 'plain_text':
    case 'manufacturer_specific':
    case 'any':
    case 'reserved':
      return 'unknown';
  }
}

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

export interface ReadingContext {
  readonly medium?: Medium;
}

/** Converts a value in `unit` to the quantity's publishing unit; falls back to `unknown` when the model cannot. */
export function typedValue(
  quantity: Quantity, value: ReadingValue, unit: Unit | undefined,
): { readonly quantity: Quantity; readonly value: ReadingValue; readonly unit?: Unit } {
  const target = QUANTITY_DEFINITIONS[quantity].unit;
  if (target === undefined) return unit === undefined ? { quantity, value } : { quantity: QUANTITY_DEFINITIONS[quantity].numeric ? quantity : 'unknown', value, unit };
  if (unit === undefined) return { quantity: 'unknown', value };
  if (value === null) return convertValue(1, unit, target) === undefined ? { quantity: 'unknown', value, unit } : { quantity, value, unit: target };
  if (typeof value !== 'number') return { quantity: 'unknown', value };
  const converted = convertValue(value, unit, target);
  return converted === undefined ? { quantity: 'unknown', value, unit } : { quantity, value: converted, unit: target };
}

function dataRecordReading(r: MbusDataRecord, ctx: ReadingContext): Reading {
  const { key, name } = placeKeyAndName(r.key, r.name, r);
  const typed = typedValue(quantityForMeaning(r.meaning, ctx.medium), r.value, r.unit);
  const noisy = r.storage > 0 || r.meaning === 'manufacturer_specific' || r.meaning === 'reserved' || r.meaning === 'any';
  return {
    key,
    name: r.meterUnit !== undefined && typed.unit === undefined && r.meaning !== 'plain_text' ? `${name} [${r.meterUnit}]` : name,
    quantity: typed.quantity,
    value: typed.value,
    ...optional('unit', typed.unit),
    ...optional('channel', r.subunit > 0 ? r.subunit : undefined),
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
