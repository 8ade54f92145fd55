import { concatBytes } from './bytes';

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
