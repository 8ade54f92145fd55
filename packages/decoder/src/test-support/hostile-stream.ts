import type { FrameEvent, StreamDecoder } from '../common/stream';

/**
 * The hostile-stream harness (framer contract, common/framer.ts rules 2–5) for every protocol:
 * good frames interleaved with cut, bit-flipped and garbage copies must all come out, exactly once,
 * in order, and nothing else may. Pure and deterministic: every random choice comes from the seeded
 * `rng` the caller passes (common/testing.ts `seededRandom`), so a failure is reproduced by its seed.
 */
export type Rng = () => number;

export type ItemKind = 'good' | 'cut' | 'flip' | 'garbage';

export interface StreamItem {
  readonly kind: ItemKind;
  readonly bytes: Uint8Array;
  /** Index into the good frames of the frame this item is (a copy of); -1 for garbage. */
  readonly source: number;
}

export interface HostileStream {
  readonly bytes: Uint8Array;
  readonly items: readonly StreamItem[];
  /** Indices (into the good frames) of the intact good frames in the stream, in order. */
  readonly good: readonly number[];
}

export interface HostileOptions {
  /** Number of items in the stream (default 12). */
  readonly items?: number;
  /** Share of items that are intact good frames (default 0.4); the rest is split evenly. */
  readonly goodShare?: number;
  /** Most bits flipped in a flipped copy (1…maxFlips, default 3). */
  readonly maxFlips?: number;
  /** Longest garbage run in bytes (default 64). */
  readonly maxGarbage?: number;
  /** Byte sequences (start/end markers) salted into garbage. */
  readonly markers?: readonly Uint8Array[];
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** `n` random bytes. */
export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = (rng() * 4294967296) >>> 0;
    out[i] = v;
    out[i + 1] = v >>> 8;
    out[i + 2] = v >>> 16;
    out[i + 3] = v >>> 24;
  }
  for (; i < n; i++) out[i] = int(rng, 256);
  return out;
}

/** Random bytes of random length (1…max), with start/end markers copied in at random places. */
export function garbage(rng: Rng, max: number, markers: readonly Uint8Array[]): Uint8Array {
  const out = randomBytes(rng, 1 + int(rng, max));
  if (markers.length === 0) return out;
  const salt = int(rng, 4);
  for (let s = 0; s < salt; s++) {
    const m = markers[int(rng, markers.length)] as Uint8Array;
    const at = int(rng, out.length);
    out.set(m.subarray(0, out.length - at), at);
  }
  return out;
}

