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
