import { buildReading, convertValue, formatObis, unitFactor, type LogEntry, type Quantity, type Reading, type ReadingValue, type Unit } from '@smi/model';
import type { SmlInt } from './tl';
import { scaleDecimal } from '../common/decimal';
import { ByteMemo } from '../common/byte-memo';
import { obisHash } from '../common/obis-hash';
import { addTemplate, NO_MORE, type TemplateList } from '../common/template-list';

/**
 * Memoised `buildReading` for the hot path. What buildReading derives from an OBIS code and a meter
 * unit (key, name, quantity, publishing unit, whether a conversion applies) does not depend on the
 * value, so it is computed once per (code, unit, numeric?) by calling buildReading itself. Numbers
 * then only need the conversion factor, taken from the model's `unitFactor`: a power of ten is
 * folded into the SML scaler (one exact division instead of scale, convert and round), any other
 * factor goes through the model's `convertValue`. Results equal buildReading's (reading-cache.test.ts).
 *
 * Everything is kept per code (`SmlCode`): its text and its templates. Codes are found by their
 * 6-byte object name, packed into two small integers, in an open-addressing table (no strings
 * hashed per entry), or by their text. Bounded: the tables start over when half full.
 *
 * The tables belong to one `SmlReadingCache`, owned by one decoder (no module-level state): two
 * decoders never share or evict each other's entries.
 */
interface Template {
  // What buildReading gave for the code and unit (its probe reading, flattened into the template:
  // one object per template instead of two, ~70 bytes less each).
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  readonly enabledByDefault: boolean | undefined;
  /** Publishing unit. */
  readonly unit: Unit | undefined;
  /** Meter unit (numbers); undefined for none. */
  readonly meterUnit: Unit | undefined;
  /** Power of ten to add to the scaler for the unit conversion (0: none). */
  readonly exp10: number;
  /** Set when the conversion factor is not a power of ten. */
  readonly from: Unit | undefined;
  readonly to: Unit | undefined;
}

/** A template from buildReading's probe (every template one object shape). */
function template(probe: Reading, meterUnit: Unit | undefined, exp10: number, from?: Unit, to?: Unit): Template {
  return { key: probe.key, name: probe.name, quantity: probe.quantity, enabledByDefault: probe.enabledByDefault, unit: probe.unit, meterUnit, exp10, from, to };
}

/** One OBIS code met in SML object names, with its templates for numbers (one per meter unit met). */
export interface SmlCode extends TemplateList<Template> {
  readonly obis: string;
  /** Template for text, booleans and empty values. */
  other: Template | undefined;
}

/**
 * Slots for OBIS codes: a meter sends a few dozen, and there is one cache per meter stream, so the
 * table starts at 16 slots and doubles when three quarters full, up to 512 (1,000 meters with 512
 * slots each held 2.6 MB of empty slots). The two halves of each packed name sit side by side in
 * one typed array (one array header and buffer less per decoder).
 */
const INITIAL_SIZE = 16;
const SIZE = 512;
const LIMIT = SIZE / 2;
const MAX_UNITS_PER_CODE = 16;

type MutableReading = { -readonly [K in keyof Reading]: Reading[K] };

export class SmlReadingCache {
  /** Per slot of `codes`: the packed name's high half at 2·slot, its low half at 2·slot + 1. */
  private names = new Int32Array(2 * INITIAL_SIZE);
  private codes: (SmlCode | undefined)[] = new Array<SmlCode | undefined>(INITIAL_SIZE).fill(undefined);
  /** Slots filled in `codes`. */
  private used = 0;
  private byText = new Map<string, SmlCode>();
  private count = 0;
  /** Binary strings converted so far (server ids, public keys repeat in every file of a meter). */
  readonly hex = new ByteMemo<string>(64);

  /** Slots of the code table (it grows with the codes met). */
  get slots(): number {
    return this.codes.length;
  }

  private reset(): void {
    this.resize(INITIAL_SIZE, false);
    this.byText = new Map();
    this.count = 0;
  }

