import {
  buildReading,
  convertValue,
  normalizeUnit,
  QUANTITY_DEFINITIONS,
  type LogEntry,
  type Medium,
  type ObisCode,
  type Quantity,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import { pow10 } from './decimal';

/**
 * What `buildReading` (model) decides from an OBIS code, a meter unit and a channel medium alone:
 * key, name, quantity, publishing unit and the scale between meter and publishing unit. Those
 * inputs repeat in every telegram or data block, so a decoder asks `buildReading` once per
 * combination (`readingTemplate`), keeps the template in a cache keyed as suits its input (DSMR:
 * per OBIS reference by unit bytes and medium; D0: by code and unit text), and then only fills
 * in values (`fillReading`).
 */
export interface ReadingTemplate {
  readonly obis: ObisCode;
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  /** Whether the quantity publishes numbers (else text; `unknown` takes either). */
  readonly numeric: boolean;
  // Always present (one object shape for every template: monomorphic property access).
  /** Publishing unit; undefined for values without (or with an unknown) meter unit. */
  readonly unit: Unit | undefined;
  readonly enabledByDefault: boolean | undefined;
  /**
   * Power of ten from the meter unit to `unit` (kW → W: 3; none: 0); undefined when the
   * conversion is not one (GJ → kWh: see `convertWithTemplate`).
   */
  readonly shift: number | undefined;
  /** Meter unit, when there is a publishing unit. */
  readonly from: Unit | undefined;
}

/** k with 10^k = factor exactly, for k in −12…12; undefined for other factors. */
export function powerOfTen(factor: number): number | undefined {
  for (let k = -12; k <= 12; k++) if ((k >= 0 ? pow10(k) : 1 / pow10(-k)) === factor) return k;
  return undefined;
}

/**
 * The template `buildReading` implies for an OBIS code with the meter unit `unitText` (undefined
 * or empty: none) on a channel of the given medium. A number in that unit is probed: its
 * metadata are what buildReading gives any number in the unit (and any non-number, for which
 * the unit is dropped), its value the factor to the publishing unit.
 */
export function readingTemplate(obis: ObisCode, unitText: string | undefined, medium?: Medium): ReadingTemplate {
  const ctx = medium === undefined ? {} : { medium };
  const hasUnit = unitText !== undefined && unitText !== '';
  const probe = buildReading(hasUnit ? { obis, value: 1, unit: unitText } : { obis, value: 1 }, ctx);
  let shift: number | undefined = 0;
  let from: Unit | undefined;
  if (probe.unit !== undefined && hasUnit) {
    from = normalizeUnit(unitText);
    // The publishing unit's own string when equal (kWh → kWh): a template kept per code and meter
    // then holds no copy of its own.
    if (from === probe.unit) from = probe.unit;
    shift = typeof probe.value === 'number' ? powerOfTen(probe.value) : 0;
  }
  return {
    obis: probe.obis ?? obis,
    key: probe.key,
    name: probe.name,
    quantity: probe.quantity,
    numeric: QUANTITY_DEFINITIONS[probe.quantity].numeric || probe.quantity === 'unknown',
    unit: probe.unit,
    enabledByDefault: probe.enabledByDefault,
    shift,
    from,
  };
}

/**
 * A meter number in the template's publishing unit through the model's `convertValue` (exactly
 * as `buildReading` converts it): for factors that are not a power of ten, and for decoders
 * whose numbers must equal buildReading's to the last bit.
 */
export function convertWithTemplate(t: ReadingTemplate, value: number): number {
  if (t.shift === 0 || t.from === undefined || t.unit === undefined) return value;
  return convertValue(value, t.from, t.unit) ?? value;
}

type MutableReading = { -readonly [K in keyof Reading]: Reading[K] };

/**
 * The reading of a value (already in the publishing unit) under key `key`: the fields and field
 * order of `buildReading`. The unit is kept for numbers only.
 */
export function fillReading(
  t: ReadingTemplate,
  key: string,
  value: ReadingValue,
  channel?: number,
  time?: string,
  raw?: string,
  entries?: readonly LogEntry[],
): Reading {
  const { obis, name, quantity, unit, enabledByDefault } = t;
  // Common shapes as one literal each (fast object creation); the rest built up.
  if (channel === undefined && time === undefined && entries === undefined) {
    const withUnit = unit !== undefined && typeof value === 'number';
    if (raw === undefined) {
      if (withUnit) {
        return enabledByDefault === undefined ? { obis, key, name, quantity, value, unit } : { obis, key, name, quantity, value, unit, enabledByDefault };
      }
      return enabledByDefault === undefined ? { obis, key, name, quantity, value } : { obis, key, name, quantity, value, enabledByDefault };
    }
    if (withUnit) {
      return enabledByDefault === undefined
        ? { obis, key, name, quantity, value, unit, raw }
        : { obis, key, name, quantity, value, unit, raw, enabledByDefault };
    }
    return enabledByDefault === undefined ? { obis, key, name, quantity, value, raw } : { obis, key, name, quantity, value, raw, enabledByDefault };
  }
  const r: MutableReading = { obis, key, name, quantity, value };
  if (unit !== undefined && typeof value === 'number') r.unit = unit;
  if (channel !== undefined) r.channel = channel;
  if (time !== undefined) r.time = time;
  if (raw !== undefined) r.raw = raw;
  if (entries !== undefined) r.entries = entries;
  if (enabledByDefault !== undefined) r.enabledByDefault = enabledByDefault;
  return r;
}
