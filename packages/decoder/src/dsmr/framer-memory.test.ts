import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes } from '../common/bytes';
import type { FramerEvent } from '../common/framer';
import { latin1Bytes, latin1Text, randomChunks, seededRandom } from '../common/testing';
import { DsmrFramer } from './framer';
import { createDsmrDecoder } from './stream-decoder';
import { fixtureOptions } from './testing';

/**
 * Issue 12 (gateway memory at 1,000 meters): the DSMR framer holds no buffer while nothing is
 * pending, and frames handed out are never overwritten. Real telegrams from fixtures/dsmr.
 */
const DIR = join(__dirname, '../../fixtures/dsmr');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4))
  .sort();
const TELEGRAMS = NAMES.map((n) => new Uint8Array(readFileSync(join(DIR, `${n}.txt`))));

/** Each event as `frame:<latin1 bytes>` or `<kind>:<latin1 bytes>`, copied at once. */
const text = (events: readonly FramerEvent<Uint8Array>[]): string[] =>
  events.map((e) => (e.ok ? `frame:${latin1Text(e.frame)}` : `${e.error.kind}:${e.bytes === undefined ? '' : latin1Text(e.bytes)}`));

/** The frame a framer alone finds in one fixture (push + flush). */
function alone(telegram: Uint8Array): string[] {
  const f = new DsmrFramer();
  return text([...f.push(telegram), ...f.flush()]);
}

function discardedAlone(telegram: Uint8Array): number {
  const f = new DsmrFramer();
  f.push(telegram);
  f.flush();
  return f.discardedBytes;
}

