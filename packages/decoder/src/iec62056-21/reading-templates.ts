import { buildReading, convertValue, normalizeUnit, type ObisCode, type Quantity, type Reading, type ReadingValue, type Unit } from '@smi/model';
import { parseDecimalText } from '../common/decimal-text';
import { splitUnit } from './values';

/**
 * What `buildReading` (model) decides from an OBIS code and a meter unit alone: key, name,
 * quantity, publishing unit. Asked once per (code, unit text) and kept, so a data set
 * `code(value*unit)` only needs its number parsed and converted. The DSMR decoder does the same
 * with byte ranges (dsmr/reading-templates.ts); this one works on the D0 data-set strings.
 */
interface Template {
  readonly obis: ObisCode;
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  /** Publishing unit; undefined for values without (or with an unknown) meter unit. */
  readonly unit: Unit | undefined;
  /** Meter unit, when `convertValue(value, from, unit)` is needed (from ≠ unit). */
  readonly from: Unit | undefined;
  readonly enabledByDefault: boolean | undefined;
}

/** Templates by code, then by unit text (`''`: no unit). Shared by all decoders; bounded. */
const TEMPLATES = new Map<ObisCode, Map<string, Template>>();
const TEMPLATE_LIMIT = 4096;
let templateCount = 0;

function template(obis: ObisCode, unitText: string): Template {
  let byUnit = TEMPLATES.get(obis);
  const known = byUnit?.get(unitText);
  if (known !== undefined) return known;
  if (templateCount >= TEMPLATE_LIMIT) {
    TEMPLATES.clear();
    templateCount = 0;
    byUnit = undefined;
  }
  // A number with the unit: exactly what buildReading decides for any number in that unit.
  const probe = unitText === '' ? buildReading({ obis, value: null }) : buildReading({ obis, value: 1, unit: unitText });
  const from = unitText === '' ? undefined : normalizeUnit(unitText);
  const t: Template = {
    obis,
    key: probe.key,
    name: probe.name,
    quantity: probe.quantity,
    unit: probe.unit,
    from: from !== undefined && probe.unit !== undefined && from !== probe.unit ? from : undefined,
    enabledByDefault: probe.enabledByDefault,
  };
  if (byUnit === undefined) {
    byUnit = new Map();
    TEMPLATES.set(obis, byUnit);
  }
  byUnit.set(unitText, t);
  templateCount++;
  return t;
}

function fill(t: Template, value: ReadingValue, unit: Unit | undefined, raw: string): Reading {
  // Same fields, same order as buildReading.
  if (unit === undefined) {
    return t.enabledByDefault === undefined
      ? { obis: t.obis, key: t.key, name: t.name, quantity: t.quantity, value, raw }
      : { obis: t.obis, key: t.key, name: t.name, quantity: t.quantity, value, raw, enabledByDefault: t.enabledByDefault };
  }
  return t.enabledByDefault === undefined
    ? { obis: t.obis, key: t.key, name: t.name, quantity: t.quantity, value, unit, raw }
    : { obis: t.obis, key: t.key, name: t.name, quantity: t.quantity, value, unit, raw, enabledByDefault: t.enabledByDefault };
}

/**
 * The reading of an OBIS data set with one value and no `&` sub-values, equal to what
 * `ReadingFactory.reading` builds through `interpretValues` and `buildReading` (see the
 * equivalence test). Undefined when the value has another shape.
 */
export function simpleReading(obis: ObisCode, numeric: boolean, raw: string): Reading | undefined {
  if (raw.includes('&')) return undefined;
  const [text, unitText] = splitUnit(raw);
  if (text === '') return fill(template(obis, ''), null, undefined, raw);
  if (unitText !== '' || numeric) {
    const n = parseDecimalText(text);
    if (n !== undefined) {
      if (unitText === '') return fill(template(obis, ''), n, undefined, raw);
      const t = template(obis, unitText);
      if (t.unit === undefined) return fill(t, n, undefined, raw);
      const value = t.from === undefined ? n : (convertValue(n, t.from, t.unit) ?? n);
      return fill(t, value, t.unit, raw);
    }
  }
  return fill(template(obis, ''), unitText === '' ? text : raw.trim(), undefined, raw);
}