  /** A table of `size` slots, holding the codes of the current one when `keep`. */
  private resize(size: number, keep: boolean): void {
    const { names, codes } = this;
    this.names = new Int32Array(2 * size);
    this.codes = new Array<SmlCode | undefined>(size).fill(undefined);
    this.used = 0;
    if (!keep) return;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === undefined) continue;
      const hi = names[2 * i] as number;
      const lo = names[2 * i + 1] as number;
      this.put(this.freeSlot(hi, lo), hi, lo, c);
    }
  }

  private freeSlot(hi: number, lo: number): number {
    const mask = this.codes.length - 1;
    let slot = obisHash(hi, lo) & mask;
    while (this.codes[slot] !== undefined) slot = (slot + 1) & mask;
    return slot;
  }

  private put(slot: number, hi: number, lo: number, c: SmlCode): void {
    this.names[2 * slot] = hi;
    this.names[2 * slot + 1] = lo;
    this.codes[slot] = c;
    this.used++;
  }

  /** The code of the object name at bytes[start, start + length), or undefined when not 6 bytes. */
  codeAt(b: Uint8Array, start: number, length: number): SmlCode | undefined {
    if (length !== 6) return undefined;
    const hi = ((b[start] as number) << 16) | ((b[start + 1] as number) << 8) | (b[start + 2] as number);
    const lo = ((b[start + 3] as number) << 16) | ((b[start + 4] as number) << 8) | (b[start + 5] as number);
    const mask = this.codes.length - 1;
    let slot = obisHash(hi, lo) & mask;
    for (;;) {
      const c = this.codes[slot];
      if (c === undefined) break;
      if (this.names[2 * slot] === hi && this.names[2 * slot + 1] === lo) return c;
      slot = (slot + 1) & mask;
    }
    const obis = formatObis({ a: hi >>> 16, b: (hi >>> 8) & 0xff, c: hi & 0xff, d: lo >>> 16, e: (lo >>> 8) & 0xff, f: lo & 0xff });
    const before = this.codes;
    const c = this.codeOf(obis);
    // codeOf may have emptied the whole table (a new, smaller one); a table three quarters full doubles.
    if (4 * (this.used + 1) > 3 * this.codes.length && this.codes.length < SIZE) this.resize(2 * this.codes.length, true);
    this.put(this.codes === before ? slot : this.freeSlot(hi, lo), hi, lo, c);
    return c;
  }

  /** The code for an OBIS text; the table holds at most one slot per code, so it never fills up. */
  codeOf(obis: string): SmlCode {
    let c = this.byText.get(obis);
    if (c === undefined) {
      if (this.count >= LIMIT) this.reset();
      c = { obis, first: undefined, more: NO_MORE, other: undefined };
      this.byText.set(obis, c);
      this.count++;
    }
    return c;
  }

  /** `numericReadingOf` by OBIS text. */
  numericReading(obis: string, raw: SmlInt, exp10: number, unit: Unit | undefined, time: string | undefined, entries?: readonly LogEntry[]): Reading {
    return numericReadingOf(this.codeOf(obis), raw, exp10, unit, time, entries);
  }

  /** `otherReadingOf` by OBIS text. */
  otherReading(obis: string, value: string | boolean | null, time: string | undefined, entries?: readonly LogEntry[]): Reading {
    return otherReadingOf(this.codeOf(obis), value, time, entries);
  }

  /** Publishing unit and extra power of ten for numbers of this code in this meter unit. */
  conversionFor(obis: string, unit: Unit | undefined): { readonly unit: Unit | undefined; readonly exp10: number; readonly from?: Unit; readonly to?: Unit } {
    const t = numericTemplate(this.codeOf(obis), unit);
    return t.from !== undefined && t.to !== undefined ? { unit: t.unit, exp10: 0, from: t.from, to: t.to } : { unit: t.unit, exp10: t.exp10 };
  }

  /** Canonical OBIS text of a 6-byte object name (cached), or undefined for other lengths. */
  obisText(objName: Uint8Array): string | undefined {
    return this.codeAt(objName, 0, objName.length)?.obis;
  }

  /** Same, for the object name at bytes[start, start + length). */
  obisTextAt(b: Uint8Array, start: number, length: number): string | undefined {
    return this.codeAt(b, start, length)?.obis;
  }
}

function numericTemplate(code: SmlCode, unit: Unit | undefined): Template {
  const first = code.first;
  if (first !== undefined && first.meterUnit === unit) return first;
  const more = code.more;
  for (let i = 0; i < more.length; i++) {
    const t = more[i] as Template;
    if (t.meterUnit === unit) return t;
  }
  const obis = code.obis;
  const probe = buildReading(unit === undefined ? { obis, value: 1 } : { obis, value: 1, unit });
  let t = template(probe, unit, 0);
  if (unit !== undefined && probe.unit !== undefined && probe.unit !== unit) {
    const factor = unitFactor(unit, probe.unit);
    const exp = factor === undefined ? NaN : Math.log10(factor);
    t = Number.isInteger(exp) ? template(probe, unit, exp) : template(probe, unit, 0, unit, probe.unit);
  }
  addTemplate(code, t, MAX_UNITS_PER_CODE);
  return t;
}

function finish(
  obis: string,
  base: Template,
  value: ReadingValue,
  unit: Unit | undefined,
  time: string | undefined,
  raw: string | undefined,
  entries: readonly LogEntry[] | undefined,
): Reading {
  const r: MutableReading = { obis, key: base.key, name: base.name, quantity: base.quantity, value };
  if (unit !== undefined) r.unit = unit;
  if (time !== undefined) r.time = time;
  if (raw !== undefined) r.raw = raw;
  if (entries !== undefined) r.entries = entries;
  if (base.enabledByDefault !== undefined) r.enabledByDefault = base.enabledByDefault;
  return r;
}

/** A number reading of a code: raw × 10^exp10 in `unit`, as buildReading would type and convert it. */
export function numericReadingOf(
  code: SmlCode,
  raw: SmlInt,
  exp10: number,
  unit: Unit | undefined,
  time: string | undefined,
  entries?: readonly LogEntry[],
): Reading {
  const t = numericTemplate(code, unit);
  let v = scaleDecimal(raw, exp10 + t.exp10);
  if (t.from !== undefined && t.to !== undefined) v = convertValue(v, t.from, t.to) ?? v;
  return finish(code.obis, t, v, t.unit, time, String(raw), entries);
}

/** A text, boolean or empty reading of a code. */
export function otherReadingOf(code: SmlCode, value: string | boolean | null, time: string | undefined, entries?: readonly LogEntry[]): Reading {
  code.other ??= template(buildReading({ obis: code.obis, value: null }), undefined, 0);
  return finish(code.obis, code.other, value, undefined, time, undefined, entries);
}
