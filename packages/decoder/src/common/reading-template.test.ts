import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReading, formatObis, parseObis, type Medium, type ObisCode } from '@smi/model';
import { parseDecimal, parseDecimalText } from './decimal-text';
import { convertWithTemplate, fillReading, powerOfTen, readingTemplate } from './reading-template';
import { latin1Bytes, seededRandom } from './testing';

/**
 * The template path (readingTemplate once, then fillReading) against buildReading called directly,
 * for the OBIS codes and meter units of the DSMR and D0 fixtures plus units they lack, with random
 * values: D0 converts the text's nearest double with convertValue (equal to the last bit, -0 and
 * 17-digit numbers included); DSMR shifts the digits by the template's power of ten (equal for up
 * to 15 significant digits, which is what `convertValue` keeps).
 */
const FIXTURES = join(__dirname, '../../fixtures');
const EXTRA_UNITS = [
  '',
  'kWh',
  'Wh',
  'MWh',
  'kW',
  'W',
  'MW',
  'GJ',
  'MJ',
  'm3',
  'm³',
  'L',
  'l/h',
  'm3/h',
  'V',
  'A',
  'Hz',
  'kvarh',
  'kvar',
  'kVAh',
  'kVA',
  's',
  'min',
  'h',
  'd',
  'K',
  '°C',
  'C',
  'KWH',
  'zz',
];
const MEDIA: readonly (Medium | undefined)[] = [undefined, 'gas', 'water', 'heat'];

/** (code, unit text) pairs of `code(value*unit)` data in both fixture folders. */
function fixturePairs(): { obis: ObisCode; unit: string }[] {
  const pairs = new Map<string, { obis: ObisCode; unit: string }>();
  for (const dir of ['dsmr', 'd0']) {
    for (const file of readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.txt'))) {
      for (const line of readFileSync(join(FIXTURES, dir, file), 'latin1').split(/\r?\n/)) {
        const m = /^[\x02]?([0-9A-Za-z.:*&-]+)((?:\([^()]*\))+)/.exec(line);
        const obis = m?.[1] === undefined ? undefined : parseObis(m[1]);
        if (obis === undefined) continue;
        const code = formatObis(obis);
        const last = /\(([^()]*)\)$/.exec(m?.[2] ?? '')?.[1] ?? '';
        const star = last.indexOf('*');
        const unit = star < 0 ? '' : last.slice(star + 1).trim();
        pairs.set(`${code} ${unit}`, { obis: code, unit });
      }
    }
  }
  // Units the fixtures lack, on a sample of their codes.
  const codes = [...new Set([...pairs.values()].map((p) => p.obis))];
  for (let i = 0; i < codes.length; i += 3) for (const extra of EXTRA_UNITS) pairs.set(`${codes[i]} ${extra}`, { obis: codes[i] as ObisCode, unit: extra });
  return [...pairs.values()];
}

function randomNumberText(random: () => number, maxDigits: number, negative: boolean): string {
  const digits = 1 + Math.floor(random() * maxDigits);
  let text = '';
  for (let i = 0; i < digits; i++) text += String(Math.floor(random() * 10));
  const dot = Math.floor(random() * (digits + 1));
  if (dot < digits && random() < 0.8) text = `${text.slice(0, dot) || '0'}.${text.slice(dot)}`;
  return negative && random() < 0.2 ? `-${text}` : text;
}

describe('reading templates equal buildReading', () => {
  const pairs = fixturePairs();
  const random = seededRandom(62056);

  it('covers the fixtures', () => {
    expect(pairs.length).toBeGreaterThan(300);
    // Value and unit shapes as found in the fixtures.
    expect(pairs).toEqual(
      expect.arrayContaining([
        { obis: '1-0:1.8.1', unit: 'kWh' },
        { obis: '0-1:24.2.1', unit: 'm3' },
        { obis: '1-0:1.7.0', unit: 'kW' },
      ]),
    );
    expect(new Set(pairs.map((p) => p.unit)).size).toBeGreaterThan(EXTRA_UNITS.length);
  });

  it('D0 path: convertValue on the nearest double, every field and bit equal', () => {
    let compared = 0;
    for (const { obis, unit } of pairs) {
      const t = readingTemplate(obis, unit);
      for (let k = 0; k < 4; k++) {
        const text = randomNumberText(random, 17, true);
        const n = parseDecimalText(text) as number;
        const raw = unit === '' ? text : `${text}*${unit}`;
        const quick = fillReading(t, t.key, t.unit === undefined ? n : convertWithTemplate(t, n), undefined, undefined, raw);
        const full = buildReading(unit === '' ? { obis, value: n, raw } : { obis, value: n, unit, raw });
        expect(JSON.stringify(quick)).toBe(JSON.stringify(full));
        expect(Object.is(quick.value, full.value)).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1200);
  });

  it('DSMR path: digits shifted by the power of ten (or convertValue), per medium', () => {
    let compared = 0;
    let converted = 0;
    for (const { obis, unit } of pairs) {
      for (const medium of MEDIA) {
        const t = readingTemplate(obis, unit === '' ? undefined : unit, medium);
        const ctx = medium === undefined ? {} : { medium };
        for (let k = 0; k < 2; k++) {
          const text = randomNumberText(random, 15, true);
          const b = latin1Bytes(text);
          let value = t.shift === undefined ? convertWithTemplate(t, parseDecimal(b, 0, b.length)) : parseDecimal(b, 0, b.length, t.shift);
          if (value === 0) value = 0; // the DSMR decoder publishes no -0
          if (t.shift === undefined) converted++;
          const quick = fillReading(t, t.key, value, 2, '2024-01-01T00:00:00Z');
          const expected = buildReading(
            unit === ''
              ? { obis, value: Number(text), channel: 2, time: '2024-01-01T00:00:00Z' }
              : { obis, value: Number(text), unit, channel: 2, time: '2024-01-01T00:00:00Z' },
            ctx,
          );
          const full = expected.value === 0 ? { ...expected, value: 0 } : expected;
          expect(JSON.stringify(quick)).toBe(JSON.stringify(full));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(2500);
    expect(converted).toBeGreaterThan(0);
  });

  it('templates without a unit take any value as buildReading does (null, text, numbers)', () => {
    for (const obis of new Set(pairs.map((p) => p.obis))) {
      const t = readingTemplate(obis, '');
      for (const value of [null, 'abc', 0, 12.5]) {
        expect(JSON.stringify(fillReading(t, t.key, value, undefined, undefined, 'x'))).toBe(JSON.stringify(buildReading({ obis, value, raw: 'x' })));
      }
    }
  });
});

describe('powerOfTen', () => {
  it.each([
    [1, 0],
    [1000, 3],
    [1e6, 6],
    [0.001, -3],
    [1e-12, -12],
    [1e12, 12],
    [277.77777777777777, undefined],
    [2, undefined],
    [1e13, undefined],
  ])('%p → %p', (factor, k) => {
    expect(powerOfTen(factor)).toBe(k);
  });
});
