import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes as concat, type FrameEvent } from '../common';
import { hexBytes as hex, randomChunks, seededRandom } from '../common/testing';
import { hostileFrameStream } from './testing';
import { encodeLongFrame } from './frame';
import { createMbusDecoder, type MbusStreamOptions } from './stream-decoder';

const DIR = join(__dirname, '../../fixtures/mbus');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.hex'))
  .sort()
  .map((f) => hex(readFileSync(join(DIR, f), 'utf8')));

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
    expect(e?.ok && e.snapshot.readings.map((r) => [r.key, r.value])).toEqual([
      ['energy', 37351],
      ['volume', 561.08],
    ]);
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
    // The rejected frame's bytes travel in its error event; only the two stray bytes are garbage.
    expect(decoder.discardedBytes).toBe(2);
    expect(decoder.protocol).toBe('mbus');
  });

  it('reports undecodable application data with the frame', () => {
    const events = createMbusDecoder().push(encodeLongFrame(0x08, 0x01, 0x72, hex('17 58 85 06 2D 2C 08 04 01 00 00 00 04 06 E7')));
    expect(events[0]?.ok === false && events[0].error.kind).toBe('truncated');
    expect(events[0]?.frame).toBeDefined();
  });

  it('emits a readout still waiting for "more records follow" on flush, with the records read', () => {
    const decoder = createMbusDecoder();
    expect(decoder.push(part1)).toEqual([]);
    const events = decoder.flush();
    expect(events.map((e) => e.ok && e.snapshot.readings.map((r) => [r.key, r.value]))).toEqual([[['energy', 37351]]]);
    expect(decoder.flush()).toEqual([]);
  });

  it('gives every fixture frame, pushed alone and flushed, exactly one snapshot or error event', () => {
    const outcomes = fixtures.map((f) => {
      const decoder = createMbusDecoder();
      const events = [...decoder.push(f), ...decoder.flush()];
      return events.map((e) => (e.ok ? 'snapshot' : e.error.kind));
    });
    expect(outcomes.filter((o) => o.length !== 1)).toEqual([]);
    expect(outcomes.flat().filter((o) => o === 'snapshot')).toHaveLength(fixtures.length);
  });

  it('gives every good frame exactly once, in order, among cut, bit-flipped and garbage copies', () => {
    const random = seededRandom(77);
    const { stream: hostile, goods } = hostileFrameStream(fixtures, random, 300);
    const decoder = createMbusDecoder({ mergeTelegrams: false });
    const events = [...randomChunks(hostile, random, 200).flatMap((c) => decoder.push(c)), ...decoder.flush()];
    const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    expect(events.flatMap((e) => (e.ok ? [hexOf(e.frame)] : []))).toEqual(goods.map(hexOf));
  });

  it('finds no snapshot in 5 MB of random bytes', () => {
    const random = seededRandom(5);
    const decoder = createMbusDecoder();
    let snapshots = 0;
    let errors = 0;
    const chunk = new Uint8Array(64 * 1024);
    for (let sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) {
      for (let i = 0; i < chunk.length; i++) chunk[i] = Math.floor(random() * 256);
      for (const e of decoder.push(chunk)) {
        if (e.ok) snapshots++;
        else errors++;
      }
    }
    for (const e of decoder.flush()) {
      if (e.ok) snapshots++;
      else errors++;
    }
    expect(snapshots).toBe(0);
    expect(errors).toBeGreaterThan(0);
    expect(decoder.discardedBytes).toBeGreaterThan(4 * 1024 * 1024);
  }, 30_000);

  it('keeps two decoders of different meters apart when their chunks interleave', () => {
    const a = concat(fixtures.slice(0, 20));
    const b = concat(fixtures.slice(40, 60));
    const da = createMbusDecoder({ mergeTelegrams: false });
    const db = createMbusDecoder({ mergeTelegrams: false });
    const ca = randomChunks(a, seededRandom(8), 13);
    const cb = randomChunks(b, seededRandom(9), 13);
    const ea: FrameEvent[] = [];
    const eb: FrameEvent[] = [];
    for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
      ea.push(...da.push(ca[i] ?? new Uint8Array(0)));
      eb.push(...db.push(cb[i] ?? new Uint8Array(0)));
    }
    const ids = (events: FrameEvent[]): string[] => events.map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind));
    const alone = (frames: Uint8Array[]): string[] => ids(frames.flatMap((f) => createMbusDecoder({ mergeTelegrams: false }).push(f)));
    expect(ids(ea)).toEqual(alone(fixtures.slice(0, 20)));
    expect(ids(eb)).toEqual(alone(fixtures.slice(40, 60)));
    expect(ea).toHaveLength(20);
  });
});
