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
