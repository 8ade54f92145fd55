import { ByteMemo } from './byte-memo';

const bytesOf = (k: number): Uint8Array => Uint8Array.from([0x30 + (k % 10), 0xff - (k % 256), k >> 8, 0x80, k & 0xff]);

/** The value memoised for the bytes of `key` cut out of a larger input at `at`. */
function lookup(memo: ByteMemo<number>, key: Uint8Array, at = 3): number | undefined {
  const input = new Uint8Array(at + key.length + 2).fill(0x2a);
  input.set(key, at);
  return memo.get(input, at, at + key.length);
}

describe('ByteMemo', () => {
  it('starts at 8 slots, doubles when half full and finds every entry after each doubling', () => {
    const memo = new ByteMemo<number>(128);
    expect(memo.slots).toBe(8);
    for (let k = 0; k < 64; k++) {
      const key = bytesOf(k);
      expect(lookup(memo, key)).toBeUndefined();
      expect(memo.set(key, 0, key.length, k)).toBe(k);
      for (let j = 0; j <= k; j++) expect(lookup(memo, bytesOf(j), j % 5)).toBe(j);
    }
    expect(memo.slots).toBe(128);
  });

  it('grows only with what it holds', () => {
    const memo = new ByteMemo<number>(128);
    for (let k = 0; k < 4; k++) memo.set(bytesOf(k), 0, 5, k);
    expect(memo.slots).toBe(8);
    memo.set(bytesOf(4), 0, 5, 4);
    expect(memo.slots).toBe(16);
    // setting a key it holds replaces the value and takes no slot
    for (let n = 0; n < 20; n++) memo.set(bytesOf(0), 0, 5, 100 + n);
    expect(lookup(memo, bytesOf(0))).toBe(119);
    expect(memo.slots).toBe(16);
  });

  it('starts over small once it holds size / 2 entries (bounded)', () => {
    const memo = new ByteMemo<number>(16);
    for (let k = 0; k < 8; k++) memo.set(bytesOf(k), 0, 5, k);
    expect(memo.slots).toBe(16);
    memo.set(bytesOf(8), 0, 5, 8);
    expect(memo.slots).toBe(8);
    expect(lookup(memo, bytesOf(8))).toBe(8);
    for (let k = 0; k < 8; k++) expect(lookup(memo, bytesOf(k))).toBeUndefined();
  });

  it('tells apart keys that differ in one byte above 127, in length or only in a prefix', () => {
    const memo = new ByteMemo<string>(64);
    const keys = [[0xe9], [0xe8], [0xe9, 0x00], [0x00, 0xe9], [], [0xff, 0xfe, 0xfd]].map((k) => Uint8Array.from(k));
    keys.forEach((k, i) => memo.set(k, 0, k.length, `v${i}`));
    keys.forEach((k, i) => {
      const input = Uint8Array.from([1, ...k, 2]);
      expect(memo.get(input, 1, 1 + k.length)).toBe(`v${i}`);
    });
    expect(memo.get(Uint8Array.from([0xe9, 0x01]), 0, 2)).toBeUndefined();
  });

  it('keeps no reference to the caller’s bytes', () => {
    const memo = new ByteMemo<number>(8);
    const input = Uint8Array.from([1, 2, 3]);
    memo.set(input, 0, 3, 7);
    input[1] = 9;
    expect(memo.get(Uint8Array.from([1, 2, 3]), 0, 3)).toBe(7);
    expect(memo.get(input, 0, 3)).toBeUndefined();
  });
});
