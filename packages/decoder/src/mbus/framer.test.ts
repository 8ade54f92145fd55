import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes as concat } from '../common';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { createMbusFramer, type MbusFramerEvent } from './framer';

const DIR = join(__dirname, '../../fixtures/mbus');
const frames = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort()
  .map((f) => hexBytes(readFileSync(join(DIR, f), 'utf8')));

function feed(stream: Uint8Array, random: () => number, maxChunk: number): readonly MbusFramerEvent[] {
  const framer = createMbusFramer();
  return randomChunks(stream, random, maxChunk).flatMap((c) => framer.push(c).events);
}

const ack = Uint8Array.of(0xe5);
const reqUd2 = Uint8Array.of(0x10, 0x7b, 0x01, 0x7c, 0x16);

describe('incremental M-Bus framer', () => {
  const stream = concat(frames.flatMap((f) => [reqUd2, f, ack]));

  it('finds all 76 fixture frames plus requests and ACKs in one push', () => {
    const r = createMbusFramer().push(stream);
    expect(r.errors).toEqual([]);
    expect(r.discarded).toBe(0);
    expect(r.frames.filter((f) => f.type === 'long')).toHaveLength(76);
    expect(r.frames.filter((f) => f.type === 'ack')).toHaveLength(76);
    expect(r.frames.filter((f) => f.type === 'short')).toHaveLength(76);
  });

  it.each([1, 2, 7, 64, 300])('gives the same frames for random chunks of at most %i bytes', (max) => {
    const events = feed(stream, seededRandom(max * 7919), max);
    const longs = events.flatMap((e) => (e.ok && e.frame.type === 'long' ? [Buffer.from(e.frame.bytes).toString('hex')] : []));
    expect(longs).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
    expect(events.every((e) => e.ok)).toBe(true);
  });

  it('never mutates the chunks it is given', () => {
    const chunk = Uint8Array.from(frames[0] as Uint8Array);
    const copy = Uint8Array.from(chunk);
    createMbusFramer().push(chunk);
    expect(chunk).toEqual(copy);
  });

  it('drops leading garbage byte by byte and resynchronises', () => {
    const framer = createMbusFramer();
    const r = framer.push(concat([Uint8Array.of(0x00, 0x42, 0x68, 0x99), frames[0] as Uint8Array]));
    expect(r.frames).toHaveLength(1);
    expect(r.discarded).toBe(4);
    expect(framer.discardedBytes).toBe(4);
  });

  it('reports a bad checksum, drops that frame whole, and finds the next frame', () => {
    const bad = Uint8Array.from(frames[0] as Uint8Array);
    bad[bad.length - 2] = ((bad[bad.length - 2] as number) + 1) & 0xff;
    const r = createMbusFramer().push(concat([bad, ack, frames[1] as Uint8Array]));
    expect(r.errors.map((e) => e.error.kind)).toEqual(['bad-crc']);
    expect(r.errors[0]?.frame?.length).toBe(bad.length);
    expect(r.frames.map((f) => f.type)).toEqual(['ack', 'long']);
    expect(r.discarded).toBe(bad.length);
  });

  it('reports disagreeing length bytes and resynchronises one byte later', () => {
    const r = createMbusFramer().push(concat([Uint8Array.of(0x68, 0x10, 0x11, 0x68), frames[2] as Uint8Array]));
    expect(r.errors.map((e) => e.error.kind)).toEqual(['bad-length']);
    expect(r.frames).toHaveLength(1);
  });

  it('reports a long frame whose stop byte is missing', () => {
    const bad = Uint8Array.from(frames[3] as Uint8Array);
    bad[bad.length - 1] = 0x00;
    const r = createMbusFramer().push(concat([bad, frames[4] as Uint8Array]));
    expect(r.errors[0]?.error.kind).toBe('bad-format');
    expect(r.frames.filter((f) => f.type === 'long')).toHaveLength(1);
  });

  it('rejects a short frame with a bad checksum', () => {
    const r = createMbusFramer().push(Uint8Array.of(0x10, 0x40, 0x01, 0x42, 0x16));
    expect(r.errors.map((e) => e.error.kind)).toEqual(['bad-crc']);
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const framer = createMbusFramer();
    const f = frames[5] as Uint8Array;
    expect(framer.push(f.slice(0, 10)).frames).toHaveLength(0);
    expect(framer.pendingBytes).toBe(10);
    expect(framer.push(f.slice(10)).frames).toHaveLength(1);
    expect(framer.pendingBytes).toBe(0);
  });
});
