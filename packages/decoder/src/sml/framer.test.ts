import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '../common';
import { encodeSmlFile, encodeSmlMessage, smlw } from './encode';
import { SmlFileFramer } from './framer';
import { crc16X25, type FramerEvent } from '../common';
import { randomChunks, seededRandom } from '../common/testing';
import { hostileFrameStream } from '../mbus/testing';

const FIXTURES = join(__dirname, '../../fixtures/sml');
const fixture = (name: string): Uint8Array => hexToBytes(readFileSync(join(FIXTURES, name), 'utf8')) ?? new Uint8Array(0);
const EMH = fixture('smartmeter-obis-emh-ehz.hex');
const cat = (...parts: (Uint8Array | readonly number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

/** A file whose payload holds `1B1B1B1B` at a 4-byte boundary, so the writer doubles it. */
function escapedFile(): Uint8Array {
  // An octet string of eight 1B bytes always covers one aligned word; try lead-ins until the writer
  // has doubled it (a run of 12 or more 1B on the wire).
  for (let lead = 0; lead < 4; lead++) {
    const body = smlw.list(smlw.octets(new Array(lead).fill(0x41)), smlw.octets([0x1b, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b]));
    const file = encodeSmlFile([
      encodeSmlMessage({ transactionId: [1], tag: 0x0201, body: smlw.list(smlw.absent()) }),
      encodeSmlMessage({ transactionId: [2], tag: 0x0500, body }),
    ]);
    if (countRuns(file) >= 12) return file;
  }
  throw new Error('no alignment produced an escape');
}

function countRuns(b: Uint8Array): number {
  let best = 0;
  let run = 0;
  for (const x of b) {
    run = x === 0x1b ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** What a framer said, in stream order: `file` for a frame, the error kind otherwise. */
const kinds = (events: readonly FramerEvent<Uint8Array>[]): string[] => events.map((e) => (e.ok ? 'file' : e.error.kind));
const framesOf = (events: readonly FramerEvent<Uint8Array>[]): Uint8Array[] => events.flatMap((e) => (e.ok ? [e.frame] : []));
/** Each event as [kind, length of its frame or of the bytes given up on]. */
const sizes = (events: readonly FramerEvent<Uint8Array>[]): [string, number | undefined][] =>
  events.map((e) => (e.ok ? ['file', e.frame.length] : [e.error.kind, e.bytes?.length]));

describe('SmlFileFramer', () => {
  it('finds one file pushed whole, as a copy', () => {
    const f = new SmlFileFramer();
    const input = EMH.slice();
    const events = f.push(input);
    expect(kinds(events)).toEqual(['file']);
    expect(framesOf(events)).toEqual([EMH]);
    expect(framesOf(events)[0]?.buffer).not.toBe(input.buffer);
    expect(input).toEqual(EMH); // the caller's buffer is untouched
    expect(f.discardedBytes).toBe(0);
    expect(f.pendingBytes).toBe(0);
  });

  it('finds the file pushed byte by byte', () => {
    const f = new SmlFileFramer();
    const events = Array.from(EMH).flatMap((b) => f.push(Uint8Array.of(b)));
    expect(kinds(events)).toEqual(['file']);
    expect(framesOf(events)).toEqual([EMH]);
  });

  it('drops garbage before, between and after files, including partial start sequences', () => {
    const garbage1 = [0x00, 0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x55];
    const garbage2 = [0x1b, 0x1b, 0x1b, 0x01, 0xff];
    const f = new SmlFileFramer();
    const events = f.push(cat(garbage1, EMH, garbage2, EMH, [0x1b, 0x1b]));
    expect(kinds(events)).toEqual(['file', 'file']);
    expect(framesOf(events)).toEqual([EMH, EMH]);
    // The trailing 1B 1B may still start a file: kept, not yet discarded.
    expect(f.discardedBytes).toBe(garbage1.length + garbage2.length);
    expect(f.pendingBytes).toBe(2);
    expect(f.flush()).toEqual([]);
    expect(f.discardedBytes).toBe(garbage1.length + garbage2.length + 2);
    expect(f.pendingBytes).toBe(0);
  });

  it('reports a file cut off by a new start as truncated and keeps the new one', () => {
    const f = new SmlFileFramer();
    const events = f.push(cat(EMH.subarray(0, 150), EMH));
    expect(sizes(events)).toEqual([
      ['truncated', 150],
      ['file', EMH.length],
    ]);
    expect(framesOf(events)).toEqual([EMH]);
    expect(f.discardedBytes).toBe(0);
  });

  it('resynchronises on a start sequence at an unaligned offset', () => {
    const f = new SmlFileFramer();
    const events = f.push(cat(EMH.subarray(0, 151), EMH));
    expect(sizes(events)).toEqual([
      ['truncated', 151],
      ['file', EMH.length],
    ]);
    expect(framesOf(events)).toEqual([EMH]);
  });

  it('does not end a file at an escaped 1B1B1B1B in the payload', () => {
    const file = escapedFile();
    const f = new SmlFileFramer();
    expect(kinds(f.push(file))).toEqual(['file']);
    const g = new SmlFileFramer();
    const events = Array.from(file).flatMap((b) => g.push(Uint8Array.of(b)));
    expect(kinds(events)).toEqual(['file']);
    expect(framesOf(events)).toEqual([file]);
  });

  it('gives up on an unknown escape and finds the next file', () => {
    const bad = cat(EMH.subarray(0, 16), [0x1b, 0x1b, 0x1b, 0x1b, 0x02, 0x02, 0x02, 0x02], EMH.subarray(16, 40));
    const f = new SmlFileFramer();
    const events = f.push(cat(bad, EMH));
    // The rejected candidate runs through the bad escape; the rest of it is garbage.
    expect(sizes(events)).toEqual([
      ['bad-format', 24],
      ['file', EMH.length],
    ]);
    expect(framesOf(events)).toEqual([EMH]);
    expect(f.discardedBytes).toBe(bad.length - 24);
  });

  it('ends a file at an unaligned end sequence so the next file is not swallowed', () => {
    const shifted = cat(EMH.subarray(0, 100), [0x42], EMH.subarray(100));
    const f = new SmlFileFramer();
    const events = f.push(cat(shifted, EMH));
    expect(kinds(events)).toEqual(['file', 'file']);
    expect(framesOf(events)).toEqual([shifted, EMH]);
  });

  it('drops a file that grows past maxFileBytes', () => {
    const f = new SmlFileFramer({ maxFileBytes: 64 });
    const long = cat(EMH.subarray(0, 8), new Array(200).fill(0x11));
    // The candidate stops at the limit; its bytes travel in the error, the rest (but a possible
    // partial start sequence) is garbage.
    expect(sizes(f.push(long))).toEqual([['too-long', 64]]);
    expect(f.discardedBytes).toBe(208 - 64 - 7);
    expect(f.pendingBytes).toBe(7);
    const big = new SmlFileFramer({ maxFileBytes: 1024 });
    const events = big.push(cat(long, EMH));
    expect(sizes(events)).toEqual([
      ['truncated', 208],
      ['file', EMH.length],
    ]);
    expect(framesOf(events)).toEqual([EMH]);
  });

  it('reports a file still open at the end of the stream', () => {
    const f = new SmlFileFramer();
    expect(f.push(EMH.subarray(0, 200))).toEqual([]);
    expect(f.pendingBytes).toBe(200);
    expect(sizes(f.flush())).toEqual([['truncated', 200]]);
    expect(f.pendingBytes).toBe(0);
    expect(f.discardedBytes).toBe(0);
  });

  it('waits for the CRC bytes after the end sequence', () => {
    const f = new SmlFileFramer();
    expect(f.push(EMH.subarray(0, EMH.length - 1))).toEqual([]);
    expect(framesOf(f.push(EMH.subarray(EMH.length - 1)))).toEqual([EMH]);
  });
});

const DNT = fixture('smartmeter-obis-ttyUSB0-2-dump.hex');
const ISKRA = fixture('sml-openems-iskra.hex');
const GOOD = [EMH, ISKRA, ...framesOf(new SmlFileFramer().push(DNT)).map((f) => f.slice()), escapedFile()];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const crcOk = (f: Uint8Array): boolean => crc16X25(f, 0, f.length - 2) === ((f[f.length - 2] as number) | ((f[f.length - 1] as number) << 8));
const goodFilesOf = (events: readonly FramerEvent<Uint8Array>[]): string[] => events.flatMap((e) => (e.ok && crcOk(e.frame) ? [hex(e.frame)] : []));

describe('SmlFileFramer (common framer contract)', () => {
  it('has five good files to play with, each passing its X.25 CRC', () => {
    expect(GOOD).toHaveLength(5);
    expect(GOOD.every(crcOk)).toBe(true);
  });

  it('finds a file whose start sequence hides behind a cut file ending in an aligned escape', () => {
    // The cut ends on a 4-byte boundary with 1B1B1B1B: on the wire that reads as an escaped pair.
    const cut = cat(EMH.subarray(0, 16), [0x1b, 0x1b, 0x1b, 0x1b]);
    for (const extra of [[], [0x1b], [0x1b, 0x1b], [0x1b, 0x1b, 0x1b]]) {
      const f = new SmlFileFramer();
      const events = [...f.push(cat(cut, extra, ISKRA, EMH)), ...f.flush()];
      expect(events.map((e) => (e.ok ? 'file' : e.error.kind))).toEqual(['truncated', 'file', 'file']);
      expect(goodFilesOf(events)).toEqual([hex(ISKRA), hex(EMH)]);
    }
  });

  it('keeps a file whose escaped payload word is followed by 01010101 when its CRC holds', () => {
    const body = smlw.list(smlw.octets([0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01, 0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01]));
    const files = [0, 1, 2, 3].map((lead) =>
      encodeSmlFile([encodeSmlMessage({ transactionId: [lead + 1], tag: 0x0500, body: smlw.list(smlw.octets(new Array(lead).fill(0x41)), body) })]),
    );
    // Only where the words fall on a 4-byte boundary does the writer double them (unaligned, the
    // sequence is a start sequence on the wire, and the framer restarts there as before).
    const escaped = files.filter((file) => countRuns(file) >= 8);
    expect(escaped.length).toBeGreaterThan(0);
    for (const file of escaped) {
      const f = new SmlFileFramer();
      expect(goodFilesOf([...f.push(cat(file, EMH)), ...f.flush()])).toEqual([hex(file), hex(EMH)]);
    }
  });

  it('resumes after a too-long candidate at its start, finding a file hidden inside it', () => {
    const f = new SmlFileFramer({ maxFileBytes: 500 });
    const cut = cat(EMH.subarray(0, 16), [0x1b, 0x1b, 0x1b, 0x1b]);
    expect(EMH.length).toBeLessThan(500);
    const events = [...f.push(cat(cut, ISKRA.subarray(0, 290), new Array(600).fill(0x22), EMH)), ...f.flush()];
    expect(events.map((e) => (e.ok ? 'file' : e.error.kind))).toEqual(['too-long', 'too-long', 'file']);
    expect(goodFilesOf(events)).toEqual([hex(EMH)]);
  });

  it.each([21, 22, 23])('gives every good file exactly once, in order, among cut, bit-flipped and garbage copies (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const { stream, goods } = hostileFrameStream(GOOD, random, 300);
    for (const max of [1, 37, 4096, stream.length]) {
      const f = new SmlFileFramer({ maxFileBytes: 4096 });
      const events: FramerEvent<Uint8Array>[] = [];
      let most = 0;
      for (const c of randomChunks(stream, random, max)) {
        events.push(...f.push(c));
        most = Math.max(most, f.pendingBytes - c.length);
      }
      events.push(...f.flush());
      expect(goodFilesOf(events)).toEqual(goods.map(hex));
      expect(most).toBeLessThanOrEqual(4096);
      expect(f.pendingBytes).toBe(0);
    }
  });
});
