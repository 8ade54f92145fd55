import { canonicalObis, formatObis, obisFromBytes, obisSlug, parseObis } from './obis';

describe('OBIS codes', () => {
  it.each([
    ['1-0:1.8.0', '1-0:1.8.0'],
    ['1-0:1.8.0*255', '1-0:1.8.0'],
    ['1-0:1.8.0.255', '1-0:1.8.0'],
    ['1-0:1.8.0&255', '1-0:1.8.0'],
    ['1.0.1.8.0.255', '1-0:1.8.0'],
    ['1-0:1.8.0*1', '1-0:1.8.0*1'],
    ['0-1:24.2.1', '0-1:24.2.1'],
    ['129-129:199.130.3*255', '129-129:199.130.3'],
    [' 1.8.0 ', '1-0:1.8.0'],
  ])('canonicalises %s → %s', (text, canonical) => {
    expect(canonicalObis(text)).toBe(canonical);
  });

  it('uses the default medium for short D0 codes', () => {
    expect(canonicalObis('6.8.0', 6)).toBe('6-0:6.8.0');
  });

  it.each(['', 'C.1.0', 'F.F', '1-0:1.8', '1-0:256.8.0', '1-0:1.8.0*', 'x-0:1.8.0'])('refuses %j', (text) => {
    expect(parseObis(text)).toBeUndefined();
  });

  it('reads the 6-byte binary form', () => {
    const o = obisFromBytes(Uint8Array.from([1, 0, 1, 8, 0, 255]));
    expect(o && formatObis(o)).toBe('1-0:1.8.0');
    expect(obisFromBytes(Uint8Array.from([1, 0, 1, 8, 0]))).toBeUndefined();
  });

  it('makes identifier-safe slugs', () => {
    expect(obisSlug('1-0:1.8.0*1')).toBe('1_0_1_8_0_1');
  });
});
