import { fail, ok, type Result } from '../common';
import type { ByteQueue, FrameScan } from '../hdlc';

/**
 * Wired M-Bus long frames as a DLMS carrier (Austrian style, §4.9): `68 L L 68 C A CI STSAP DTSAP
 * segment CS 16`. Only what the DLMS carrier needs; the full M-Bus decoder lives in src/mbus/.
 */

const START = 0x68;
const STOP = 0x16;
const LAYER = 'mbus';

/** EN 13757-2 checksum: arithmetic sum of bytes [start, end) mod 256. */
export function mbusChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i] as number;
  return sum & 0xff;
}

export interface MbusLongFrame {
  readonly c: number;
  readonly a: number;
  readonly ci: number;
  /** Bytes after CI up to the checksum (a copy). */
  readonly data: Uint8Array;
}

/** Parses exactly one long frame (`68 L L 68 … CS 16`), checking both L bytes, CS and the stop byte. */
export function parseMbusLongFrame(bytes: Uint8Array): Result<MbusLongFrame> {
  if (bytes.length < 9) return fail('truncated', LAYER, 'shorter than a long frame', 0);
  if (bytes[0] !== START || bytes[3] !== START) return fail('bad-format', LAYER, 'not a long frame (68 L L 68)', 0);
  const l = bytes[1] as number;
  if (bytes[2] !== l) return fail('bad-format', LAYER, 'the two L bytes differ', 2);
  if (l < 3) return fail('bad-length', LAYER, `L = ${l} leaves no room for C, A and CI`, 1);
  if (bytes.length !== l + 6) return fail('bad-length', LAYER, `L = ${l} disagrees with ${bytes.length} bytes`, 1);
  if (bytes[l + 5] !== STOP) return fail('bad-format', LAYER, 'no stop byte 16', l + 5);
  if (mbusChecksum(bytes, 4, 4 + l) !== bytes[4 + l]) return fail('bad-crc', LAYER, 'checksum mismatch', 4 + l);
  return ok({ c: bytes[4] as number, a: bytes[5] as number, ci: bytes[6] as number, data: bytes.slice(7, 4 + l) });
}

/** Scanner for a queue whose first byte is `68`: trusts L only when both L bytes and the second `68` agree. */
export function scanMbusLong(queue: ByteQueue): FrameScan {
  if (queue.length < 4) return { kind: 'need-more' };
  const l = queue.at(1);
  if (queue.at(2) !== l || queue.at(3) !== START || l < 3) return { kind: 'skip' };
  if (queue.length < l + 6) return { kind: 'need-more' };
  if (queue.at(l + 5) !== STOP) return { kind: 'skip' };
  return { kind: 'frame', size: l + 6 };
}

export interface DlmsMbusSegment {
  /** CI bits 3–0. */
  readonly sequence: number;
  /** CI bit 4: the last segment of the APDU. */
  readonly last: boolean;
  readonly stsap: number;
  readonly dtsap: number;
  readonly segment: Uint8Array;
}

/** Reads the DLMS transport header of a long frame: CI (sequence/last), STSAP, DTSAP. */
export function dlmsSegmentOf(frame: MbusLongFrame): Result<DlmsMbusSegment> {
  if (frame.ci > 0x1f) return fail('unsupported', LAYER, `CI ${frame.ci.toString(16)} is not a DLMS segment`);
  if (frame.data.length < 2) return fail('truncated', LAYER, 'no STSAP/DTSAP', 7);
  return ok({
    sequence: frame.ci & 0x0f,
    last: (frame.ci & 0x10) !== 0,
    stsap: frame.data[0] as number,
    dtsap: frame.data[1] as number,
    segment: frame.data.subarray(2),
  });
}

export interface MbusSegmentAssembler {
  /** Adds a segment; returns the joined APDU after the last one, undefined while segments are coming. */
  push(segment: DlmsMbusSegment): Result<Uint8Array | undefined>;
  reset(): void;
}

/**
 * Joins DLMS segments: sequence 0 starts an APDU (dropping a partial one), sequence numbers then
 * count up (mod 16); a gap drops the partial APDU with an error.
 */
export function createMbusSegmentAssembler(): MbusSegmentAssembler {
  let parts: Uint8Array[] = [];
  let next = -1;
  const reset = (): void => {
    parts = [];
    next = -1;
  };
  return {
    reset,
    push(s) {
      if (s.sequence === 0) reset();
      else if (next < 0) return fail('bad-format', LAYER, `segment ${s.sequence} without segment 0`);
      else if (s.sequence !== next) {
        const expected = next;
        reset();
        return fail('bad-format', LAYER, `segment ${s.sequence} where ${expected} was expected; partial APDU dropped`);
      }
      parts.push(s.segment.slice());
      next = (s.sequence + 1) & 0x0f;
      if (!s.last) return ok(undefined);
      const size = parts.reduce((n, p) => n + p.length, 0);
      const out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      reset();
      return ok(out);
    },
  };
}

/** Builds long frames carrying an APDU in segments (tests, simulators). */
export function buildMbusDlmsFrames(apdu: Uint8Array, segmentSize = 245, c = 0x53, a = 0xff): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const count = Math.max(1, Math.ceil(apdu.length / segmentSize));
  for (let i = 0; i < count; i++) {
    const seg = apdu.subarray(i * segmentSize, (i + 1) * segmentSize);
    const l = 5 + seg.length;
    const f = new Uint8Array(l + 6);
    f.set([START, l, l, START, c, a, (i & 0x0f) | (i === count - 1 ? 0x10 : 0), 0x01, 0x67], 0);
    f.set(seg, 9);
    f[4 + l] = mbusChecksum(f, 4, 4 + l);
    f[5 + l] = STOP;
    frames.push(f);
  }
  return frames;
}
