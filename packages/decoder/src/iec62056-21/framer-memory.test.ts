import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex } from '../common';
import { randomChunks, seededRandom } from '../common/testing';
import { D0Framer, type D0FramerEvent, type D0FramerOptions } from './framer';
import { createD0Decoder } from './stream-decoder';

/**
 * Issue 12 (gateway memory at 1,000 meters): the D0 framer's window (framer-window.ts) holds no
 * storage of its own while nothing is pending. Real readouts from fixtures/d0.
 */
const DIR = join(__dirname, '../../fixtures/d0');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();
const READOUTS = NAMES.map((n) => new Uint8Array(readFileSync(join(DIR, n))));
const EMH = READOUTS[NAMES.indexOf('smartmeter-obis-emh-ehz-d0.txt')] as Uint8Array;

/** Each event as `type@offset:<hex>`, copied at once. */
const hex = (events: readonly D0FramerEvent[]): string[] =>
  events.map((e) => `${e.type === 'error' ? `error:${e.error.kind}` : e.type}@${e.offset}:${bytesToHex(e.bytes)}`);

/** Events of a framer fed `chunks`, flush included; `seen` gets [pending, retained] after each push. */
function run(chunks: readonly Uint8Array[], options: D0FramerOptions = {}, seen: [number, number][] = []): string[] {
  const f = new D0Framer(options);
  const events: D0FramerEvent[] = [];
  for (const c of chunks) {
    events.push(...f.pushEvents(c));
    seen.push([f.pendingBytes, f.retainedBytes]);
  }
  events.push(...f.flushEvents());
  seen.push([f.pendingBytes, f.retainedBytes]);
  return hex(events);
}

describe('D0 framer window memory between frames', () => {
  it('holds no own storage before and after a whole readout (was 4 KiB allocated up front)', () => {
    const f = new D0Framer();
    expect(f.retainedBytes).toBe(0);
    const types = f.pushEvents(EMH).map((e) => e.type);
    expect(types).toEqual(['identification', 'data', 'identification', 'data']);
    expect([f.pendingBytes, f.retainedBytes, f.discardedBytes]).toEqual([0, 0, 0]);
  });

  it('holds the pending part of a cut readout in storage of about its size, then nothing', () => {
    const f = new D0Framer();
    const cut = 100;
    expect(f.pushEvents(EMH.subarray(0, cut)).map((e) => e.type)).toEqual(['identification']);
    const pending = f.pendingBytes;
    expect(pending).toBeGreaterThan(50);
    expect(f.retainedBytes).toBe(256);
    expect(f.pushEvents(EMH.subarray(cut)).map((e) => e.type)).toEqual(['data', 'identification', 'data']);
    expect([f.pendingBytes, f.retainedBytes]).toEqual([0, 0]);
  });

  it('with parity masking (every byte copied) the storage also goes once the readout is done', () => {
    const f = new D0Framer({ maskParity: true });
    const withParity = EMH.map((b) => b | 0x80);
    expect(hex(f.pushEvents(withParity))).toEqual(hex(new D0Framer().pushEvents(EMH)));
    expect([f.pendingBytes, f.retainedBytes]).toEqual([0, 0]);
    expect(withParity[0]).toBe(0xaf); // the caller's chunk is not masked in place
  });

  it('1,000 meters that each got one whole readout hold no framer storage at all', () => {
    const framers = Array.from({ length: 1000 }, () => new D0Framer());
    const data = framers.map((f) => f.pushEvents(EMH).filter((e) => e.type === 'data').length);
    expect(data.every((n) => n === 2)).toBe(true);
    expect(framers.reduce((n, f) => n + f.retainedBytes, 0)).toBe(0);
  });

  it('frames handed out keep their bytes after many more pushes, also when the caller reuses its chunk', () => {
    const f = new D0Framer();
    const kept: { bytes: Uint8Array; copy: string }[] = [];
    const random = seededRandom(12);
    for (let round = 0; round < 40; round++) {
      const chunk = Uint8Array.from(EMH);
      const cut = round % 2 === 0 ? chunk.length : 1 + Math.floor(random() * (chunk.length - 1));
      for (const part of [chunk.subarray(0, cut), chunk.subarray(cut)]) {
        for (const e of f.pushEvents(part)) kept.push({ bytes: e.bytes, copy: bytesToHex(e.bytes) });
        part.fill(0x2f);
      }
    }
    expect(kept).toHaveLength(40 * 4);
    expect(kept.filter((k) => bytesToHex(k.bytes) !== k.copy)).toEqual([]);
    expect(kept.slice(0, 4).map((k) => k.copy)).toEqual(new D0Framer().pushEvents(EMH).map((e) => bytesToHex(e.bytes)));
  });

  it('every fixture in 1–7 byte chunks gives the same events as whole, holding storage only while bytes are pending', () => {
    const seen: [number, number][] = [];
    for (const [i, r] of READOUTS.entries()) {
      const whole = run([r]);
      expect(whole.length).toBeGreaterThan(0);
      for (let seed = 1; seed <= 3; seed++) expect([NAMES[i], run(randomChunks(r, seededRandom(seed + 10 * i), 7), {}, seen)]).toEqual([NAMES[i], whole]);
    }
    const idle = seen.filter(([p]) => p === 0);
    expect(idle.length).toBeGreaterThan(READOUTS.length * 3);
    expect(idle.filter(([, r]) => r !== 0)).toEqual([]);
    // own storage grows by doubling from 256 bytes: never more than twice what is pending
    expect(seen.filter(([p, r]) => r > Math.max(256, 2 * p))).toEqual([]);
  });

  it('framers of different meters, fed chunk by chunk in turn, each find exactly their own frames', () => {
    // their storage comes from one shared arena: none may write into another's
    const framers = READOUTS.map(() => new D0Framer());
    const queues = READOUTS.map((r, m) => randomChunks(r, seededRandom(m + 50), 7));
    const found: D0FramerEvent[][] = READOUTS.map(() => []);
    for (let i = 0; queues.some((q) => i < q.length); i++) {
      for (const [m, q] of queues.entries()) if (i < q.length) (found[m] as D0FramerEvent[]).push(...(framers[m] as D0Framer).pushEvents(q[i] as Uint8Array));
    }
    const mine = found.map((events, m) => hex([...events, ...(framers[m] as D0Framer).flushEvents()]));
    expect(mine).toEqual(READOUTS.map((r) => run([r])));
  });

  it('the stream decoder decodes every fixture alike whole and in 1–7 byte chunks', () => {
    const summary = (chunks: readonly Uint8Array[]): unknown[] => {
      const d = createD0Decoder();
      return [...chunks.flatMap((c) => d.push(c)), ...d.flush()].map((e) => (e.ok ? e.snapshot : e.error.kind));
    };
    const whole = READOUTS.map((r) => summary([r]));
    expect(whole.map((s) => s.map((e) => (typeof e === 'string' ? e : 'snapshot')))).toEqual(
      // sorted file names; the two bad-crc ones as fixtures.test.ts expects them (published BCCs)
      [['snapshot'], ['snapshot'], ['snapshot', 'snapshot'], ['snapshot'], ['snapshot'], ['snapshot'], ['bad-crc'], ['snapshot'], ['bad-crc']],
    );
    expect(READOUTS.map((r, i) => summary(randomChunks(r, seededRandom(i + 100), 7)))).toEqual(whole);
  });
});
