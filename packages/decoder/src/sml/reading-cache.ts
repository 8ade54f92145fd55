import { buildReading, convertValue, formatObis, obisFromBytes, unitFactor, type LogEntry, type Reading, type ReadingValue, type Unit } from '@smi/model';
import type { SmlInt } from './tl';
import { scaleValue } from './values';

/**
 * Memoised `buildReading` for the hot path. What buildReading derives from an OBIS code and a meter
 * unit (key, name, quantity, publishing unit, whether a conversion applies) does not depend on the
 * value, so it is computed once per (code, unit, numeric?) by calling buildReading itself. Numbers
 * then only need the conversion factor, taken from the model's `unitFactor`: a power of ten is
 * folded into the SML scaler (one exact division instead of scale, convert and round), any other
 * factor goes through the model's `convertValue`. Results equal buildReading's (reading-cache.test.ts).
 * The caches are bounded and hold pure functions of their keys.
 */
interface Template {
  readonly reading: Reading;
  /** Power of ten to add to the scaler for the unit conversion (0: none). */
  readonly exp10: number;
  /** Set when the conversion factor is not a power of ten. */
  readonly from?: Unit;
  readonly to?: Unit;
}

const MAX_ENTRIES = 4096;
/** obis → (meter unit or '#' for none, or '' for non-numbers) → template. */
const templates = new Map<string, Map<string, Template>>();
let templateCount = 0;
/** First three bytes → last three bytes → text (small-integer keys keep the maps fast). */
const obisCodes = new Map<number, Map<number, string>>();
let obisCount = 0;

type MutableReading = { -readonly [K in keyof Reading]: Reading[K] };

function template(obis: string, unit: Unit | undefined, numeric: boolean): Template {
  const sub = numeric ? (unit ?? '#') : '';
  let perCode = templates.get(obis);
  let t = perCode?.get(sub);
  if (t === undefined) {
    const probe = numeric ? buildReading(unit === undefined ? { obis, value: 1 } : { obis, value: 1, unit }) : buildReading({ obis, value: null });
    t = { reading: probe, exp10: 0 };
    if (numeric && unit !== undefined && probe.unit !== undefined && probe.unit !== unit) {
      const factor = unitFactor(unit, probe.unit);
      const exp = factor === undefined ? NaN : Math.log10(factor);
      t = Number.isInteger(exp) ? { reading: probe, exp10: exp } : { reading: probe, exp10: 0, from: unit, to: probe.unit };
    }
    if (templateCount >= MAX_ENTRIES) {
      templates.clear();
      templateCount = 0;
      perCode = undefined;
    }
    if (perCode === undefined) {
      perCode = new Map();
      templates.set(obis, perCode);
    }
    perCode.set(sub, t);
    templateCount++;
  }
  return t;
}

function finish(obis: string, base: Reading, value: ReadingValue, unit: Unit | undefined, time: string | undefined, raw: string | undefined, entries: readonly LogEntry[] | undefined): Reading {
  const r: MutableReading = { obis, key: base.key, name: base.name, quantity: base.quantity, value };
  if (unit !== undefined) r.unit = unit;
  if (time !== undefined) r.time = time;
  if (raw !== undefined) r.raw = raw;
  if (entries !== undefined) r.entries = entries;
  if (base.enabledByDefault !== undefined) r.enabledByDefault = base.enabledByDefault;
  return r;
}

/** A number reading: raw × 10^exp10 in `unit`, as buildReading would type and convert it. */
export function numericReading(obis: string, raw: SmlInt, exp10: number, unit: Unit | undefined, time: string | undefined, entries?: readonly LogEntry[]): Reading {
  const t = template(obis, unit, true);
  let v = scaleValue(raw, exp10 + t.exp10);
  if (t.from !== undefined && t.to !== undefined) v = convertValue(v, t.from, t.to) ?? v;
  return finish(obis, t.reading, v, t.reading.unit, time, String(raw), entries);
}

/** A text, boolean or empty reading. */
export function otherReading(obis: string, value: string | boolean | null, time: string | undefined, entries?: readonly LogEntry[]): Reading {
  return finish(obis, template(obis, undefined, false).reading, value, undefined, time, undefined, entries);
}

/** Publishing unit and extra power of ten for numbers of this code in this meter unit. */
export function conversionFor(obis: string, unit: Unit | undefined): { readonly unit: Unit | undefined; readonly exp10: number; readonly from?: Unit; readonly to?: Unit } {
  const t = template(obis, unit, true);
  return t.from !== undefined && t.to !== undefined ? { unit: t.reading.unit, exp10: 0, from: t.from, to: t.to } : { unit: t.reading.unit, exp10: t.exp10 };
}

/** Canonical OBIS text of a 6-byte object name (cached), or undefined for other lengths. */
export function obisText(objName: Uint8Array): string | undefined {
  return obisTextAt(objName, 0, objName.length);
}

/** Same, for the object name at bytes[start, start + length). */
export function obisTextAt(b: Uint8Array, start: number, length: number): string | undefined {
  if (length !== 6) return undefined;
  const hi = ((b[start] as number) << 16) | ((b[start + 1] as number) << 8) | (b[start + 2] as number);
  const lo = ((b[start + 3] as number) << 16) | ((b[start + 4] as number) << 8) | (b[start + 5] as number);
  let inner = obisCodes.get(hi);
  let s = inner?.get(lo);
  if (s === undefined) {
    const o = obisFromBytes(b.subarray(start, start + 6));
    if (o === undefined) return undefined;
    s = formatObis(o);
    if (obisCount >= MAX_ENTRIES) {
      obisCodes.clear();
      obisCount = 0;
      inner = undefined;
    }
    if (inner === undefined) {
      inner = new Map();
      obisCodes.set(hi, inner);
    }
    inner.set(lo, s);
    obisCount++;
  }
  return s;
}
