import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FramerEvent } from '../common/framer';
import type { FrameEvent } from '../common/stream';
import { createDsmrDecoder, decodeDsmrTelegram, DsmrFramer, type DsmrOptions } from './index';
import { concatBytes } from '../common/bytes';
import { latin1Bytes, latin1Text, randomChunks, seededRandom } from '../common/testing';
import { countGarbage, fixtureOptions, signTelegram } from './testing';

const DIR = join(__dirname, '../../fixtures/dsmr');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4))
  .sort();

function bytesOf(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DIR, `${name}.txt`)));
}

/** Where the telegram is in a fixture file: `/` to the last CRC digit. */
function telegramSpan(bytes: Uint8Array): [number, number] {
  const start = bytes.indexOf(0x2f);
  const bang = bytes.indexOf(0x21, start);
  let end = bang + 1;
  while (end - bang <= 4 && end < bytes.length && /[0-9A-Fa-f]/.test(String.fromCharCode(bytes[end] as number))) end++;
  return [start, end];
}

function feed(chunks: readonly Uint8Array[], options: DsmrOptions = {}): { events: FrameEvent[]; discarded: number } {
  const decoder = createDsmrDecoder(options);
  const events = chunks.flatMap((c) => decoder.push(c));
  events.push(...decoder.flush());
  return { events, discarded: decoder.discardedBytes };
}

function snapshotOf(bytes: Uint8Array, options: DsmrOptions = {}): unknown {
  const r = decodeDsmrTelegram(bytes, options);
  if (!r.ok) throw new Error(r.error.kind);
  return r.value;
}

/** Garbage between telegrams: random bytes without `/` (which would start a telegram). */
function garbage(random: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => {
    const b = Math.floor(random() * 256);
    return b === 0x2f ? 0x20 : b;
  });
}

/** The telegram with LF line ends (CRC recomputed when it has one). */
function withLf(bytes: Uint8Array): Uint8Array {
  const [start, end] = telegramSpan(bytes);
  const text = latin1Text(bytes.subarray(start, end)).replace(/\r\n/g, '\n');
  return text.endsWith('!') ? latin1Bytes(`${text}\n`) : signTelegram(text, '\n');
}

describe.each(NAMES)('%s as a stream', (name) => {
  const bytes = bytesOf(name);
  const options = fixtureOptions(name);
  const expected = snapshotOf(bytes, options);

  it('decodes the same split at 40 random sets of boundaries', () => {
    const random = seededRandom(name.length * 7919);
    for (let round = 0; round < 40; round++) {
      const { events } = feed(randomChunks(bytes, random, round < 10 ? 3 : 97), options);
      expect(events).toHaveLength(1);
      const event = events[0] as FrameEvent;
      if (!event.ok) throw new Error(`${event.error.kind} at round ${round}`);
      expect(event.snapshot).toEqual(expected);
    }
  });

  it('decodes one byte at a time', () => {
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    const { events } = feed(chunks, options);
    expect(events.map((e) => e.ok)).toEqual([true]);
  });

  it('decodes with LF line ends', () => {
    const lf = withLf(bytes);
    const { events } = feed(randomChunks(lf, seededRandom(3), 50), options);
    expect(events).toHaveLength(1);
    const event = events[0] as FrameEvent;
    if (!event.ok) throw new Error(event.error.kind);
    expect(event.snapshot).toEqual(expected);
  });
});

