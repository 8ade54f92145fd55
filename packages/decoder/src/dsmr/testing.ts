import { crc16Arc } from '../common/crc';

/**
 * Helpers for the DSMR tests (pure; not exported by the package): a seeded PRNG, random chunk
 * splits and re-signing an edited telegram with its CRC.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
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

export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
}

export function latin1Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A telegram text `/…!` (anything after `!` is replaced) signed with its CRC-16/ARC as 4
 * upper-case hex digits and CR LF: to edit fixtures and keep them valid.
 */
export function signTelegram(text: string, lineEnd = '\r\n'): Uint8Array {
  const bang = text.indexOf('!');
  const body = latin1Bytes(text.slice(0, bang + 1));
  const crc = crc16Arc(body).toString(16).toUpperCase().padStart(4, '0');
  return latin1Bytes(`${text.slice(0, bang + 1)}${crc}${lineEnd}`);
}

/** Bytes a framer drops when it reads `bytes` (everything outside telegrams but CR and LF). */
export function countGarbage(bytes: Uint8Array, telegrams: readonly (readonly [start: number, end: number])[]): number {
  const inside = new Uint8Array(bytes.length);
  for (const [start, end] of telegrams) inside.fill(1, start, end);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (inside[i] === 0 && bytes[i] !== 13 && bytes[i] !== 10) n++;
  return n;
}
