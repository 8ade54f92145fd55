import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexBytes, seededRandom } from '../common/testing';
import { buildCipheredApdu } from '../dlms';
import { buildHostileStream, checkHostileStream, decodeAlone, runHostileStream } from '../test-support/hostile-stream';
import { SMARTY_AUTH_KEY } from './envelope';
import { createP1Decoder } from './stream-decoder';

/**
 * The framer contract (common/framer.ts) for encrypted P1: the envelope has no end marker, so a
 * cut envelope's declared length runs into the next one. Real DSMR telegrams from the fixtures
 * (Sagemcom T210-D-r, Iskra MT382), wrapped here with node:crypto as the meters do (§1.6).
 */
const DIR = join(__dirname, '../../fixtures/dsmr');
const KEY = hexBytes('AABBCCDDEEFF00112233445566778899');
const ST = Uint8Array.from(Buffer.from('SAG12345', 'latin1'));
const telegram = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));
const envelope = (t: Uint8Array, ic: number): Uint8Array =>
  buildCipheredApdu(t, { key: KEY, authKey: SMARTY_AUTH_KEY, systemTitle: ST, invocationCounter: ic, securityControl: 0x30 });

const FRAMES = [
  envelope(telegram('sagemcom-t210-d-r-plain.txt'), 1),
  envelope(telegram('v5-iskra-mt382.txt'), 2),
  envelope(telegram('sagemcom-t210-d-r-plain.txt'), 3),
];
const make = (): ReturnType<typeof createP1Decoder> => createP1Decoder({ key: KEY });
const REFERENCES = FRAMES.map((f) => decodeAlone(make, f)[0] ?? '');

describe('encrypted P1: resynchronisation', () => {
  it('each envelope decodes alone to one snapshot with the values of its telegram', () => {
    expect(FRAMES.map((f) => decodeAlone(make, f).length)).toEqual([1, 1, 1]);
    expect(JSON.parse(REFERENCES[1] ?? '{}')).toMatchObject({ meter: { id: expect.any(String) } });
  });

  it('a cut envelope does not swallow the good one after it', () => {
    const good = FRAMES[1] as Uint8Array;
    const cut = (FRAMES[0] as Uint8Array).subarray(0, 200);
    const events = runHostileStream(make, Uint8Array.from([...cut, ...good]), seededRandom(1), 64).events;
    expect(events.map((e) => (e.ok ? JSON.stringify(e.snapshot) : e.error.kind))).toEqual(['auth-failed', REFERENCES[1]]);
  });

  it('200 seeded hostile streams: every good envelope exactly once, in order, no corrupted copy accepted', () => {
    const totals = { lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const stream = buildHostileStream(FRAMES, seededRandom(seed), { items: 8, maxFlips: 3, markers: [Uint8Array.of(0xdb, 0x08), Uint8Array.of(0x2f)] });
      const run = runHostileStream(make, stream.bytes, seededRandom(seed + 1));
      const v = checkHostileStream(stream, run.events, REFERENCES, make, FRAMES);
      totals.lost += v.lost;
      totals.accepted += v.accepted;
      totals.duplicated += v.duplicated;
      totals.outOfOrder += v.outOfOrder;
    }
    expect(totals).toEqual({ lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0 });
  });
});
