import { QUANTITY_DEFINITIONS, type Quantity } from './quantity';
import { describeObis, type DescribeContext } from './registry';
import type { LogEntry, Reading, ReadingValue } from './snapshot';
import { convertValue, normalizeUnit, unitFactor, type Unit } from './units';
import type { ObisCode } from './obis';
import { optional } from './optional';

/** Quantity implied by a unit, for values whose OBIS code does not tell (unknown or ambiguous). */
const UNIT_QUANTITY: Readonly<Partial<Record<Unit, Quantity>>> = {
  Wh: 'energy',
  kWh: 'energy',
  MWh: 'energy',
  GJ: 'heat_energy',
  MJ: 'heat_energy',
  W: 'power',
  kW: 'power',
  MW: 'power',
  varh: 'reactive_energy',
  kvarh: 'reactive_energy',
  var: 'reactive_power',
  kvar: 'reactive_power',
  VAh: 'apparent_energy',
  kVAh: 'apparent_energy',
  VA: 'apparent_power',
  kVA: 'apparent_power',
  V: 'voltage',
  A: 'current',
  Hz: 'frequency',
  'm³': 'volume',
  L: 'volume',
  'm³/h': 'volume_flow',
  'L/h': 'volume_flow',
  '°C': 'temperature',
  K: 'temperature_difference',
  s: 'duration',
  min: 'duration',
  h: 'duration',
  d: 'duration',
};

export function quantityForUnit(unit: Unit): Quantity | undefined {
  return UNIT_QUANTITY[unit];
}

export interface RawReading {
  readonly obis: ObisCode;
  /** Number (already scaled by the decoder), text, or null for an empty value. */
  readonly value: ReadingValue;
  /** Unit as written by the meter (any spelling `normalizeUnit` accepts) or canonical. */
  readonly unit?: string;
  readonly time?: string;
  readonly raw?: string;
  readonly channel?: number;
  readonly entries?: readonly LogEntry[];
}

/**
 * Types a decoded value: looks its OBIS code up in the registry, converts the number to the
 * quantity's publishing unit (kW → W, Wh → kWh, GJ → kWh, m3 → m³), and falls back to the quantity
 * the unit implies when the code's own quantity cannot take that unit (DSMR 3 limiter in A).
 */
export function buildReading(input: RawReading, ctx: DescribeContext = {}): Reading {
  const def = describeObis(input.obis, ctx);
  const meterUnit = input.unit === undefined || input.unit === '' ? undefined : normalizeUnit(input.unit);
  let quantity = def.quantity;
  let value = input.value;
  let unit: Unit | undefined;
  if (typeof value === 'number' && meterUnit !== undefined) {
    let target = QUANTITY_DEFINITIONS[quantity].unit;
    if (target === undefined || unitFactor(meterUnit, target) === undefined) {
      const implied = quantityForUnit(meterUnit);
      if (implied !== undefined && (def.quantity === 'unknown' || target !== undefined)) {
        quantity = implied;
        target = QUANTITY_DEFINITIONS[quantity].unit;
      }
    }
    const converted = target === undefined ? undefined : convertValue(value, meterUnit, target);
    if (converted !== undefined && target !== undefined) {
      value = converted;
      unit = target;
    } else {
      unit = meterUnit;
    }
  }
  return {
    obis: input.obis,
    key: def.key,
    name: def.name,
    quantity,
    value,
    ...optional('unit', unit),
    ...optional('channel', input.channel),
    ...optional('time', input.time),
    ...optional('raw', input.raw),
    ...optional('entries', input.entries),
    ...optional('enabledByDefault', def.enabledByDefault),
  };
}
