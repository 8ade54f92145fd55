import { hexToBytes } from './hex';

/**
 * Helpers for the decoder tests (pure; imported by `*.test.ts` only, not exported by the package):
 * a seeded PRNG, random chunk splits, hex and latin1 text to bytes. Protocol-specific helpers live
 * beside their tests (dsmr/testing.ts).
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1), so random chunk boundaries are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` into chunks of 1…maxChunk bytes at random boundaries (copies). */
export function randomChunks(bytes: Uint8Array, random: () => number, maxChunk = 64): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    const n = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.slice(i, i + n));
    i += n;
  }
  return chunks;
}

/** Hex text (white space and separators ignored, see `hexToBytes`) → bytes; throws on bad hex. */
export function hexBytes(text: string): Uint8Array {
  const bytes = hexToBytes(text);
  if (bytes === undefined) throw new Error(`not hex: ${text.slice(0, 40)}`);
  return bytes;
}

/** Latin1 text → bytes, one byte per character. */
export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
}

/** Bytes → latin1 text, one character per byte. */
export function latin1Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

type Outcome<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/**
 * Asserts that `result` succeeded and returns its value, so a test reads the value without an
 * `if (!r.ok) return` that would let it pass silently. A failure shows the error in the diff.
 */
export function expectOk<T, E>(result: Outcome<T, E>): T {
  expect(result).toMatchObject({ ok: true });
  if (!result.ok) throw new Error('unreachable: expect above failed');
  return result.value;
}

/** Asserts that `result` failed and returns its error (kind, layer, offset) for further checks. */
export function expectFail<T, E>(result: Outcome<T, E>): E {
  expect(result).toMatchObject({ ok: false });
  if (result.ok) throw new Error('unreachable: expect above failed');
  return result.error;
}

/** Asserts that `value` is neither undefined nor null and returns it, narrowed. */
export function expectDefined<T>(value: T | undefined | null): T {
  expect(value).toBeDefined();
  expect(value).not.toBeNull();
  if (value === undefined || value === null) throw new Error('unreachable: expect above failed');
  return value;
}