describe('telegrams back to back', () => {
  const telegrams = NAMES.map(bytesOf);

  it('decodes all fixtures in order with garbage between, counting the garbage', () => {
    const random = seededRandom(42);
    const parts: Uint8Array[] = [];
    const spans: [number, number][] = [];
    let at = 0;
    for (const t of telegrams) {
      const g = garbage(random, Math.floor(random() * 40));
      parts.push(g, t);
      const [s, e] = telegramSpan(t);
      spans.push([at + g.length + s, at + g.length + e]);
      at += g.length + t.length;
    }
    const stream = concatBytes(parts);
    for (let round = 0; round < 10; round++) {
      // `optional`: the L+G E350 sample has no CRC; every other fixture's CRC is still checked.
      const { events, discarded } = feed(randomChunks(stream, random, 300), { crc: 'optional' });
      expect(events.map((e) => e.ok)).toEqual(telegrams.map(() => true));
      expect(events.map((e) => (e.ok ? e.snapshot : e.error))).toEqual(telegrams.map((t) => snapshotOf(t, { crc: 'optional' })));
      expect(discarded).toBe(countGarbage(stream, spans));
    }
  });

  it('splits telegrams with nothing between them (no CR LF after the CRC)', () => {
    const a = bytesOf('v5-iskra-mt382');
    const b = bytesOf('fluvius-v171');
    const [as, ae] = telegramSpan(a);
    const stream = concatBytes([a.subarray(as, ae), b, a.subarray(as, ae), Uint8Array.of(0x0d, 0x0a)]);
    const { events, discarded } = feed(randomChunks(stream, seededRandom(9), 20));
    expect(events.map((e) => e.ok && e.snapshot.meter.manufacturerId)).toEqual(['ISk', 'FLU', 'ISk']);
    expect(discarded).toBe(0);
  });

  it('reports a telegram cut by the next one as truncated and decodes the next', () => {
    const a = bytesOf('v4_2-kaifa');
    const b = bytesOf('v5-iskra-mt382');
    const stream = concatBytes([a.subarray(0, 400), b]);
    const { events } = feed(randomChunks(stream, seededRandom(5), 64));
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['truncated', 'ok']);
    const first = events[0] as FrameEvent;
    expect(first.frame).toEqual(a.subarray(0, 400));
  });

  it('reports a corrupted telegram as bad-crc with its frame and no snapshot, then goes on', () => {
    const good = bytesOf('v5-iskra-mt382');
    const bad = good.slice();
    bad[200] = 0x39; // a digit changed
    const { events } = feed([concatBytes([good, bad, good])]);
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['ok', 'bad-crc', 'ok']);
    const failed = events[1] as FrameEvent;
    expect('snapshot' in failed).toBe(false);
    expect(failed.frame?.length).toBe(telegramSpan(bad)[1] - telegramSpan(bad)[0]);
  });

  it('reports too-long when no "!" comes within maxLength, then finds the next telegram', () => {
    const noEnd = latin1Bytes(`/ISk5\\2MT382-1000\r\n\r\n${'1-0:1.8.1(000004.426*kWh)\r\n'.repeat(20)}`);
    const next = bytesOf('v5-warmtelink-unpadded-crc'); // 212 bytes
    const { events } = feed(randomChunks(concatBytes([noEnd, next]), seededRandom(11), 33), { maxLength: 300 });
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['too-long', 'ok']);
  });

  it('does not depend on where chunks split around the length limit', () => {
    const telegram = bytesOf('v5-iskra-mt382');
    const length = telegramSpan(telegram)[1] - 4; // `/` to `!` inclusive
    for (const maxLength of [length - 1, length]) {
      const kinds = new Set<string>();
      for (let seed = 0; seed < 20; seed++) {
        const { events } = feed(randomChunks(telegram, seededRandom(seed), 40), { maxLength });
        kinds.add(events.map((e) => (e.ok ? 'ok' : e.error.kind)).join());
      }
      expect([...kinds]).toEqual([maxLength < length ? 'too-long' : 'ok']);
    }
  });

  it('completes a telegram whose CRC is still open when the stream ends, or reports it truncated', () => {
    const decoder = createDsmrDecoder();
    const noCrc = bytesOf('v2_2-iskra-mt382');
    const [s] = telegramSpan(noCrc);
    const bang = noCrc.indexOf(0x21);
    expect(decoder.push(noCrc.subarray(s, bang + 1))).toEqual([]); // a CRC may follow
    expect(decoder.flush().map((e) => e.ok)).toEqual([true]);
    expect(decoder.push(noCrc.subarray(0, 100))).toEqual([]);
    expect(decoder.flush().map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['truncated']);
  });
});

describe('DsmrFramer', () => {
  it('returns frame events in stream order and counts dropped bytes (framer contract)', () => {
    const framer = new DsmrFramer();
    const telegram = bytesOf('v5-iskra-mt382');
    const out = framer.push(concatBytes([latin1Bytes('xy\r\nz'), telegram, latin1Bytes('/cut')]));
    expect(out).toHaveLength(1);
    const first = out[0] as FramerEvent<Uint8Array>;
    if (!first.ok) throw new Error(first.error.kind);
    expect(latin1Text(first.frame).endsWith('!6EEE')).toBe(true);
    expect(framer.discardedBytes).toBe(3); // x, y, z; CR LF not counted
    expect(framer.pendingBytes).toBe(4); // `/cut`
    const next = framer.push(telegram);
    expect(next.map((e) => (e.ok ? 'frame' : e.error.kind))).toEqual(['truncated', 'frame']);
    expect(next[0]?.ok === false && next[0].bytes !== undefined ? latin1Text(next[0].bytes) : '').toBe('/cut');
    expect(framer.pendingBytes).toBe(0);
    expect(framer.discardedBytes).toBe(3);
    expect(framer.push(telegram.subarray(0, 100))).toEqual([]);
    expect(framer.pendingBytes).toBe(100 - telegram.indexOf(0x2f));
    expect(framer.flush().map((e) => (e.ok ? 'frame' : e.error.kind))).toEqual(['truncated']);
    expect(framer.pendingBytes).toBe(0);
  });

  it('never rewrites a frame it has handed out, and never touches the caller’s chunks', () => {
    const framer = new DsmrFramer();
    const telegram = bytesOf('v4_2-kaifa');
    const copy = telegram.slice();
    const event = framer.push(telegram)[0];
    if (event?.ok !== true) throw new Error('no frame');
    const first = event.frame;
    const snapshot = first.slice();
    for (let i = 0; i < 200; i++) framer.push(bytesOf(i % 2 === 0 ? 'fluvius-v171' : 'v5-iskra-mt382'));
    expect(first).toEqual(snapshot);
    expect(telegram).toEqual(copy);
  });
});
