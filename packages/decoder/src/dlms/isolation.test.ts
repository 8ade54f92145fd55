import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameEvent } from '../common';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { createDlmsDecoder } from './stream-decoder';

/** Two meters, two decoders, one process: no state may leak between them (no module-level caches). */
const fixture = (dir: string, name: string): Uint8Array => hexBytes(readFileSync(join(__dirname, '../../fixtures', dir, name), 'utf8'));
const E570_KEY = hexBytes('101112131415161718191A1B1C1D1E1F');
const meters = [
  { bytes: fixture('dlms-hdlc-cii', 'scs-iskra_am550-unencrypted-valid-data.hex'), options: {} },
  { bytes: fixture('dlms-hdlc-cii', 'scs-lg_e570-encrypted-valid-data.hex'), options: { key: E570_KEY } },
  { bytes: fixture('dlms-hdlc-si', 'amsreader-869-iskra-am550-elektro-ljubljana.hex'), options: {} },
];
const snapshots = (events: readonly FrameEvent[]): string[] => events.flatMap((e) => (e.ok ? [JSON.stringify(e.snapshot)] : [`error:${e.error.kind}`]));

describe('DLMS decoders of different meters interleaved chunk by chunk', () => {
  const alone = meters.map((m) => {
    const d = createDlmsDecoder(m.options);
    return snapshots([...d.push(m.bytes), ...d.push(m.bytes), ...d.flush()]);
  });

  it('each decoder alone yields its meter twice (the encrypted repeat is a replay, tracked per decoder)', () => {
    expect(alone.map((a) => a.length)).toEqual([2, 2, 2]);
    expect(alone.map((a) => JSON.parse(a[0] as string).meter.id)).toEqual(['ISK1030775213859', expect.stringMatching(/^LGZ/), 'ISK84605887']);
    expect(alone.map((a) => a[1] === a[0])).toEqual([true, false, true]);
    expect(alone[1]?.[1]).toBe('error:replayed');
  });

  it.each([1, 2, 3, 4, 5])('interleaved at random chunk boundaries (seed %i) each yields exactly what it yields alone', (seed) => {
    const rng = seededRandom(seed);
    const decoders = meters.map((m) => createDlmsDecoder(m.options));
    const queues = meters.map((m) => randomChunks(Uint8Array.from([...m.bytes, ...m.bytes]), rng, 32));
    const out: FrameEvent[][] = meters.map(() => []);
    while (queues.some((q) => q.length > 0)) {
      const i = Math.floor(rng() * meters.length);
      const chunk = queues[i]?.shift();
      if (chunk) out[i]?.push(...(decoders[i]?.push(chunk) ?? []));
    }
    decoders.forEach((d, i) => out[i]?.push(...d.flush()));
    expect(out.map(snapshots)).toEqual(alone);
  });
});
