/**
 * Wired M-Bus (EN 13757-2/-3) throughput on distinct frames: 51 libmbus fixture meters (every one
 * with a counter record the generator can change), 400 frames each, interleaved by meter; values,
 * access number and checksum change in every frame. Each frame is decoded in full (framing,
 * checksum, application layer, every data record, a typed MeterSnapshot). The stream decoder reads
 * each meter's frames as one continuous capture cut in the middle of every frame (as serial reads
 * come), one decoder per meter. There is no npm peer: each case runs in turn with the machine
 * reference (bench/reference.ts), and the ratio to it is what `npm run bench:check` guards.
 */
import { createMbusDecoder, createMbusFrameDecoder, decodeMbusFrame } from '../src/mbus';
import { MBUS_GEN_FIXTURES } from './gen';
import { compare, materialise } from './harness';
import { distinctFrames } from './inputs';
import { referenceCase } from './reference';

/** A meter's units (frames, pushes) as a cyclic stream cut in the middle of every unit: chunk i completes unit i. */
export interface CutStream {
  /** The bytes before the first cut (the first half of unit 0): pushed once before timing. */
  readonly prime: Uint8Array;
  readonly chunks: readonly Uint8Array[];
}

export function cutStream(units: readonly Uint8Array[]): CutStream {
  const total = units.reduce((n, u) => n + u.length, 0);
  const stream = new Uint8Array(total);
  const cuts: number[] = [];
  let at = 0;
  for (const u of units) {
    stream.set(u, at);
    cuts.push(at + (u.length >> 1));
    at += u.length;
  }
  const chunks = cuts.map((c, i) => {
    const next = cuts[i + 1];
    if (next !== undefined) return stream.slice(c, next);
    const wrap = new Uint8Array(total - c + (cuts[0] as number));
    wrap.set(stream.subarray(c), 0);
    wrap.set(stream.subarray(0, cuts[0]), total - c);
    return wrap;
  });
  return { prime: stream.slice(0, cuts[0]), chunks };
}

/** Distinct frames of every generator meter, interleaved (a, b, c, a, b, c…). */
export function loadMbusBenchFrames(perFixture = 400): Uint8Array[] {
  const frames = distinctFrames('mbus', MBUS_GEN_FIXTURES, perFixture);
  frames.slice(0, MBUS_GEN_FIXTURES.length).forEach((f, i) => {
    if (!decodeMbusFrame(f).ok) throw new Error(`${MBUS_GEN_FIXTURES[i] ?? ''}: not decoded`);
  });
  return frames;
}

export function run(): void {
  const frames = loadMbusBenchFrames();
  const n = frames.length;
  const m = MBUS_GEN_FIXTURES.length;
  const sizes = frames.map((f) => f.length);
  const streams = MBUS_GEN_FIXTURES.map((_, k) => cutStream(frames.filter((_f, i) => i % m === k)));
  const perMeter = n / m;
  const decoders = streams.map((s) => {
    const d = createMbusDecoder({ mergeTelegrams: false });
    if (d.push(s.prime).length !== 0) throw new Error('half a frame decoded');
    return d;
  });
  let sink = 0;
  compare(
    `M-Bus, stream decoder (${m} meters, ${n} distinct frames, ${Math.min(...sizes)}-${Math.max(...sizes)} bytes)`,
    {
      name: 'createMbusDecoder().push(chunk)',
      unit: 'frames',
      run: (i) => {
        const k = i % m;
        const events = (decoders[k] as (typeof decoders)[number]).push((streams[k] as CutStream).chunks[Math.floor(i / m) % perMeter] as Uint8Array);
        const e = events[0];
        if (events.length !== 1 || e?.ok !== true) throw new Error('frame not decoded');
        sink += materialise(e.snapshot.readings.map((r) => r.value));
      },
    },
    referenceCase((x) => (sink += x)),
  );
  // one meter's memos (record shapes, reading templates), as a stream decoder keeps them
  const frameDecoders = MBUS_GEN_FIXTURES.map(() => createMbusFrameDecoder());
  compare(
    `M-Bus, one frame (${m} meters, ${n} distinct frames)`,
    {
      name: 'createMbusFrameDecoder()(bytes)',
      unit: 'frames',
      run: (i) => {
        const r = (frameDecoders[i % m] as (typeof frameDecoders)[number])(frames[i % n] as Uint8Array);
        if (!r.ok) throw new Error('frame not decoded');
        sink += materialise(r.value.readings.map((x) => x.value));
      },
    },
    referenceCase((x) => (sink += x)),
  );
  if (sink < 0) console.log(sink); // keeps the results alive
}
