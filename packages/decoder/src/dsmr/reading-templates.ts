import {
  buildReading,
  convertValue,
  normalizeUnit,
  obisSlug,
  QUANTITY_DEFINITIONS,
  quantityForUnit,
  unitFactor,
  type LogEntry,
  type Medium,
  type ObisCode,
  type Quantity,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import type { ObisRef } from './obis-ref';
import type { ByteText } from '../common/byte-text';
import { unitCode } from '../common/decimal-text';

/**
 * `buildReading` (model) decides a reading's key, name, quantity and publishing unit from its
 * OBIS code, meter unit and channel medium. Those three inputs repeat in every telegram, so the
 * decoder asks `buildReading` once per combination and keeps the answer as a template; each
 * telegram then only fills in the value. Values are scaled exactly: the meter's decimal digits
 * times the power of ten between meter unit and publishing unit (kW → W: 10^3). Conversions that
 * are not a power of ten (GJ → kWh) go through the model's `convertValue`.
 */
export interface ReadingTemplate {
  readonly obis: ObisCode;
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  /** Whether the quantity publishes numbers (else text; `unknown` takes either). */
  readonly numeric: boolean;
  // Always present (one object shape for every template: monomorphic property access).
  readonly unit: Unit | undefined;
  readonly enabledByDefault: boolean | undefined;
  readonly unitCode: number;
  readonly unitText: string | undefined;
  readonly medium: Medium | undefined;
  /** Power of ten from the meter unit to `unit`; undefined when not one (see `convert`). */
  readonly shift: number | undefined;
  /** Meter unit for `convertValue` when `shift` is undefined. */
  readonly from: Unit | undefined;
  readonly slot: KeySlot;
}

/** Shared by every template with the same key, to see a key twice in one telegram at no cost. */
interface KeySlot {
  readonly key: string;
  generation: number;
}

const SLOTS = new Map<string, KeySlot>();
const MAX_TEMPLATES_PER_CODE = 8;
let generation = 0;

const POWERS: readonly (readonly [number, number])[] = Array.from({ length: 25 }, (_, i) => {
  const k = i - 12;
  return [k, k >= 0 ? 10 ** k : 1 / 10 ** -k] as const;
});

function powerOfTen(factor: number): number | undefined {
  for (const [k, value] of POWERS) if (value === factor) return k;
  return undefined;
}

function slotFor(key: string): KeySlot {
  let slot = SLOTS.get(key);
  if (slot === undefined) {
    slot = { key, generation: 0 };
    SLOTS.set(key, slot);
  }
  return slot;
}

function createTemplate(ref: ObisRef, code: number, unitText: string | undefined, medium: Medium | undefined): ReadingTemplate {
  const ctx = medium === undefined ? {} : { medium };
  const probe = buildReading(unitText === undefined ? { obis: ref.code, value: 1 } : { obis: ref.code, value: 1, unit: unitText }, ctx);
  let shift: number | undefined = 0;
  let from: Unit | undefined;
  if (probe.unit !== undefined && unitText !== undefined) {
    from = normalizeUnit(unitText);
    shift = typeof probe.value === 'number' ? powerOfTen(probe.value) : 0;
  }
  const template: ReadingTemplate = {
    obis: probe.obis ?? ref.code,
    key: probe.key,
    name: probe.name,
    quantity: probe.quantity,
    numeric: QUANTITY_DEFINITIONS[probe.quantity].numeric || probe.quantity === 'unknown',
    unit: probe.unit,
    enabledByDefault: probe.enabledByDefault,
    unitCode: code,
    unitText,
    medium,
    shift,
    from,
    slot: slotFor(probe.key),
  };
  // Bounded: a noisy telegram without CRC could bring ever new unit texts.
  if (ref.templates.length >= MAX_TEMPLATES_PER_CODE) ref.templates.length = 0;
  ref.templates.push(template);
  return template;
}

/**
 * Template for an object with the meter unit `bytes[unitStart, unitEnd)` (empty: none) on a
 * channel of the given medium.
 */
export function templateFor(ref: ObisRef, text: ByteText, unitStart: number, unitEnd: number, medium?: Medium): ReadingTemplate {
  const code = unitCode(text.bytes, unitStart, unitEnd);
  const templates = ref.templates;
  if (code >= 0) {
    for (let i = 0; i < templates.length; i++) {
      const t = templates[i] as ReadingTemplate;
      if (t.unitCode === code && t.medium === medium) return t;
    }
    return createTemplate(ref, code, code === 0 ? undefined : text.slice(unitStart, unitEnd), medium);
  }
  const unitText = text.slice(unitStart, unitEnd);
  for (const t of templates) if (t.unitText === unitText && t.medium === medium) return t;
  return createTemplate(ref, code, unitText, medium);
}

/** Value of a meter number in the template's publishing unit, when `shift` could not do it. */
export function convertWithTemplate(t: ReadingTemplate, value: number): number {
  if (t.from === undefined || t.unit === undefined) return value;
  return convertValue(value, t.from, t.unit) ?? value;
}

type MutableReading = { -readonly [K in keyof Reading]: Reading[K] };

/**
 * The readings of one telegram. Keys stay unique: the registry gives some codes one key
 * (0-0:96.1.0 and 0-0:96.1.1 are both `equipment_id`), so a second reading with a key already
 * taken is suffixed with its OBIS slug (`equipment_id_0_0_96_1_0`), then with a counter.
 * A list is filled within one synchronous decode; two lists must not be filled interleaved.
 */
export class ReadingList {
  readonly readings: Reading[] = [];
  private readonly generation = ++generation;
  private taken: Set<string> | undefined;

  add(t: ReadingTemplate, value: ReadingValue, channel?: number, time?: string, raw?: string, entries?: readonly LogEntry[]): void {
    const key = this.keyFor(t);
    const { obis, name, quantity, unit, enabledByDefault } = t;
    // Common shapes as one literal each (fast object creation); the rest built up.
    if (channel === undefined && time === undefined && raw === undefined && entries === undefined) {
      if (unit !== undefined && typeof value === 'number') {
        this.readings.push(enabledByDefault === undefined ? { obis, key, name, quantity, value, unit } : { obis, key, name, quantity, value, unit, enabledByDefault });
      } else {
        this.readings.push(enabledByDefault === undefined ? { obis, key, name, quantity, value } : { obis, key, name, quantity, value, enabledByDefault });
      }
      return;
    }
    const r: MutableReading = { obis, key, name, quantity, value };
    if (unit !== undefined && typeof value === 'number') r.unit = unit;
    if (channel !== undefined) r.channel = channel;
    if (time !== undefined) r.time = time;
    if (raw !== undefined) r.raw = raw;
    if (entries !== undefined) r.entries = entries;
    if (enabledByDefault !== undefined) r.enabledByDefault = enabledByDefault;
    this.readings.push(r);
  }

  private keyFor(t: ReadingTemplate): string {
    const slot = t.slot;
    const first = slot.generation !== this.generation;
    slot.generation = this.generation;
    if (first && (this.taken === undefined || !this.taken.has(slot.key))) {
      this.taken?.add(slot.key);
      return slot.key;
    }
    const taken = (this.taken ??= new Set(this.readings.map((r) => r.key)));
    const base = `${slot.key}_${obisSlug(t.obis)}`;
    let key = base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
    taken.add(key);
    return key;
  }
}

/** Publishing unit and scale for values inside buffers (power-failure durations, peaks). */
export interface EntryUnit {
  readonly unit: Unit | undefined;
  readonly shift: number | undefined;
  readonly from: Unit | undefined;
}

/** By unit code (`unitCode`), or by text for units it cannot name. */
const ENTRY_UNITS = new Map<number | string, EntryUnit>();

/** How a buffer value in the meter unit `bytes[start, end)` is published (kW → W, s → s, kvarh → varh). */
export function entryUnit(text: ByteText, start: number, end: number): EntryUnit {
  const code = unitCode(text.bytes, start, end);
  const id = code >= 0 ? code : text.slice(start, end);
  const known = ENTRY_UNITS.get(id);
  if (known !== undefined) return known;
  const from = normalizeUnit(text.slice(start, end));
  let result: EntryUnit = { unit: from, shift: 0, from };
  if (from !== undefined) {
    const quantity = quantityForUnit(from);
    const target = quantity === undefined ? undefined : QUANTITY_DEFINITIONS[quantity].unit;
    const factor = target === undefined ? undefined : unitFactor(from, target);
    if (target !== undefined && factor !== undefined) result = { unit: target, shift: powerOfTen(factor), from };
  }
  if (ENTRY_UNITS.size >= 64) ENTRY_UNITS.clear();
  ENTRY_UNITS.set(id, result);
  return result;
}

/** Drops the key slots with the OBIS memo (between telegrams only). */
export function clearKeySlots(): void {
  SLOTS.clear();
}
