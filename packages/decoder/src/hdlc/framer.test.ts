import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FramerEvent } from '../common/framer';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { buildHostileStream, randomBytes } from '../test-support/hostile-stream';
import { buildHdlcFrame, type HdlcFrame } from './frame';
import { createHdlcFramer, HDLC_MAX_FRAME, HdlcFramer } from './framer';

const dir = join(__dirname, '../../fixtures/dlms-hdlc-cii');
const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
const load = (f: string): Uint8Array => hexBytes(readFileSync(join(dir, f), 'utf8'));
const lines = (f: string): Uint8Array[] =>
  readFileSync(join(dir, f), 'utf8')
    .trim()
    .split('\n')
    .map((l) => hexBytes(l));

interface Fed {
  frames: HdlcFrame[];
  errors: string[];
  discarded: number;
  peak: number;
}

function feed(bytes: Uint8Array, seed: number, maxChunk = 40): Fed {
  const framer = createHdlcFramer();
  const events: FramerEvent<HdlcFrame>[] = [];
  let peak = 0;
  for (const chunk of seed === 0 ? [bytes] : randomChunks(bytes, seededRandom(seed), maxChunk)) {
    events.push(...framer.push(chunk));
    peak = Math.max(peak, framer.pendingBytes);
  }
  events.push(...framer.flush());
  expect(framer.pendingBytes).toBe(0);
  return {
    frames: events.flatMap((e) => (e.ok ? [e.frame] : [])),
    errors: events.flatMap((e) => (e.ok ? [] : [e.error.kind])),
    discarded: framer.discardedBytes,
    peak,
  };
}
const infos = (frames: readonly HdlcFrame[]): string[] => frames.map((f) => Buffer.from(f.information).toString('hex'));

