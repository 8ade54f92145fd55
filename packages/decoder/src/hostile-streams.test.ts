import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './common/testing';
import { buildHostileStream, checkHostileStream, decodeAlone, noise, randomBytes, runHostileStream, type StreamVerdict } from './test-support/hostile-stream';
import { factoryDecoder, HOSTILE_PROTOCOLS, type FixtureReader, type HostileProtocol } from './test-support/protocols';

/**
 * Issue 7 "Trust the data path": the framer contract (common/framer.ts) checked once, for every
 * protocol, with the same harness (test-support/hostile-stream.ts). Each protocol's decoder comes
 * from `createDecoder`, as the gateway makes it. A failure names the first seed of each kind:
 * `buildHostileStream(frames, seededRandom(seed), …)` with `runHostileStream(…, seededRandom(seed + 1))`
 * reproduces it.
 */
const FIXTURES = join(__dirname, '../fixtures');
const read: FixtureReader = (path) => new Uint8Array(readFileSync(join(FIXTURES, path)));

const STREAMS = 200;
const ITEMS = 10;
const NOISE_BYTES = 5 * 1024 * 1024;

interface Totals {
  lost: number;
  accepted: number;
  duplicated: number;
  outOfOrder: number;
  undetectable: number;
  /** First failing seed per kind (lost, accepted, duplicated, outOfOrder). */
  firstSeed: Record<string, number>;
}

function hostileTotals(p: HostileProtocol): Totals {
  const make = factoryDecoder(p.id);
  const frames = p.frames(read);
  const references = frames.map((f) => decodeAlone(make, f)[0] ?? '');
  const t: Totals = { lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0, undetectable: 0, firstSeed: {} };
  for (let seed = 1; seed <= STREAMS; seed++) {
    const stream = buildHostileStream(frames, seededRandom(seed), { items: ITEMS, maxFlips: p.maxFlips, markers: p.markers });
    const run = runHostileStream(make, stream.bytes, seededRandom(seed + 1));
    const v: StreamVerdict = checkHostileStream(stream, run.events, references, make, frames);
    for (const kind of ['lost', 'accepted', 'duplicated', 'outOfOrder'] as const) {
      t[kind] += v[kind];
      if (v[kind] > 0 && t.firstSeed[kind] === undefined) t.firstSeed[kind] = seed;
    }
    t.undetectable += v.undetectable;
  }
  return t;
}

const totals = new Map<string, Totals>();
function totalsOf(p: HostileProtocol): Totals {
  let t = totals.get(p.id);
  if (t === undefined) {
    t = hostileTotals(p);
    totals.set(p.id, t);
  }
  return t;
}

describe.each(HOSTILE_PROTOCOLS.map((p) => [p.id, p] as const))('hostile streams: %s', (_id, p) => {
  const make = factoryDecoder(p.id);

  it('every good fixture frame decodes alone to one snapshot, and the same in one clean stream', () => {
    const frames = p.frames(read);
    const alone = frames.map((f) => decodeAlone(make, f));
    expect(alone.map((a) => a.length)).toEqual(frames.map(() => 1));
    const d = make();
    const events = frames.flatMap((f) => d.push(f));
    events.push(...(d.flush ? d.flush() : []));
    expect(events.map((e) => (e.ok ? JSON.stringify(e.snapshot) : e.error.kind))).toEqual(alone.map((a) => a[0]));
  });

  it(`${STREAMS} seeded hostile streams: every good frame exactly once, in order, no corrupted copy accepted`, () => {
    const t = totalsOf(p);
    expect({ lost: t.lost, accepted: t.accepted, duplicated: t.duplicated, outOfOrder: t.outOfOrder, firstSeed: t.firstSeed }).toEqual({
      lost: 0,
      accepted: 0,
      duplicated: 0,
      outOfOrder: 0,
      firstSeed: {},
    });
  });

  it('5 MB of seeded random bytes yield zero frames', () => {
    const r = noise(make, randomBytes(seededRandom(7), NOISE_BYTES), seededRandom(8));
    expect(r.frames).toBe(0);
  });
});

// CRC-16 sees every 1–3 bit error in frames of these sizes: no flipped copy may decode alone.
describe.each(HOSTILE_PROTOCOLS.filter((p) => p.maxFlips === 3).map((p) => [p.id, p] as const))('CRC-checked: %s', (_id, p) => {
  it('no corrupted copy passes the protocol check', () => {
    expect(totalsOf(p).undetectable).toBe(0);
  });
});

/**
 * Rule 4 (bounded): `pendingBytes` while noise is fed stays within the protocol's largest frame
 * plus one chunk. Checked for the decoders that expose `pendingBytes`; the others are listed as
 * todo (the StreamDecoder interface does not carry it yet).
 */
const CHUNK = 4096;
const exposes = (p: HostileProtocol): boolean =>
  runHostileStream(factoryDecoder(p.id), randomBytes(seededRandom(3), 64), seededRandom(4)).peakPending !== undefined;
const bounded = HOSTILE_PROTOCOLS.filter(exposes);
const unbounded = HOSTILE_PROTOCOLS.filter((p) => !exposes(p));
describe('bounded buffers while noise is fed', () => {
  for (const p of bounded) {
    it(`${p.id}: pendingBytes ≤ the largest frame after every push`, () => {
      const r = noise(factoryDecoder(p.id), randomBytes(seededRandom(11), 2 * 1024 * 1024), seededRandom(12), CHUNK);
      expect(r.peakPending).toBeLessThanOrEqual(p.maxFrameBytes);
    });
  }
  for (const p of unbounded) it.todo(`${p.id}: the stream decoder does not expose pendingBytes`);
});
