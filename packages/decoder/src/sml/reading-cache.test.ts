import { buildReading, normalizeUnit, type Unit } from '@smi/model';
import { SmlReadingCache } from './reading-cache';
import { scaleDecimal } from '../common/decimal';

const CODES = [
  '1-0:1.8.0',
  '1-0:2.8.1',
  '1-0:16.7.0',
  '1-0:32.7.0',
  '1-0:31.7.0',
  '1-0:14.7.0',
  '1-0:13.7.0',
  '1-0:3.8.0',
  '1-0:96.50.1*1',
  '129-129:199.130.3',
  '0-0:96.1.0',
  '7-0:99.2.0',
  '1-0:1.8.0*1',
];
const UNITS: (Unit | undefined)[] = [undefined, 'Wh', 'W', 'V', 'A', 'Hz', 'varh', 'VAh', 'MJ', 'm³', 'K', '°C', '%', 's'];

describe('memoised buildReading', () => {
  const cache = new SmlReadingCache();
  const numericReading = cache.numericReading.bind(cache);
  const otherReading = cache.otherReading.bind(cache);
  const obisText = cache.obisText.bind(cache);
  const obisTextAt = cache.obisTextAt.bind(cache);

  it('gives what buildReading gives, for numbers of up to 15 significant digits', () => {
    const raws = [0, 1, -1, 5635, -10550, 153385557, 224624136, 123456789012345];
    for (const obis of CODES) {
      for (const unit of UNITS) {
        for (const raw of raws) {
          for (const scaler of [-4, -1, 0, 2]) {
            // Twice: the second call comes from the cache.
            for (let k = 0; k < 2; k++) {
              const mine = numericReading(obis, raw, scaler, unit, '2024-01-01T00:00:00Z');
              const model = buildReading({
                obis,
                value: scaleDecimal(raw, scaler),
                ...(unit !== undefined && { unit }),
                time: '2024-01-01T00:00:00Z',
                raw: String(raw),
              });
              expect(mine).toEqual(model);
            }
          }
        }
      }
    }
  });

  it('is more exact than scale-then-convert beyond 15 digits', () => {
    const r = numericReading('1-0:1.8.0', 2n ** 64n - 1n, -4, normalizeUnit('Wh'), undefined);
    expect(r.value).toBe(1844674407370.9551615);
  });

  it('gives what buildReading gives for text, booleans and empty values', () => {
    for (const obis of CODES) {
      for (const value of ['EMH', '0901454D48000041F045', true, null]) {
        expect(otherReading(obis, value, undefined)).toEqual(buildReading({ obis, value }));
      }
    }
  });

  it('keeps giving buildReading for more units of one code than it memoises (bounded at 16)', () => {
    const own = new SmlReadingCache();
    const texts = [
      'Wh',
      'kWh',
      'MWh',
      'W',
      'kW',
      'MW',
      'V',
      'kV',
      'A',
      'mA',
      'Hz',
      'varh',
      'kvarh',
      'VAh',
      'kVAh',
      'MJ',
      'GJ',
      'm3',
      'l',
      'K',
      '°C',
      '%',
      's',
      'h',
    ];
    const units = [...new Set(texts.map((t) => normalizeUnit(t)).filter((u): u is Unit => u !== undefined))];
    expect(units.length).toBeGreaterThan(16);
    for (let k = 0; k < 3; k++) {
      for (const unit of [...units, undefined]) {
        const expected = buildReading({ obis: '1-0:1.8.0', value: scaleDecimal(5635, -1), ...(unit !== undefined && { unit }), raw: '5635' });
        expect(own.numericReading('1-0:1.8.0', 5635, -1, unit, undefined)).toEqual(expected);
        expect(own.conversionFor('1-0:1.8.0', unit).unit).toBe(expected.unit);
      }
    }
  });

  it('formats OBIS names from bytes', () => {
    expect(obisText(Uint8Array.of(1, 0, 1, 8, 0, 255))).toBe('1-0:1.8.0');
    expect(obisText(Uint8Array.of(129, 129, 199, 130, 3, 255))).toBe('129-129:199.130.3');
    expect(obisTextAt(Uint8Array.of(9, 1, 0, 96, 50, 1, 1), 1, 6)).toBe('1-0:96.50.1*1');
    expect(obisText(Uint8Array.of(1, 0, 1, 8, 0))).toBeUndefined();
  });
});

describe('the code table grows with the codes met', () => {
  const name = (k: number): Uint8Array => Uint8Array.of(1, k % 3, 1 + (k % 89), Math.floor(k / 89), k % 4, 255);
  const text = (k: number): string => `1-${k % 3}:${1 + (k % 89)}.${Math.floor(k / 89)}.${k % 4}`;

  it('starts at 16 slots, doubles when three quarters full and finds every code again after each doubling', () => {
    const cache = new SmlReadingCache();
    expect(cache.slots).toBe(16);
    const first = [];
    for (let k = 0; k < 200; k++) {
      const code = cache.codeAt(name(k), 0, 6);
      expect(code?.obis).toBe(text(k));
      first.push(code);
    }
    expect(cache.slots).toBe(512);
    for (let k = 0; k < 200; k++) expect(cache.codeAt(name(k), 0, 6)).toBe(first[k]);
  });

  it('keeps a meter of a few dozen codes at 64 slots and starts small again after too many codes', () => {
    const cache = new SmlReadingCache();
    for (let k = 0; k < 12; k++) cache.codeAt(name(k), 0, 6);
    expect(cache.slots).toBe(16);
    // the 13th code passes three quarters of 16 slots: the table doubles, keeping every code
    cache.codeAt(name(12), 0, 6);
    expect(cache.slots).toBe(32);
    for (let k = 0; k < 13; k++) expect(cache.codeAt(name(k), 0, 6)?.obis).toBe(text(k));
    for (let k = 13; k < 30; k++) cache.codeAt(name(k), 0, 6);
    expect(cache.slots).toBe(64);
    for (let k = 30; k < 256; k++) cache.codeAt(name(k), 0, 6);
    expect(cache.slots).toBe(512);
    // the 257th code empties the memo, which starts again with this one code
    expect(cache.codeAt(name(256), 0, 6)?.obis).toBe(text(256));
    expect(cache.slots).toBe(16);
    expect(cache.codeAt(name(3), 0, 6)?.obis).toBe(text(3));
  });
});
