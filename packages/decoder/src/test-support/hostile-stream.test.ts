import type { MeterSnapshot } from '@smi/model';
import { crc16Arc } from '../common/crc';
import type { FrameEvent, StreamDecoder } from '../common/stream';
import { latin1Bytes, seededRandom } from '../common/testing';
import { buildHostileStream, checkHostileStream, decodeAlone, flipBits, noise, randomBytes, runHostileStream, type StreamVerdict } from './hostile-stream';

/**
 * The harness checked on a toy protocol, so its checks are known to fail when they should:
 * frames `[digits*CRC]` (CRC-16/ARC of the digits as 4 hex digits); the correct decoder restarts at
 * every `[`, the broken ones do not (a cut copy then swallows the next good frame), repeat or drop
 * frames, or skip the check of the frame after a rejected one (so a corrupted copy is accepted in a
 * stream although it is rejected alone).
 */
type Mode = 'correct' | 'no-resync' | 'repeat' | 'drop' | 'lenient-after-error';

const sign = (digits: string): string => `[${digits}*${crc16Arc(latin1Bytes(digits)).toString(16).toUpperCase().padStart(4, '0')}]`;

function checked(text: string): string | undefined {
  const [digits, crc] = text.split('*');
  if (digits === undefined || crc === undefined || !/^[0-9]+$/.test(digits)) return undefined;
  return sign(digits) === `[${text}]` ? digits : undefined;
}

function snapshot(text: string): MeterSnapshot {
  return { protocol: 'dsmr', meter: { id: text }, readings: [] } as unknown as MeterSnapshot;
}

function toyDecoder(mode: Mode): StreamDecoder {
  let open: string | undefined;
  let seen = 0;
  let lenient = false;
  return {
    protocol: 'dsmr',
    discardedBytes: 0,
    push(chunk) {
      const out: FrameEvent[] = [];
      for (const b of chunk) {
        const c = String.fromCharCode(b);
        if (c === '[' && (open === undefined || mode !== 'no-resync')) open = '';
        else if (c === ']' && open !== undefined) {
          const digits = checked(open) ?? (lenient ? open : undefined);
          lenient = mode === 'lenient-after-error' && digits === undefined;
          if (digits !== undefined) {
            const e: FrameEvent = { ok: true, snapshot: snapshot(digits), frame: latin1Bytes(open) };
            if (mode !== 'drop' || seen++ % 2 === 0) out.push(e);
            if (mode === 'repeat') out.push(e);
          }
          open = undefined;
        } else if (open !== undefined) open += c;
      }
      return out;
    },
  };
}

const FRAMES = ['1234', '98765', '555'].map((d) => latin1Bytes(sign(d)));

function verdicts(mode: Mode): StreamVerdict {
  const make = () => toyDecoder(mode);
  const references = FRAMES.map((f) => decodeAlone(make, f)[0] ?? '');
  const sum = { lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0, undetectable: 0, expected: 0, actual: 0 };
  for (let seed = 1; seed <= 100; seed++) {
    const s = buildHostileStream(FRAMES, seededRandom(seed), { items: 10, maxFlips: 1, markers: [latin1Bytes('['), latin1Bytes(']')] });
    const v = checkHostileStream(s, runHostileStream(make, s.bytes, seededRandom(seed + 1), 3).events, references, make, FRAMES);
    for (const k of Object.keys(sum) as (keyof StreamVerdict)[]) sum[k] += v[k];
  }
  return sum;
}

describe('hostile-stream harness on a toy protocol', () => {
  it('builds the stream from its items and lists the intact good frames in order', () => {
    const s = buildHostileStream(FRAMES, seededRandom(42), { items: 20 });
    expect(s.bytes.length).toBe(s.items.reduce((n, it) => n + it.bytes.length, 0));
    expect(s.good).toEqual(s.items.filter((it) => it.kind === 'good').map((it) => it.source));
    expect(new Set(s.items.map((it) => it.kind))).toEqual(new Set(['good', 'cut', 'flip', 'garbage']));
    for (const it of s.items.filter((x) => x.kind === 'cut')) expect(it.bytes.length).toBeLessThan((FRAMES[it.source] as Uint8Array).length);
  });

  it('flips between one and maxFlips bits', () => {
    const frame = randomBytes(seededRandom(1), 100);
    const counts = new Set<number>();
    for (let seed = 1; seed <= 50; seed++) {
      const flipped = flipBits(frame, seededRandom(seed), 3);
      let bits = 0;
      for (let i = 0; i < frame.length; i++) for (let x = (frame[i] as number) ^ (flipped[i] as number); x; x &= x - 1) bits++;
      counts.add(bits);
    }
    expect([...counts].sort()).toEqual([1, 2, 3]);
  });

  it('a correct decoder passes: nothing lost, accepted, duplicated or out of order', () => {
    const v = verdicts('correct');
    expect(v).toMatchObject({ lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0 });
    expect(v.expected).toBeGreaterThan(300);
  });

  it('a decoder that does not restart at a start marker loses good frames', () => {
    expect(verdicts('no-resync').lost).toBeGreaterThan(50);
  });

  it('a decoder that believes a frame in a stream that it rejects alone is caught as accepted', () => {
    expect(verdicts('lenient-after-error').accepted).toBeGreaterThan(10);
  });

  it('a decoder that repeats frames is caught as duplicated, one that drops them as lost', () => {
    expect(verdicts('repeat').duplicated).toBeGreaterThan(100);
    expect(verdicts('drop').lost).toBeGreaterThan(100);
  });

  it('a corrupted copy that still decodes alone to other values is undetectable, not accepted', () => {
    // A copy whose check still holds (here: re-signed) is what a weak check cannot see.
    const make = () => toyDecoder('correct');
    const copy = latin1Bytes(sign('0234'));
    const s = { bytes: copy, items: [{ kind: 'flip' as const, bytes: copy, source: 0 }], good: [] };
    const v = checkHostileStream(s, runHostileStream(make, s.bytes, seededRandom(1)).events, [decodeAlone(make, FRAMES[0] as Uint8Array)[0] ?? ''], make);
    expect(v).toMatchObject({ lost: 0, accepted: 0, undetectable: 1, expected: 0, actual: 1 });
  });

  it('noise counts the frames a decoder believes', () => {
    expect(noise(() => toyDecoder('correct'), latin1Bytes(`xx${sign('12')}yy[12*0000]z[3`), seededRandom(1)).frames).toBe(1);
  });
});