describe('DsmrFramer memory between frames', () => {
  it('keeps no buffer after a whole telegram (was a 16 KiB buffer per meter)', () => {
    const telegram = TELEGRAMS[NAMES.indexOf('v5-iskra-mt382')] as Uint8Array;
    const f = new DsmrFramer();
    expect(f.retainedBytes).toBe(0);
    const events = text(f.push(telegram));
    const body = latin1Text(telegram);
    expect(events).toEqual([`frame:${body.slice(0, body.indexOf('!') + 5)}`]);
    expect(body.slice(body.indexOf('!'), body.indexOf('!') + 5)).toBe('!6EEE');
    expect([f.pendingBytes, f.retainedBytes, f.discardedBytes]).toEqual([0, 0, 0]);
  });

  it('holds only the pending part of a telegram cut in two, then nothing', () => {
    const telegram = TELEGRAMS[NAMES.indexOf('v5-iskra-mt382')] as Uint8Array;
    const cut = 300;
    const f = new DsmrFramer();
    expect(f.push(telegram.subarray(0, cut))).toEqual([]);
    expect(f.pendingBytes).toBe(cut);
    expect(f.retainedBytes).toBe(cut);
    expect(text(f.push(telegram.subarray(cut)))).toEqual(alone(telegram));
    expect([f.pendingBytes, f.retainedBytes]).toEqual([0, 0]);
  });

  it('1,000 meters that each got one whole telegram hold no framer buffer at all', () => {
    const framers = Array.from({ length: 1000 }, () => new DsmrFramer());
    const frames = framers.map((f, i) => f.push(TELEGRAMS[i % TELEGRAMS.length] as Uint8Array).length);
    expect(frames.every((n) => n === 1)).toBe(true);
    expect(framers.reduce((n, f) => n + f.retainedBytes, 0)).toBe(0);
  });

  it('frames handed out keep their bytes after many more pushes of other telegrams', () => {
    const f = new DsmrFramer();
    const kept: { view: Uint8Array; copy: string }[] = [];
    const random = seededRandom(12);
    for (let round = 0; round < 40; round++) {
      for (const t of TELEGRAMS) {
        const chunk = Uint8Array.from(t);
        // whole, or cut in two at a random place; the chunk is overwritten after the push
        const cut = round % 2 === 0 ? chunk.length : 1 + Math.floor(random() * (chunk.length - 1));
        for (const part of [chunk.subarray(0, cut), chunk.subarray(cut)]) {
          for (const e of f.push(part)) if (e.ok) kept.push({ view: e.frame, copy: latin1Text(e.frame) });
          part.fill(0x2f);
        }
      }
    }
    expect(kept).toHaveLength(40 * TELEGRAMS.length);
    expect(kept.filter((k) => latin1Text(k.view) !== k.copy)).toEqual([]);
    expect(kept.slice(0, TELEGRAMS.length).map((k) => `frame:${k.copy}`)).toEqual(TELEGRAMS.flatMap(alone));
  });

  it('a stream in 1–7 byte chunks gives the same frames as each telegram alone, holding nothing when idle', () => {
    const gap = latin1Bytes('\r\nnoise\r\n');
    const stream = concatBytes(TELEGRAMS.flatMap((t) => [t, gap]));
    for (let seed = 1; seed <= 5; seed++) {
      const f = new DsmrFramer();
      const events: FramerEvent<Uint8Array>[] = [];
      const idleRetained: number[] = [];
      let maxRetained = 0;
      for (const chunk of randomChunks(stream, seededRandom(seed), 7)) {
        events.push(...f.push(chunk));
        if (f.pendingBytes === 0) idleRetained.push(f.retainedBytes);
        maxRetained = Math.max(maxRetained, f.retainedBytes);
      }
      events.push(...f.flush());
      expect(text(events)).toEqual(TELEGRAMS.flatMap(alone));
      expect(f.discardedBytes).toBe(TELEGRAMS.reduce((n, t) => n + discardedAlone(t), 0) + 5 * TELEGRAMS.length);
      expect(idleRetained.length).toBeGreaterThan(TELEGRAMS.length);
      expect(idleRetained.filter((n) => n !== 0)).toEqual([]);
      // never more than twice the largest telegram (growth by doubling)
      expect(maxRetained).toBeLessThanOrEqual(2 * Math.max(...TELEGRAMS.map((t) => t.length)) + 16);
      expect([f.pendingBytes, f.retainedBytes]).toEqual([0, 0]);
    }
  });

  it('framers of different meters, fed chunk by chunk in turn, each find exactly their own telegrams', () => {
    // their regions come from one shared arena: none may write into another's
    const meters = [0, 1, 2, 3].map((m) => TELEGRAMS.filter((_, i) => i % 4 === m));
    const framers = meters.map(() => new DsmrFramer());
    const queues = meters.map((ts, m) => randomChunks(concatBytes(ts), seededRandom(m + 50), 7));
    const found: FramerEvent<Uint8Array>[][] = meters.map(() => []);
    for (let i = 0; queues.some((q) => i < q.length); i++) {
      for (const [m, q] of queues.entries())
        if (i < q.length) (found[m] as FramerEvent<Uint8Array>[]).push(...(framers[m] as DsmrFramer).push(q[i] as Uint8Array));
    }
    expect(found.map((events, m) => [...text(events), ...text((framers[m] as DsmrFramer).flush())])).toEqual(meters.map((ts) => ts.flatMap(alone)));
  });

  it('the stream decoder decodes every fixture alike whole, split and after other meters’ telegrams', () => {
    const summary = (t: Uint8Array, i: number, chunks: readonly Uint8Array[]): unknown[] => {
      const d = createDsmrDecoder(fixtureOptions(NAMES[i] as string));
      const events = [...chunks.flatMap((c) => d.push(c)), ...d.flush()];
      return events.map((e) => (e.ok ? e.snapshot : e.error.kind));
    };
    const whole = TELEGRAMS.map((t, i) => summary(t, i, [t]));
    expect(whole.every((s) => s.length === 1 && typeof s[0] === 'object')).toBe(true);
    const split = TELEGRAMS.map((t, i) => summary(t, i, randomChunks(t, seededRandom(i + 100), 7)));
    expect(split).toEqual(whole);
  });
});
