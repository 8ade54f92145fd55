import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes as concat } from '../common';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import type { MbusFrame } from './frame';
import { MBUS_MAX_FRAME, createMbusFramer, type MbusFramerEvent } from './framer';
import { hostileFrameStream } from './testing';

const DIR = join(__dirname, '../../fixtures/mbus');
const frames = readdirSync(DIR)
  .filter((f) => f.endsWith('.hex'))
  .sort()
  .map((f) => hexBytes(readFileSync(join(DIR, f), 'utf8')));

function feed(stream: Uint8Array, random: () => number, maxChunk: number): MbusFramerEvent[] {
  const framer = createMbusFramer();
  return [...randomChunks(stream, random, maxChunk).flatMap((c) => framer.push(c)), ...framer.flush()];
}

const framesOf = (events: readonly MbusFramerEvent[]): MbusFrame[] => events.flatMap((e) => (e.ok ? [e.frame] : []));
const kindsOf = (events: readonly MbusFramerEvent[]): string[] => events.flatMap((e) => (e.ok ? [] : [e.error.kind]));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const longsOf = (events: readonly MbusFramerEvent[]): string[] => framesOf(events).flatMap((f) => (f.type === 'long' ? [hex(f.bytes)] : []));

const ack = Uint8Array.of(0xe5);
const reqUd2 = Uint8Array.of(0x10, 0x7b, 0x01, 0x7c, 0x16);

