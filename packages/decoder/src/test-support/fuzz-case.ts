import type { FrameEvent, StreamDecoder } from '../common/stream';
import { seededRandom } from '../common/testing';
import { buildHostileStream, checkHostileStream, decodeAlone, randomBytes, runHostileStream, type Rng } from './hostile-stream';
import type { HostileProtocol } from './protocols';

/**
 * One fuzz case of `npm run fuzz` (scripts/fuzz.mjs), pure and reproducible from its seed: either a
 * small hostile stream (test-support/hostile-stream.ts) or one good frame mutated (bytes flipped,
 * inserted, deleted, truncated, spliced with another frame, overwritten with random bytes), fed in
 * random chunks. The script adds what cannot be pure: workers, the hang watchdog, RSS.
 */
export interface FuzzTarget {
  readonly protocol: HostileProtocol;
  readonly make: () => StreamDecoder;
  readonly frames: readonly Uint8Array[];
  /** Snapshot JSON of each good frame decoded alone. */
  readonly references: readonly string[];
}

export interface CaseResult {
  readonly kind: 'stream' | 'mutated';
  /** Good frames in the input (intact copies of a fixture frame). */
  readonly good: number;
  readonly lost: number;
  /** Snapshots that are no good frame: a corrupted frame or garbage believed. */
  readonly accepted: number;
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

export function fuzzTarget(protocol: HostileProtocol, frames: readonly Uint8Array[], make: () => StreamDecoder): FuzzTarget {
  const references = frames.map((f) => {
    const alone = decodeAlone(make, f);
    if (alone.length !== 1) throw new Error(`${protocol.id}: a fixture frame does not decode alone to one snapshot`);
    return alone[0] as string;
  });
  return { protocol, make, frames, references };
}

function splice(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One to four mutations of a good frame. */
export function mutate(t: FuzzTarget, rng: Rng): Uint8Array {
  let b = t.frames[int(rng, t.frames.length)] as Uint8Array;
  const n = 1 + int(rng, 4);
  for (let k = 0; k < n && b.length > 0; k++) {
    const at = int(rng, b.length);
    const op = int(rng, 6);
    if (op === 0) {
      b = b.slice();
      b[at] = (b[at] as number) ^ (1 << int(rng, 8));
    } else if (op === 1) b = splice([b.subarray(0, at), randomBytes(rng, 1 + int(rng, 8)), b.subarray(at)]);
    else if (op === 2) b = splice([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(rng, 16)))]);
    else if (op === 3) b = b.slice(0, at);
    else if (op === 4) {
      const other = t.frames[int(rng, t.frames.length)] as Uint8Array;
      b = splice([b.subarray(0, at), other.subarray(int(rng, other.length))]);
    } else {
      b = b.slice();
      b.set(randomBytes(rng, Math.min(1 + int(rng, 8), b.length - at)), at);
    }
  }
  return b;
}

/** Intact copies of good frames in `bytes`, left to right, not overlapping: what must come out. */
function intactFrames(t: FuzzTarget, bytes: Uint8Array): number[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: { at: number; end: number; index: number }[] = [];
  t.frames.forEach((f, index) => {
    for (let at = buf.indexOf(f); at >= 0; at = buf.indexOf(f, at + 1)) found.push({ at, end: at + f.length, index });
  });
  found.sort((a, b) => a.at - b.at);
  const out: number[] = [];
  let end = 0;
  for (const f of found) {
    if (f.at < end) continue;
    out.push(f.index);
    end = f.end;
  }
  return out;
}

function mutatedCase(t: FuzzTarget, rng: Rng): CaseResult {
  const bytes = mutate(t, rng);
  const { events } = runHostileStream(t.make, bytes, rng, 1 + int(rng, 128));
  const want = intactFrames(t, bytes).map((i) => t.references[i] as string);
  let lost = 0;
  let accepted = 0;
  let next = 0;
  for (const e of events as FrameEvent[]) {
    if (!e.ok) continue;
    const json = JSON.stringify(e.snapshot);
    const k = want.indexOf(json, next);
    if (k >= 0) {
      lost += k - next;
      next = k + 1;
    } else if (!t.references.includes(json)) accepted++;
  }
  lost += want.length - next;
  return { kind: 'mutated', good: want.length, lost, accepted };
}

function streamCase(t: FuzzTarget, rng: Rng): CaseResult {
  const stream = buildHostileStream(t.frames, rng, { items: 1 + int(rng, 4), maxFlips: t.protocol.maxFlips, markers: t.protocol.markers, maxGarbage: 32 });
  const { events } = runHostileStream(t.make, stream.bytes, rng, 1 + int(rng, 128));
  const v = checkHostileStream(stream, events, t.references, t.make, t.frames);
  return { kind: 'stream', good: v.expected, lost: v.lost, accepted: v.accepted + v.duplicated };
}

/** The case with this seed: half hostile streams, half mutated frames. Throws what the decoder throws. */
export function runFuzzCase(t: FuzzTarget, seed: number): CaseResult {
  const rng = seededRandom(seed);
  return rng() < 0.5 ? streamCase(t, rng) : mutatedCase(t, rng);
}

/** The seed of case `index` of a run: distinct per protocol, reproducible from the base seed. */
export function caseSeed(base: number, protocolIndex: number, index: number): number {
  return (Math.imul(base ^ (protocolIndex * 0x5bd1e995), 0x9e3779b1) + Math.imul(index, 0x85ebca6b)) >>> 0;
}
