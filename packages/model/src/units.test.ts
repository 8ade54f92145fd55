import { convertValue, normalizeUnit, unitFactor, type Unit } from './units';

describe('units', () => {
  it.each([
    ['kWh', 'kWh'],
    ['KWH', 'kWh'],
    ['m3', 'm³'],
    ['M3', 'm³'],
    ['kVArh', 'kvarh'],
    ['kVAr', 'kvar'],
    ['VAr', 'var'],
    ['Wh', 'Wh'],
    ['W', 'W'],
    ['GJ', 'GJ'],
    ['V', 'V'],
    ['A', 'A'],
    ['Hz', 'Hz'],
    ['s', 's'],
  ])('normalises %s → %s', (raw, unit) => {
    expect(normalizeUnit(raw)).toBe(unit);
  });

  it('rejects unknown units', () => {
    expect(normalizeUnit('furlong')).toBeUndefined();
  });

  it('converts within a dimension, decimal-exact for powers of ten', () => {
    expect(convertValue(0.244, 'kW', 'W')).toBe(244);
    expect(convertValue(1.234, 'kWh', 'Wh')).toBe(1234);
    expect(convertValue(6545766, 'Wh', 'kWh')).toBe(6545.766);
    expect(convertValue(0.1, 'kvar', 'var')).toBe(100);
    expect(convertValue(240.86, 'GJ', 'kWh')).toBeCloseTo(66905.56, 2);
    expect(convertValue(1, 'L', 'm³')).toBe(0.001);
  });

  it('gives every value the decimal-exact result, up to and past 15 digits, for every unit pair', () => {
    // The reference: scaled by the factor and rounded to 15 significant digits when the factor is
    // a power of ten (whatever its size), else scaled only.
    const reference = (value: number, from: Unit, to: Unit): number | undefined => {
      const factor = unitFactor(from, to);
      if (factor === undefined || factor === 1) return factor && value;
      const exp = Math.log10(factor);
      if (!Number.isInteger(exp)) return value * factor;
      return Number((exp > 0 ? value * factor : value / 10 ** -exp).toPrecision(15));
    };
    const units: Unit[] = ['Wh', 'kWh', 'MWh', 'MJ', 'GJ', 'W', 'kW', 'MW', 'varh', 'kvarh', 'm³', 'L', 'm³/h', 'L/h', 's', 'min', 'h', 'd'];
    const wrong: unknown[] = [];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let digits = 1; digits <= 17; digits++) {
      for (let k = 0; k < 20; k++) {
        const magnitude = Math.floor(10 ** (digits - 1) * (1 + 9 * random()));
        // integers (registers) of either sign, and decimals with 1–4 places
        for (const value of [magnitude, -magnitude, magnitude / 10 ** (1 + (k % 4))]) {
          for (const from of units) {
            for (const to of units) {
              const got = convertValue(value, from, to);
              if (!Object.is(got, reference(value, from, to))) wrong.push([value, from, to, got]);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(Object.is(convertValue(-0, 'Wh', 'kWh'), 0)).toBe(true);
    expect(convertValue(1234567890123456, 'Wh', 'kWh')).toBe(1234567890123.46);
  });

  it('refuses conversions across dimensions', () => {
    expect(unitFactor('kWh', 'W')).toBeUndefined();
    expect(convertValue(1, 'A', 'W')).toBeUndefined();
  });
});
