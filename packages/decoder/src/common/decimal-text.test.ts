import { parseDecimal, parseDecimalText, unitCode } from './decimal-text';
import { latin1Bytes, seededRandom } from './testing';

function decimal(text: string, shift = 0): number {
  const b = latin1Bytes(text);
  return parseDecimal(b, 0, b.length, shift);
}

describe('parseDecimal', () => {
  it.each([
    ['001581.123', 0, 1581.123],
    ['02.027', 3, 2027], // kW → W, exact (2.027 * 1000 is 2026.9999999999998)
    ['0001.011', 3, 1011],
    ['006545766', -3, 6545.766], // Wh → kWh
    ['00032549.5061662', 0, 32549.5061662],
    ['000', 0, 0],
    ['-0.5', 0, -0.5],
    ['+12', 0, 12],
    ['12345678901234567890', 0, 12345678901234567000],
  ] as const)('%s with shift %d is %d', (text, shift, value) => {
    expect(decimal(text, shift)).toBe(value);
  });

  it.each(['', '.', '-', '1.2.3', '12a', '1,5', ' 1'])('%j is not a decimal', (text) => {
    expect(decimal(text)).toBeNaN();
  });
});

describe('unitCode', () => {
  const code = (unit: string): number => {
    const b = latin1Bytes(unit);
    return unitCode(b, 0, b.length);
  };
  it('tells units apart without making strings, case included', () => {
    const units = ['kWh', 'kW', 'kvarh', 'kVArh', 'kvar', 'kVAr', 'Wh', 'W', 'm3', 'GJ', 'V', 'A', 'Hz', 's'];
    expect(new Set(units.map(code)).size).toBe(units.length);
    expect(code('')).toBe(0);
    expect(code('very long unit')).toBe(-1);
  });
});

describe('parseDecimalText', () => {
  it.each([
    ['0008048.375', 8048.375],
    ['+000.8', 0.8],
    ['5.', 5],
    ['.5', 0.5],
    ['-0.000', -0],
  ] as const)('%s is %d', (text, value) => {
    expect(parseDecimalText(text)).toBe(value);
  });

  it.each(['', '.', '-', '1.2.3', '12a', '1,5', ' 1'])('%j is not a decimal', (text) => {
    expect(parseDecimalText(text)).toBeUndefined();
  });

  it('accepts exactly the texts of the grammar [+-]?(\\d+(\\.\\d*)?|\\.\\d+)', () => {
    const grammar = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
    const random = seededRandom(21);
    const alphabet = '0123456789..++--e \n';
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const text = Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const got = parseDecimalText(text);
      expect(got === undefined ? undefined : text).toBe(grammar.test(text) ? text : undefined);
      if (got !== undefined) accepted++;
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it('reads the same numbers as parseDecimal (but -0)', () => {
    const random = seededRandom(62056);
    for (let i = 0; i < 20000; i++) {
      const digits = Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 10)).join('');
      const dot = Math.floor(random() * (digits.length + 1));
      const sign = random() < 0.3 ? '-' : random() < 0.1 ? '+' : '';
      const text = `${sign}${digits.slice(0, dot)}${random() < 0.8 ? '.' : ''}${digits.slice(dot)}`;
      const want = decimal(text);
      const got = parseDecimalText(text);
      expect(want === 0 && got !== undefined ? Math.abs(got) : got).toBe(want);
    }
  });
});
