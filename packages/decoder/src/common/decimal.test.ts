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
});
