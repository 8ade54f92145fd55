import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameEvent } from '../common/stream';
import { createDsmrDecoder, decodeDsmrTelegram } from './index';
import { concatBytes } from '../common/bytes';
import { randomChunks, seededRandom } from '../common/testing';

/**
 * Resynchronisation (framer contract rule 3) through the stream decoder: good telegrams of
 * dialects that carry a CRC, interleaved with cut, bit-flipped and garbage copies. Every good one
 * comes out exactly once and in order; no corrupted copy is ever a snapshot.
 */

const DIR = join(__dirname, '../../fixtures/dsmr');
const SIGNED = ['v5-iskra-mt382', 'fluvius-v171', 'v4_2-kaifa', 'amshan-kamstrup-kam5-p1', 'v5-warmtelink-unpadded-crc', 'v5-eon-hungary-sagemcom'];

/** The telegram of a fixture: `/` to the last CRC digit. */
function telegramOf(name: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(join(DIR, `${name}.txt`)));
  const start = bytes.indexOf(0x2f);
  let end = bytes.indexOf(0x21, start) + 1;
  while (end < bytes.length && /[0-9A-F]/.test(String.fromCharCode(bytes[end] as number))) end++;
  return bytes.slice(start, end);
}

const TELEGRAMS = SIGNED.map(telegramOf);
const CRLF = Uint8Array.of(13, 10);

type Damage = 'cut' | 'flip' | 'garbage';

function damaged(t: Uint8Array, how: Damage, random: () => number): Uint8Array {
  switch (how) {
    case 'cut':
      return t.slice(0, 1 + Math.floor(random() * (t.length - 1)));
    case 'flip': {
      const copy = t.slice();
      const at = Math.floor(random() * copy.length);
      copy[at] = (copy[at] as number) ^ (1 << Math.floor(random() * 8));
      return copy;
    }
    case 'garbage':
      return Uint8Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256));
  }
}

describe('good telegrams among cut, bit-flipped and garbage copies', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: each good telegram exactly once, in order, no corrupted copy accepted', (seed) => {
    const random = seededRandom(seed * 104729);
    const parts: Uint8Array[] = [];
    const expected: Uint8Array[] = [];
    for (let n = 0; n < 60; n++) {
      const t = TELEGRAMS[Math.floor(random() * TELEGRAMS.length)] as Uint8Array;
      const r = random();
      if (r < 0.4) {
        parts.push(t, CRLF);
        expected.push(t);
      } else {
        parts.push(damaged(t, r < 0.6 ? 'cut' : r < 0.85 ? 'flip' : 'garbage', random));
        if (random() < 0.5) parts.push(CRLF);
      }
    }
    const stream = concatBytes(parts);
    const decoder = createDsmrDecoder();
    const events: FrameEvent[] = [];
    for (const chunk of randomChunks(stream, random, 1 + Math.floor(random() * 700))) events.push(...decoder.push(chunk));
    events.push(...decoder.flush());
    const accepted = events.filter((e): e is Extract<FrameEvent, { ok: true }> => e.ok);
    expect(accepted.map((e) => Buffer.from(e.frame).toString('latin1'))).toEqual(expected.map((t) => Buffer.from(t).toString('latin1')));
    accepted.forEach((e, i) => {
      const alone = decodeDsmrTelegram(expected[i] as Uint8Array);
      if (!alone.ok) throw new Error(alone.error.kind);
      expect(e.snapshot).toEqual(alone.value);
    });
    expect(expected.length).toBeGreaterThan(10);
    expect(events.length).toBeGreaterThan(expected.length);
  });

  it('every single-bit flip of a DSMR 5 telegram is rejected', () => {
    const t = TELEGRAMS[0] as Uint8Array;
    const crcStart = t.indexOf(0x21) + 1;
    const decoder = createDsmrDecoder();
    let accepted = 0;
    let caseFlips = 0;
    for (let at = 0; at < t.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        // A CRC letter in the other case (`6EEE` → `6eEE`) is the same CRC, not a corruption.
        if (at >= crcStart && bit === 5 && (t[at] as number) >= 0x41) {
          caseFlips++;
          continue;
        }
        const copy = t.slice();
        copy[at] = (copy[at] as number) ^ (1 << bit);
        accepted += [...decoder.push(copy), ...decoder.push(CRLF), ...decoder.flush()].filter((e) => e.ok).length;
      }
    }
    expect(accepted).toBe(0);
    expect(caseFlips).toBe(3);
    expect([...decoder.push(t), ...decoder.flush()].map((e) => e.ok)).toEqual([true]);
  });
});