describe('HdlcFramer (framer contract)', () => {
  const expectedFrames: Record<string, number> = {
    'scs-iskra_am550-unencrypted-valid-data.hex': 5,
    'scs-iskra_am550-unencrypted-valid-data-cfg2026.hex': 3,
    'scs-lg_e360-unencrypted-valid-data-cfg2026.hex': 1,
    'scs-lg_e450-unencrypted-valid-data.hex': 6,
    'scs-lg_e570-encrypted-valid-data.hex': 5,
    'scs-lg_e450-unencrypted-invalid-data.hex': 5,
  };
  it.each(files)('finds every frame of %s, whole and at random chunk boundaries', (file) => {
    const bytes = load(file);
    const whole = feed(bytes, 0);
    expect(whole.errors).toEqual([]);
    expect(whole.discarded).toBe(0);
    expect(whole.frames.length).toBe(expectedFrames[file] ?? whole.frames.length);
    expect(whole.frames.length).toBeGreaterThan(0);
    for (let seed = 1; seed <= 20; seed++) {
      const split = feed(bytes, seed);
      expect(infos(split.frames)).toEqual(infos(whole.frames));
      expect(split.errors).toEqual([]);
    }
  });

  it('implements Framer<HdlcFrame>', () => {
    const f = new HdlcFramer();
    expect([f.pendingBytes, f.discardedBytes]).toEqual([0, 0]);
    const a = buildHdlcFrame(Uint8Array.from([1, 2, 3]));
    expect(f.push(a.subarray(0, 5))).toEqual([]);
    expect(f.pendingBytes).toBe(5);
    const [e] = f.push(a.subarray(5));
    expect(e?.ok && Array.from(e.frame.information)).toEqual([1, 2, 3]);
    expect(f.pendingBytes).toBe(1); // the closing flag may open the next frame
  });

  it('skips garbage between frames, counts it, and accepts a shared flag', () => {
    const a = buildHdlcFrame(Uint8Array.from([1, 2, 3]));
    const b = buildHdlcFrame(Uint8Array.from([4, 5, 6]));
    const stream = Uint8Array.from([0x00, 0x7e, 0xa9, 0x13, ...a, 0xff, 0xfe, ...b.subarray(0, b.length - 1), ...a]);
    const r = feed(stream, 7);
    expect(infos(r.frames)).toEqual(['010203', '040506', '010203']);
    expect(r.discarded).toBe(1 + 2 + 2); // 00, A9 13 (a false start after its flag), FF FE
  });

  it('reports a corrupted frame as bad-crc and resynchronises on the next one', () => {
    const bad = buildHdlcFrame(Uint8Array.from([9, 9, 9, 9]));
    bad[10] = (bad[10] as number) ^ 0xff;
    const good = buildHdlcFrame(Uint8Array.from([1]));
    const r = feed(Uint8Array.from([...bad, ...good]), 3);
    expect(r.errors).toEqual(['bad-crc']);
    expect(infos(r.frames)).toEqual(['01']);
  });

  it('reports a cut frame as truncated and still finds the good frame that starts inside its length', () => {
    const [first, second] = lines('scs-iskra_am550-unencrypted-valid-data.hex') as [Uint8Array, Uint8Array];
    const cut = first.subarray(0, 60);
    for (const seed of [0, 1, 2, 3]) {
      const r = feed(Uint8Array.from([...cut, ...second]), seed);
      expect(r.errors).toEqual(['truncated']);
      expect(r.frames).toHaveLength(1);
    }
  });

  it('at the end of the stream, a cut frame longer than the rest does not swallow the good frame after it', () => {
    const [first] = lines('scs-iskra_am550-unencrypted-valid-data.hex') as [Uint8Array];
    const good = buildHdlcFrame(Uint8Array.from([1, 2]));
    for (const seed of [0, 1, 2]) {
      const r = feed(Uint8Array.from([...first.subarray(0, 20), ...good]), seed);
      expect(r.errors).toEqual(['truncated']);
      expect(infos(r.frames)).toEqual(['0102']);
    }
  });

  it('flush reports a frame cut off by the end of the stream as truncated and empties the framer', () => {
    const f = createHdlcFramer();
    const frame = lines('scs-lg_e450-unencrypted-valid-data.hex')[0] as Uint8Array;
    expect(f.push(frame.subarray(0, 40))).toEqual([]);
    expect(f.flush().map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['truncated']);
    expect(f.pendingBytes).toBe(0);
    expect(f.push(frame).filter((e) => e.ok)).toHaveLength(1);
  });

  it.each(Array.from({ length: 20 }, (_v, i) => i + 1))('hostile stream (seed %i): every good frame exactly once, in order, nothing else', (seed) => {
    const rng = seededRandom(seed);
    const goods = files
      .flatMap(lines)
      .filter((l) => l[0] === 0x7e && l[l.length - 1] === 0x7e)
      .slice(0, 24);
    const stream = buildHostileStream(goods, rng, { items: 40, markers: [Uint8Array.from([0x7e]), Uint8Array.from([0x7e, 0xa0])] });
    // Oracle: what each item yields when framed alone (a corrupted copy must yield nothing; CRC-16 sees 1–3 bit
    // errors). One exception is HDLC itself: a copy cut just before its closing flag, followed by an item that
    // starts with a flag, is a whole frame sharing that flag with the next one (IEC 62056-46 allows it).
    const shared = (i: number): boolean => {
      const it = stream.items[i];
      const next = stream.items[i + 1];
      return it?.kind === 'cut' && next !== undefined && next.bytes[0] === 0x7e && it.bytes.length === (goods[it.source] as Uint8Array).length - 1;
    };
    const alone = stream.items.map((it, i) => infos(feed(shared(i) ? Uint8Array.from([...it.bytes, 0x7e]) : it.bytes, 0).frames));
    stream.items.forEach((it, i) =>
      expect(alone[i]).toEqual(it.kind === 'good' || shared(i) ? infos([feed(goods[it.source] as Uint8Array, 0).frames[0] as HdlcFrame]) : []),
    );
    const expected = alone.flat();
    expect(expected.length).toBe(stream.good.length + stream.items.filter((_it, i) => shared(i)).length);
    const r = feed(stream.bytes, seed, 64);
    expect(infos(r.frames)).toEqual(expected);
    expect(r.peak).toBeLessThanOrEqual(HDLC_MAX_FRAME + 64);
  });

  it('5 MB of random bytes: no frame, bounded buffer', () => {
    const bytes = randomBytes(seededRandom(42), 5 * 1024 * 1024);
    const r = feed(bytes, 9, 4096);
    expect(r.frames).toHaveLength(0);
    expect(r.peak).toBeLessThanOrEqual(HDLC_MAX_FRAME + 4096);
    expect(r.discarded).toBeGreaterThan(4_900_000);
  });

  it('never mutates the pushed chunk', () => {
    const bytes = load('scs-lg_e450-unencrypted-valid-data.hex');
    const copy = bytes.slice();
    createHdlcFramer().push(copy);
    expect(Buffer.compare(copy, bytes)).toBe(0);
  });

  it('gives information fields the caller may keep by default, views of its buffer with views = true', () => {
    const info = Uint8Array.from([0xe6, 0xe7, 0x00, 0x0f, 0x01, 0x02]);
    const frame = buildHdlcFrame(info);
    const kept = createHdlcFramer();
    const borrowed = createHdlcFramer(true);
    const first = kept.push(frame)[0];
    const view = borrowed.push(frame)[0];
    // a frame long enough that the buffer is compacted: the bytes of the first frame are overwritten
    const other = buildHdlcFrame(new Uint8Array(240).fill(0x09));
    kept.push(other);
    borrowed.push(other);
    expect(first?.ok && [...first.frame.information]).toEqual([...info]);
    expect(view?.ok && [...view.frame.information]).not.toEqual([...info]); // valid only until the next push
    expect(view?.ok && view.frame.information.length).toBe(info.length);
  });
});
