import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataBlock } from './data-sets';
import { ReadingTemplates } from './reading-templates';
import { ReadingFactory } from './readings';

const DIR = join(__dirname, '../../fixtures/d0');

/** Every data set of every D0 fixture, plus value shapes the fixtures lack. */
function sets(): { address: string; value: string }[] {
  const out: { address: string; value: string }[] = [];
  for (const file of readdirSync(DIR).filter((f) => !f.endsWith('.json') && !f.endsWith('.md'))) {
    for (const s of parseDataBlock(readFileSync(join(DIR, file)).toString('latin1')).sets) {
      if (s.values.length === 1) out.push({ address: s.address, value: s.values[0] as string });
    }
  }
  const odd = [
    '-0',
    '+000.8',
    '  80 ',
    '.5',
    '5.',
    '.',
    '',
    ' ',
    '*kWh',
    'abc*kWh',
    '0.5*GJ',
    '12*zz',
    '1.234*MWh',
    '12345678901234567*kWh',
    '0001.5 * kW ',
    '1&2',
  ];
  for (const address of ['1-0:1.8.0*255', '1.8.0', '0.0.0', '6.8', '1-0:32.7.0']) for (const value of odd) out.push({ address, value });
  return out;
}

describe('simpleReading (template fast path)', () => {
  it('equals the general path (interpretValues + buildReading) on every single-value set', () => {
    const factory = new ReadingFactory();
    const templates = new ReadingTemplates();
    let compared = 0;
    for (const { address, value } of sets()) {
      const info = factory.address(address);
      if (info.kind !== 'obis') continue;
      const quick = templates.simpleReading(info.obis, info.numeric, value);
      if (quick === undefined) continue;
      const full = factory.reading(info, { address, values: [value], line: 0, text: `${address}(${value})` });
      expect(Object.is(quick.value, full.value)).toBe(true);
      expect(quick).toStrictEqual(full);
      compared++;
    }
    expect(compared).toBeGreaterThan(200);
  });
});

describe('templates per code (first unit in place, others in a map)', () => {
  const units = ['kWh', '', 'Wh', 'MWh', 'kvarh'];

  it('gives each (code, unit) its own template and finds the very same one again', () => {
    const t = new ReadingTemplates();
    const codes = ['1-0:1.8.0', '1-0:2.8.0', '1-0:1.8.1'] as const;
    const made = new Map<string, ReturnType<ReadingTemplates['template']>>();
    for (const code of codes) for (const u of units) made.set(`${code} ${u}`, t.template(code, u));
    expect(new Set(made.values()).size).toBe(codes.length * units.length);
    for (let k = 0; k < 2; k++) for (const code of codes) for (const u of [...units].reverse()) expect(t.template(code, u)).toBe(made.get(`${code} ${u}`));
    expect(made.get('1-0:1.8.0 Wh')?.unit).toBe('kWh');
    expect(made.get('1-0:1.8.0 Wh')?.shift).toBe(-3);
    expect(made.get('1-0:2.8.0 MWh')?.obis).toBe('1-0:2.8.0');
    expect(made.get('1-0:1.8.1 ')?.from).toBeUndefined();
  });

  it('starts over after 4,096 templates and still answers right', () => {
    const t = new ReadingTemplates();
    const first = t.template('1-0:1.8.0', 'kWh');
    for (let k = 0; k < 4096; k++) t.template(`1-0:${1 + (k % 200)}.9.${Math.floor(k / 200)}`, k % 2 === 0 ? 'kWh' : 'Wh');
    const again = t.template('1-0:1.8.0', 'kWh');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(t.template('1-0:1.8.0', 'kWh')).toBe(again);
    expect(t.template('1-0:1.8.0', 'Wh')).toEqual({ ...first, from: 'Wh', shift: -3 });
  });
});

describe('parseDataBlock values', () => {
  it('keeps each data set’s own values (the scratch list is copied out)', () => {
    const block = parseDataBlock('1.8.0(1*kWh)(2)\r\nC.1(x)\r\n(3)(4)(5)\r\n2.8.0()\r\n');
    expect(block.sets.map((s) => [s.address, s.values])).toEqual([
      ['1.8.0', ['1*kWh', '2']],
      ['C.1', ['x']],
      ['', ['3', '4', '5']],
      ['2.8.0', ['']],
    ]);
  });
});

describe('ReadingFactory.address', () => {
  it('is the classified address with what the decoder needs, every field of it', () => {
    const f = new ReadingFactory();
    expect(f.address('1-0:1.8.0*255')).toStrictEqual({
      kind: 'obis',
      obis: '1-0:1.8.0',
      a: 1,
      b: 0,
      groups: '1.8.0',
      f: 255,
      numeric: true,
      cde: '1.8.0',
      profile: false,
    });
    expect(f.address('1-1:1.8.0*03')).toStrictEqual({ kind: 'obis', obis: '1-1:1.8.0*3', a: 1, b: 1, groups: '1.8.0', f: 3, numeric: true, profile: false });
    expect(f.address('C.1.0')).toStrictEqual({ kind: 'code', code: 'C.1.0', key: 'd0_c_1_0', numeric: false, cde: '96.1.0', profile: false });
    expect(f.address('P.01')).toStrictEqual({ kind: 'code', code: 'P.01', key: 'd0_p_01', numeric: false, cde: '99.1.0', profile: true });
    expect(f.address('P.01')).toBe(f.address('P.01'));
  });
});