describe('incremental M-Bus framer', () => {
  const stream = concat(frames.flatMap((f) => [reqUd2, f, ack]));

  it('finds all 76 fixture frames plus requests and ACKs in one push', () => {
    const framer = createMbusFramer();
    const events = framer.push(stream);
    expect(kindsOf(events)).toEqual([]);
    expect(framer.discardedBytes).toBe(0);
    const found = framesOf(events);
    expect(found.filter((f) => f.type === 'long')).toHaveLength(76);
    expect(found.filter((f) => f.type === 'ack')).toHaveLength(76);
    expect(found.filter((f) => f.type === 'short')).toHaveLength(76);
    expect(framer.flush()).toEqual([]);
  });

  it.each([1, 2, 7, 64, 300])('gives the same frames for random chunks of at most %i bytes', (max) => {
    const events = feed(stream, seededRandom(max * 7919), max);
    expect(longsOf(events)).toEqual(frames.map(hex));
    expect(kindsOf(events)).toEqual([]);
  });

  it('never mutates the chunks it is given', () => {
    const chunk = Uint8Array.from(frames[0] as Uint8Array);
    const copy = Uint8Array.from(chunk);
    createMbusFramer().push(chunk);
    expect(chunk).toEqual(copy);
  });

  it('drops leading garbage byte by byte and resynchronises', () => {
    const framer = createMbusFramer();
    const events = framer.push(concat([Uint8Array.of(0x00, 0x42, 0x68, 0x99), frames[0] as Uint8Array]));
    expect(framesOf(events)).toHaveLength(1);
    expect(framer.discardedBytes).toBe(4);
  });

  it('reports a bad checksum with the frame bytes (not counted as garbage), and finds the next frame', () => {
    const bad = Uint8Array.from(frames[0] as Uint8Array);
    bad[bad.length - 2] = ((bad[bad.length - 2] as number) + 1) & 0xff;
    const framer = createMbusFramer();
    const events = framer.push(concat([bad, ack, frames[1] as Uint8Array]));
    expect(kindsOf(events)).toEqual(['bad-crc']);
    expect(events[0]?.ok === false && events[0].bytes).toEqual(bad);
    expect(framesOf(events).map((f) => f.type)).toEqual(['ack', 'long']);
    expect(framer.discardedBytes).toBe(0);
  });

  it('finds a good frame that starts inside a cut frame whose length reached a 16 byte', () => {
    // A cut copy of frame 0 whose L runs into the next frame; the byte where its stop byte should be
    // is made 16, so the cut candidate is delimited and fails its checksum.
    const bySize = [...frames].sort((a, b) => a.length - b.length);
    const good = bySize[0] as Uint8Array;
    const full = bySize[bySize.length - 1] as Uint8Array;
    const cut = full.slice(0, 10);
    const stopAt = full.length - 1 - cut.length;
    const tail = new Uint8Array(Math.max(1, stopAt - good.length + 1));
    const pad = concat([good, tail]);
    expect(stopAt).toBeGreaterThanOrEqual(good.length);
    pad[stopAt] = 0x16;
    const events = feed(concat([cut, pad, frames[2] as Uint8Array]), seededRandom(3), 17);
    expect(kindsOf(events)).toEqual(['bad-crc']);
    expect(longsOf(events)).toEqual([hex(good), hex(frames[2] as Uint8Array)]);
  });

  it('reports disagreeing length bytes and resynchronises one byte later', () => {
    const events = createMbusFramer().push(concat([Uint8Array.of(0x68, 0x10, 0x11, 0x68), frames[2] as Uint8Array]));
    expect(kindsOf(events)).toEqual(['bad-length']);
    expect(framesOf(events)).toHaveLength(1);
  });

  it('reports a long frame whose stop byte is missing', () => {
    const bad = Uint8Array.from(frames[3] as Uint8Array);
    bad[bad.length - 1] = 0x00;
    const events = createMbusFramer().push(concat([bad, frames[4] as Uint8Array]));
    expect(kindsOf(events)[0]).toBe('bad-format');
    expect(longsOf(events)).toEqual([hex(frames[4] as Uint8Array)]);
  });

  it('rejects a short frame with a bad checksum', () => {
    expect(kindsOf(createMbusFramer().push(Uint8Array.of(0x10, 0x40, 0x01, 0x42, 0x16)))).toEqual(['bad-crc']);
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const framer = createMbusFramer();
    const f = frames[5] as Uint8Array;
    expect(framer.push(f.slice(0, 10))).toEqual([]);
    expect(framer.pendingBytes).toBe(10);
    expect(framesOf(framer.push(f.slice(10)))).toHaveLength(1);
    expect(framer.pendingBytes).toBe(0);
  });

  it('reports a frame cut off by the end of the input as truncated on flush, and is empty after', () => {
    const framer = createMbusFramer();
    const f = frames[5] as Uint8Array;
    framer.push(f.slice(0, 30));
    const events = framer.flush();
    expect(kindsOf(events)).toEqual(['truncated']);
    expect(events[0]?.ok === false && events[0].bytes).toEqual(f.slice(0, 30));
    expect(framer.pendingBytes).toBe(0);
    expect(longsOf(framer.push(f))).toEqual([hex(f)]);
  });

  it('on flush, still finds a complete frame inside a cut one', () => {
    const framer = createMbusFramer();
    const bySize = [...frames].sort((a, b) => a.length - b.length);
    const cut = (bySize[bySize.length - 1] as Uint8Array).slice(0, 8);
    const good = bySize[0] as Uint8Array;
    expect(cut.length + good.length).toBeLessThan((bySize[bySize.length - 1] as Uint8Array).length);
    expect(framer.push(concat([cut, good]))).toEqual([]);
    const events = framer.flush();
    expect(kindsOf(events)).toEqual(['truncated']);
    expect(longsOf(events)).toEqual([hex(good)]);
  });

  it.each([11, 12, 13])('gives every good frame exactly once, in order, among cut, bit-flipped and garbage copies (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const { stream: hostile, goods } = hostileFrameStream(frames, random, 400);
    for (const max of [1, 9, 256, hostile.length]) {
      const framer = createMbusFramer();
      let most = 0;
      const events: MbusFramerEvent[] = [];
      for (const c of randomChunks(hostile, random, max)) {
        events.push(...framer.push(c));
        most = Math.max(most, framer.pendingBytes);
      }
      events.push(...framer.flush());
      expect(longsOf(events)).toEqual(goods.map(hex));
      expect(most).toBeLessThanOrEqual(MBUS_MAX_FRAME);
    }
  });
});
