import { scaleDecimal } from './decimal';

describe('scaleDecimal', () => {
  it.each([
    [13, -1, 1.3],
    [123456, -3, 123.456],
    [7, 0, 7],
    [5, 3, 5000],
    [-25, -2, -0.25],
    [3, -22, 3e-22],
  ])('%d × 10^%d = %d', (raw, exp, expected) => {
    expect(scaleDecimal(raw, exp)).toBe(expected);
  });

  // SML values (moved from sml/messages.test.ts with sml's scaleValue).
  it('scales by exact powers of ten, also from bigint', () => {
    expect(scaleDecimal(153385557, -1)).toBe(15338555.7);
    expect(scaleDecimal(-10550, -2)).toBe(-105.5);
    expect(scaleDecimal(12, 3)).toBe(12000);
    expect(scaleDecimal(2n ** 64n - 1n, -4)).toBe(1844674407370955.1615);
    expect(scaleDecimal(-(2n ** 63n), 0)).toBe(-9223372036854775808);
  });
});
