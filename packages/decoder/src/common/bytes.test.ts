import { bytesAt, concatBytes, sameBytes } from './bytes';

describe('concatBytes', () => {
  it('joins the parts in order into a new array', () => {
    const a = Uint8Array.of(1, 2);
    const b = Uint8Array.of(3);
    const joined = concatBytes([a, new Uint8Array(0), b]);
    expect(Array.from(joined)).toEqual([1, 2, 3]);
    joined[0] = 9;
    expect(a[0]).toBe(1);
  });

  it('gives an empty array for no parts', () => {
    expect(concatBytes([])).toHaveLength(0);
  });
});

describe('bytesAt and sameBytes', () => {
  // Both ways of comparing: lengths below and above the one where the native compare takes over.
  const lengths = [0, 1, 7, 95, 96, 97, 326];
  const hay = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff);

  it.each(lengths)('finds %i bytes where they stand', (n) => {
    const bytes = hay.slice(500, 500 + n);
    expect(bytesAt(hay, 500, bytes)).toBe(true);
    expect(sameBytes(hay.subarray(500, 500 + n), bytes)).toBe(true);
  });

  it.each(lengths.filter((n) => n > 0))('finds %i bytes nowhere else, nor with one byte changed', (n) => {
    const at = 500;
    const bytes = hay.slice(at, at + n);
    expect(bytesAt(hay, at + 1, bytes)).toBe(false);
    // one byte changed, at the start, in the middle and at the end
    const found = [0, n >> 1, n - 1].map((k) => {
      const changed = bytes.slice();
      changed[k] = (changed[k] as number) ^ 0x01;
      return [k, bytesAt(hay, at, changed), sameBytes(hay.subarray(at, at + n), changed)];
    });
    expect(found).toEqual([0, n >> 1, n - 1].map((k) => [k, false, false]));
  });

  it.each(lengths.filter((n) => n > 0))('is false when %i bytes would run past the end', (n) => {
    const bytes = hay.slice(hay.length - n);
    expect(bytesAt(hay, hay.length - n, bytes)).toBe(true);
    expect(bytesAt(hay.subarray(0, hay.length - 1), hay.length - n, bytes)).toBe(false);
    expect(bytesAt(hay, -1, bytes)).toBe(false);
  });

  it('compares arrays of different lengths as different', () => {
    expect(sameBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(sameBytes(hay.subarray(0, 200), hay.subarray(0, 201))).toBe(false);
  });
});
