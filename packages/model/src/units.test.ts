import { convertValue, normalizeUnit, unitFactor } from './units';

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

  it('refuses conversions across dimensions', () => {
    expect(unitFactor('kWh', 'W')).toBeUndefined();
    expect(convertValue(1, 'A', 'W')).toBeUndefined();
  });
});
