import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes as concat, type FrameEvent } from '../common';
import { hexBytes as hex, randomChunks, seededRandom } from '../common/testing';
import { encodeLongFrame } from './frame';
import { createMbusDecoder, type MbusStreamOptions } from './stream';

const DIR = join(__dirname, '../../fixtures/mbus');
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort().map((f) => hex(readFileSync(join(DIR, f), 'utf8')));

function run(stream: Uint8Array, options: MbusStreamOptions, maxChunk = stream.length, seed = 1): FrameEvent[] {
  const decoder = createMbusDecoder(options);
  return randomChunks(stream, seededRandom(seed), maxChunk).flatMap((c) => decoder.push(c));
}

const header = (access: number): string => `17 58 85 06 2D 2C 08 04 ${access.toString(16).padStart(2, '0')} 00 00 00`;
const part1 = encodeLongFrame(0x08, 0x01, 0x72, hex(`${header(1)} 04 06 E7 91 00 00 1F`));
const part2 = encodeLongFrame(0x08, 0x01, 0x72, hex(`${header(2)} 04 14 2C DB 00 00`));

describe('createMbusDecoder', () => {
  const stream = concat(fixtures.flatMap((f) => [Uint8Array.of(0x10, 0x7b, 0x01, 0x7c, 0x16), f, Uint8Array.of(0xe5)]));

  it.each([1, 3, 50, 1000])('turns every fixture into a snapshot, whatever the chunks (≤ %i bytes)', (max) => {
    const events = run(stream, { mergeTelegrams: false }, max, max);
    expect(events.filter((e) => !e.ok)).toEqual([]);
    expect(events).toHaveLength(76);
    const first = events[0];
    expect(first?.ok && first.snapshot.meter.id).toBe('11490378');
  });

  it('merges a multi-telegram readout into one snapshot when the last telegram arrives', () => {
    const events = run(concat([part1, Uint8Array.of(0x10, 0x5b, 0x01, 0x5c, 0x16), part2]), {}, 4);
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e?.ok && e.snapshot.readings.map((r) => [r.key, r.value])).toEqual([['energy', 37351], ['volume', 561.08]]);
    expect(run(concat([part1, part2]), { mergeTelegrams: false })).toHaveLength(2);
  });

  it('emits a pending partial readout when another meter answers', () => {
    const other = fixtures[0] as Uint8Array;
    const events = run(concat([part1, other]), {});
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.ok && e.snapshot.meter.id)).toEqual(['06855817', '11490378']);
  });

  it('reports broken frames as error events and keeps going', () => {
    const bad = Uint8Array.from(fixtures[1] as Uint8Array);
    bad[30] = (bad[30] as number) ^ 0xff;
    const decoder = createMbusDecoder();
    const events = decoder.push(concat([Uint8Array.of(0x00, 0x01), bad, fixtures[2] as Uint8Array]));
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['bad-crc', 'ok']);
    expect(decoder.discardedBytes).toBe(2 + bad.length);
    expect(decoder.protocol).toBe('mbus');
  });

  it('reports undecodable application data with the frame', () => {
    const events = createMbusDecoder().push(encodeLongFrame(0x08, 0x01, 0x72, hex('17 58 85 06 2D 2C 08 04 01 00 00 00 04 06 E7')));
    expect(events[0]?.ok === false && events[0].error.kind).toBe('truncated');
    expect(events[0]?.frame).toBeDefined();
  });
});
