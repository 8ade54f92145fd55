import { crc16Arc } from '../common/crc';
import { latin1Bytes } from '../common/testing';
import type { DsmrOptions } from './envelope';

/**
 * Helpers for the DSMR tests (pure; not exported by the package): re-signing an edited telegram
 * with its CRC, counting the bytes a framer drops. Generic ones (seeded PRNG, chunk splits, latin1)
 * are in common/testing.ts.
 */

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

/**
 * Per-fixture settings, as a user would configure them: the L+G E350 sample is a DSMR 4.2
 * telegram (`1-3:0.2.8(42)`) published without its CRC, which `crc: 'auto'` rejects.
 */
const FIXTURE_OPTIONS: Readonly<Record<string, DsmrOptions>> = {
  'amshan-landisgyr-e350-xmx-dsmr42': { crc: 'optional' },
};

export function fixtureOptions(name: string): DsmrOptions {
  return FIXTURE_OPTIONS[name] ?? {};
}
