import { ByteText } from '../common/byte-text';
import { latin1Bytes } from '../common/testing';
import { ObisTable, type ObisRef } from './obis-ref';
import { ReadingList, templateFor, TemplateState, type DsmrTemplate } from './reading-templates';

/**
 * The per-decoder template memo is kept small (issue 12): a code's first template sits in its
 * reference, further ones in an exact-size array; key slots are a sorted array. These check that
 * the compact forms find everything the former arrays and Map found.
 */
function refOf(table: ObisTable, code: string): ObisRef {
  const b = latin1Bytes(`${code}(1)\r\n`);
  const ref = table.read(b, 0, b.length);
  if (ref === undefined) throw new Error(`not a code: ${code}`);
  return ref;
}

/** The template of `ref` for a value with the unit `unit` (empty: none). */
function forUnit(state: TemplateState, ref: ObisRef, unit: string, medium?: 'gas' | 'water'): DsmrTemplate {
  const text = new ByteText(latin1Bytes(`(1*${unit})`));
  return templateFor(state, ref, text, 3, 3 + unit.length, medium);
}

describe('templates of one OBIS code', () => {
  // short units (found by their unit code) and long ones (found by their text)
  const units = ['kWh', 'Wh', 'kW', 'W', 'kvarh', 'GJ', 'verylongunit', 'anotherlongunit'];

  it('finds each of up to 8 units and media again as the very template made first', () => {
    const table = new ObisTable();
    const state = new TemplateState();
    const ref = refOf(table, '0-1:24.2.1');
    const made = units.map((u) => forUnit(state, ref, u));
    expect(ref.first).toBe(made[0]);
    expect(ref.more).toEqual(made.slice(1));
    for (let k = 0; k < 2; k++) units.forEach((u, i) => expect(forUnit(state, ref, u)).toBe(made[i]));
    expect(made.map((t) => t.unitText)).toEqual([...units]);
    expect(new Set(made).size).toBe(8);
    expect(made[1]?.unit).toBe('kWh');
  });

  it('keeps templates apart by medium', () => {
    const state = new TemplateState();
    const ref = refOf(new ObisTable(), '0-1:24.2.1');
    const gas = forUnit(state, ref, 'm3', 'gas');
    const water = forUnit(state, ref, 'm3', 'water');
    expect(gas).not.toBe(water);
    expect([gas.medium, water.medium]).toEqual(['gas', 'water']);
    expect(forUnit(state, ref, 'm3', 'gas')).toBe(gas);
    expect(forUnit(state, ref, 'm3', 'water')).toBe(water);
    expect(ref.more).toEqual([water]);
  });

  it('starts over after 8 units (bounded) and still finds what it holds', () => {
    const state = new TemplateState();
    const ref = refOf(new ObisTable(), '1-0:1.8.1');
    const made = units.map((u) => forUnit(state, ref, u));
    const ninth = forUnit(state, ref, 'MWh');
    expect(ref.first).toBe(ninth);
    expect(ref.more).toEqual([]);
    expect(forUnit(state, ref, 'MWh')).toBe(ninth);
    const again = forUnit(state, ref, 'kWh');
    expect(again).not.toBe(made[0]);
    expect(again).toEqual(made[0]);
    expect(ref.more).toEqual([again]);
  });
});

describe('key slots', () => {
  it('gives one slot per key, found again in any order of arrival', () => {
    const state = new TemplateState();
    const keys = Array.from({ length: 200 }, (_, i) => `key_${(i * 7919) % 1000}`);
    const slots = keys.map((k) => state.slotFor(k));
    expect(state.size).toBe(200);
    for (const k of [...keys].reverse()) expect(state.slotFor(k)).toBe(slots[keys.indexOf(k)]);
    expect(slots.map((s) => s.key)).toEqual(keys);
    expect(state.size).toBe(200);
    state.clear();
    expect(state.size).toBe(0);
    expect(state.slotFor(keys[0] as string)).not.toBe(slots[0]);
  });

  it('is shared by the templates of two codes with one key, so the second reading is suffixed', () => {
    const table = new ObisTable();
    const state = new TemplateState();
    const a = forUnit(state, refOf(table, '0-0:96.1.0'), '');
    const b = forUnit(state, refOf(table, '0-0:96.1.1'), '');
    expect(a.key).toBe('equipment_id');
    expect(b.slot).toBe(a.slot);
    const list = new ReadingList(state);
    list.add(a, 'x');
    list.add(b, 'y');
    expect(list.readings.map((r) => r.key)).toEqual(['equipment_id', 'equipment_id_0_0_96_1_1']);
  });
});