/** A copy with 1…maxFlips distinct bits flipped. */
export function flipBits(frame: Uint8Array, rng: Rng, maxFlips: number): Uint8Array {
  const out = frame.slice();
  const bits = frame.length * 8;
  const n = Math.min(1 + int(rng, maxFlips), bits);
  const used = new Set<number>();
  while (used.size < n) used.add(int(rng, bits));
  for (const bit of used) out[bit >>> 3] = (out[bit >>> 3] as number) ^ (1 << (bit & 7));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Good frames (picked at random) interleaved with cut copies, bit-flipped copies and garbage. */
export function buildHostileStream(goodFrames: readonly Uint8Array[], rng: Rng, options: HostileOptions = {}): HostileStream {
  const count = options.items ?? 12;
  const goodShare = options.goodShare ?? 0.4;
  const items: StreamItem[] = [];
  for (let i = 0; i < count; i++) {
    const source = int(rng, goodFrames.length);
    const frame = goodFrames[source] as Uint8Array;
    const r = rng();
    const bad = (r - goodShare) / (1 - goodShare);
    if (r < goodShare) items.push({ kind: 'good', bytes: frame, source });
    else if (bad < 1 / 3 && frame.length > 1) items.push({ kind: 'cut', bytes: frame.slice(0, 1 + int(rng, frame.length - 1)), source });
    else if (bad < 2 / 3) items.push({ kind: 'flip', bytes: flipBits(frame, rng, options.maxFlips ?? 3), source });
    else items.push({ kind: 'garbage', bytes: garbage(rng, options.maxGarbage ?? 64, options.markers ?? []), source: -1 });
  }
  const good = items.filter((it) => it.kind === 'good').map((it) => it.source);
  return { bytes: concat(items.map((it) => it.bytes)), items, good };
}

export interface RunResult {
  readonly events: FrameEvent[];
  /** Largest `pendingBytes` seen after a push, when the decoder exposes it. */
  readonly peakPending: number | undefined;
}

/** `pendingBytes` of a decoder that exposes it (the framer contract), else undefined. */
export function pendingOf(decoder: StreamDecoder): number | undefined {
  const p = (decoder as StreamDecoder & { readonly pendingBytes?: unknown }).pendingBytes;
  return typeof p === 'number' ? p : undefined;
}

/** Feeds `stream` to a fresh decoder in random chunks of 1…maxChunk bytes, then flushes. */
export function runHostileStream(makeDecoder: () => StreamDecoder, stream: Uint8Array, rng: Rng, maxChunk = 64): RunResult {
  const decoder = makeDecoder();
  const events: FrameEvent[] = [];
  let peak: number | undefined;
  for (let i = 0; i < stream.length;) {
    const n = 1 + int(rng, maxChunk);
    for (const e of decoder.push(stream.subarray(i, i + n))) events.push(e);
    i += n;
    const p = pendingOf(decoder);
    if (p !== undefined) peak = Math.max(peak ?? 0, p);
  }
  if (decoder.flush) for (const e of decoder.flush()) events.push(e);
  return { events, peakPending: peak };
}

/** The snapshots (as JSON) a fresh decoder makes of `bytes` pushed whole and flushed. */
export function decodeAlone(makeDecoder: () => StreamDecoder, bytes: Uint8Array): string[] {
  const d = makeDecoder();
  const events = d.push(bytes);
  if (d.flush) events.push(...d.flush());
  return events.flatMap((e) => (e.ok ? [JSON.stringify(e.snapshot)] : []));
}

export interface StreamVerdict {
  /** Good frames (and copies that decode alone exactly like their original) that did not come out. */
  readonly lost: number;
  /** Snapshots that are no good frame at that place: a corrupted copy or garbage accepted. */
  readonly accepted: number;
  /** A good frame's snapshot reported again after it was matched. */
  readonly duplicated: number;
  /** A good frame's snapshot reported after a later one had come out. */
  readonly outOfOrder: number;
  /** Corrupted copies the protocol's own check cannot see (alone, they decode to other values). */
  readonly undetectable: number;
  readonly expected: number;
  readonly actual: number;
}

interface Expected {
  readonly json: string;
  /** Must come out (a good frame); else it may (a copy the protocol's check cannot reject). */
  readonly required: boolean;
  matched: boolean;
}

/**
 * What must come out of a hostile stream, classified with the oracle "decoded alone by a fresh
 * decoder": a good frame yields its reference snapshot; a cut or flipped copy that alone yields its
 * original's snapshot (the flip hit bytes outside the checked frame, the cut kept the whole frame)
 * is a good frame too; a copy that alone yields no snapshot must yield none; a copy that alone
 * yields other values passed the protocol's own check and may come out (counted `undetectable`).
 * An intact good frame that the items form across their boundary (a cut copy completed by garbage
 * that happens to start with the missing bytes) may come out too, where it ends.
 */
export function expectedOf(
  stream: HostileStream,
  references: readonly string[],
  makeDecoder: () => StreamDecoder,
  goodFrames?: readonly Uint8Array[],
): { list: Expected[]; undetectable: number } {
  const placed: { end: number; entry: Expected }[] = [];
  const goodAt = new Set<number>();
  let undetectable = 0;
  let end = 0;
  for (const it of stream.items) {
    const start = end;
    end += it.bytes.length;
    if (it.kind === 'good') {
      goodAt.add(start);
      placed.push({ end, entry: { json: references[it.source] as string, required: true, matched: false } });
      continue;
    }
    const alone = decodeAlone(makeDecoder, it.bytes);
    if (alone.length === 1 && it.source >= 0 && alone[0] === references[it.source]) {
      placed.push({ end, entry: { json: references[it.source] as string, required: true, matched: false } });
      continue;
    }
    if (alone.length > 0) undetectable++;
    for (const json of alone) placed.push({ end, entry: { json, required: false, matched: false } });
  }
  const bytes = Buffer.from(stream.bytes.buffer, stream.bytes.byteOffset, stream.bytes.byteLength);
  goodFrames?.forEach((f, index) => {
    for (let at = bytes.indexOf(f); at >= 0; at = bytes.indexOf(f, at + 1)) {
      if (!goodAt.has(at)) placed.push({ end: at + f.length, entry: { json: references[index] as string, required: false, matched: false } });
    }
  });
  placed.sort((a, b) => a.end - b.end);
  return { list: placed.map((p) => p.entry), undetectable };
}

/** Compares the ok events with what must come out (see `expectedOf`), in stream order. */
export function checkHostileStream(
  stream: HostileStream,
  events: readonly FrameEvent[],
  references: readonly string[],
  makeDecoder: () => StreamDecoder,
  goodFrames?: readonly Uint8Array[],
): StreamVerdict {
  const { list, undetectable } = expectedOf(stream, references, makeDecoder, goodFrames);
  const actual = events.flatMap((e) => (e.ok ? [JSON.stringify(e.snapshot)] : []));
  let next = 0;
  let lost = 0;
  let accepted = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const json of actual) {
    let k = next;
    while (k < list.length && (list[k] as Expected).json !== json) k++;
    if (k < list.length) {
      for (let j = next; j < k; j++) if ((list[j] as Expected).required) lost++;
      (list[k] as Expected).matched = true;
      next = k + 1;
      continue;
    }
    const earlier = list.slice(0, next).filter((x) => x.json === json);
    if (earlier.some((x) => !x.matched && x.required)) {
      const skipped = earlier.find((x) => !x.matched && x.required) as Expected;
      skipped.matched = true;
      lost--;
      outOfOrder++;
    } else if (earlier.some((x) => x.matched)) duplicated++;
    else accepted++;
  }
  for (let j = next; j < list.length; j++) if ((list[j] as Expected).required) lost++;
  return { lost, accepted, duplicated, outOfOrder, undetectable, expected: list.filter((x) => x.required).length, actual: actual.length };
}

/** Ok events (frames the decoder believed) from `bytes` fed in random chunks, then flushed. */
export function noise(makeDecoder: () => StreamDecoder, bytes: Uint8Array, rng: Rng, maxChunk = 4096): { frames: number; peakPending: number | undefined } {
  const r = runHostileStream(makeDecoder, bytes, rng, maxChunk);
  return { frames: r.events.filter((e) => e.ok).length, peakPending: r.peakPending };
}
