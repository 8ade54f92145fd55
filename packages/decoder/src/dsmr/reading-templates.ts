import {
  normalizeUnit,
  obisSlug,
  QUANTITY_DEFINITIONS,
  quantityForUnit,
  unitFactor,
  type LogEntry,
  type Medium,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import type { ObisRef } from './obis-ref';
import { addTemplate } from '../common/template-list';
import type { ByteText } from '../common/byte-text';
import { unitCode } from '../common/decimal-text';
import { fillReading, powerOfTen, readingTemplate, type ReadingTemplate } from '../common/reading-template';

export { convertWithTemplate } from '../common/reading-template';

/**
 * A reading template (common/reading-template.ts) for one OBIS code as met in DSMR telegrams,
 * found again by the meter unit's bytes (`unitCode`, or the text for long units) and the channel
 * medium. Values are scaled exactly: the meter's decimal digits times the template's power of
 * ten (kW → W: 10^3); other conversions (GJ → kWh) go through `convertWithTemplate`.
 */
export interface DsmrTemplate extends ReadingTemplate {
  readonly unitCode: number;
  readonly unitText: string | undefined;
  readonly medium: Medium | undefined;
  readonly slot: KeySlot;
}

/** Shared by every template with the same key, to see a key twice in one telegram at no cost. */
interface KeySlot {
  readonly key: string;
  generation: number;
}

const MAX_TEMPLATES_PER_CODE = 8;

/**
 * The template bookkeeping of one decoder (issue 13: owned by each decoder, never shared): key
 * slots, the telegram generation that marks a key as taken, and the buffer-unit memo.
 */
export class TemplateState {
  /**
   * Key slots sorted by key, found by binary search: only a new template looks here, and a sorted
   * array of a meter's few dozen keys takes a sixth of a Map's bytes (~300 bytes, not ~1,850).
   */
  private slots: KeySlot[] = [];
  /** Number of the latest ReadingList: a slot marked with it is taken in that telegram. */
  generation = 0;
  readonly entryUnits = new Map<number | string, EntryUnit>();

  slotFor(key: string): KeySlot {
    const slots = this.slots;
    let lo = 0;
    let hi = slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = (slots[mid] as KeySlot).key;
      if (k === key) return slots[mid] as KeySlot;
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    const slot: KeySlot = { key, generation: 0 };
    // A new array of exactly one more slot (`splice` and spreads leave spare capacity).
    this.slots = slots.slice(0, lo).concat([slot], slots.slice(lo));
    return slot;
  }

  /** Number of key slots held (one per key met since the last `clear`). */
  get size(): number {
    return this.slots.length;
  }

  /** Drops the key slots with the OBIS memo (between telegrams only). */
  clear(): void {
    this.slots = [];
  }
}

function createTemplate(state: TemplateState, ref: ObisRef, code: number, unitText: string | undefined, medium: Medium | undefined): DsmrTemplate {
  const b = readingTemplate(ref.code, unitText, medium);
  // One literal (not a spread): every DSMR template shares one object shape.
  const template: DsmrTemplate = {
    obis: b.obis,
    key: b.key,
    name: b.name,
    quantity: b.quantity,
    numeric: b.numeric,
    unit: b.unit,
    enabledByDefault: b.enabledByDefault,
    shift: b.shift,
    from: b.from,
    unitCode: code,
    // the model's string when equal (kWh): one copy less per template
    unitText: unitText === b.from ? b.from : unitText,
    medium,
    slot: state.slotFor(b.key),
  };
  addTemplate(ref, template, MAX_TEMPLATES_PER_CODE);
  return template;
}

/**
 * Template for an object with the meter unit `bytes[unitStart, unitEnd)` (empty: none) on a
 * channel of the given medium.
 */
export function templateFor(state: TemplateState, ref: ObisRef, text: ByteText, unitStart: number, unitEnd: number, medium?: Medium): DsmrTemplate {
  const code = unitCode(text.bytes, unitStart, unitEnd);
  const first = ref.first;
  const more = ref.more;
  if (code >= 0) {
    if (first !== undefined && first.unitCode === code && first.medium === medium) return first;
    for (let i = 0; i < more.length; i++) {
      const t = more[i] as DsmrTemplate;
      if (t.unitCode === code && t.medium === medium) return t;
    }
    return createTemplate(state, ref, code, code === 0 ? undefined : text.slice(unitStart, unitEnd), medium);
  }
  const unitText = text.slice(unitStart, unitEnd);
  if (first !== undefined && first.unitText === unitText && first.medium === medium) return first;
  for (const t of more) if (t.unitText === unitText && t.medium === medium) return t;
  return createTemplate(state, ref, code, unitText, medium);
}

/**
 * The readings of one telegram. Keys stay unique: the registry gives some codes one key
 * (0-0:96.1.0 and 0-0:96.1.1 are both `equipment_id`), so a second reading with a key already
 * taken is suffixed with its OBIS slug (`equipment_id_0_0_96_1_0`), then with a counter.
 * A list is filled within one synchronous decode; two lists of one decoder must not be filled
 * interleaved.
 */
export class ReadingList {
  readonly readings: Reading[] = [];
  private readonly generation: number;
  private taken: Set<string> | undefined;

  constructor(state: TemplateState) {
    this.generation = ++state.generation;
  }

  add(t: DsmrTemplate, value: ReadingValue, channel?: number, time?: string, raw?: string, entries?: readonly LogEntry[]): void {
    this.readings.push(fillReading(t, this.keyFor(t), value, channel, time, raw, entries));
  }

  private keyFor(t: DsmrTemplate): string {
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

/**
 * How a buffer value in the meter unit `bytes[start, end)` is published (kW → W, s → s, kvarh →
 * varh); memoised in `memo` by unit code (`unitCode`), or by text for units it cannot name.
 */
export function entryUnit(memo: Map<number | string, EntryUnit>, text: ByteText, start: number, end: number): EntryUnit {
  const code = unitCode(text.bytes, start, end);
  const id = code >= 0 ? code : text.slice(start, end);
  const known = memo.get(id);
  if (known !== undefined) return known;
  const from = normalizeUnit(text.slice(start, end));
  let result: EntryUnit = { unit: from, shift: 0, from };
  if (from !== undefined) {
    const quantity = quantityForUnit(from);
    const target = quantity === undefined ? undefined : QUANTITY_DEFINITIONS[quantity].unit;
    const factor = target === undefined ? undefined : unitFactor(from, target);
    if (target !== undefined && factor !== undefined) result = { unit: target, shift: powerOfTen(factor), from };
  }
  if (memo.size >= 64) memo.clear();
  memo.set(id, result);
  return result;
}
