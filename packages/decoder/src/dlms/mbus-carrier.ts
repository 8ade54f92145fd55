import { ByteQueue, concatBytes, fail, ok, type FrameScan, type Result } from '../common';
import { encodeMbusLongFrame, scanMbusFrame, type MbusFrame } from '../mbus';

/**
 * Wired M-Bus long frames as a DLMS carrier (Austrian style, §4.9): `68 L L 68 C A CI STSAP DTSAP
 * segment CS 16`. The frames themselves are src/mbus/'s (scan, parse, encode); here is only what
 * DLMS adds: the segment header in CI/STSAP/DTSAP and the joining of segments.
 */

const LAYER = 'mbus';
/** STSAP and DTSAP of the Austrian push (client 01, management logical device 67). */
const STSAP = 0x01;
const DTSAP = 0x67;
/** The answer while segments are still coming (one shared object). */
const PENDING = ok(undefined);

/**
 * Scanner for a queue whose first byte is `68`: the M-Bus framer's rules (L trusted only when both L
 * bytes and the second `68` agree), but a frame-shaped run the M-Bus framer would report is just
 * skipped: the DLMS stream resynchronises byte by byte.
 */
export function scanDlmsMbus(queue: ByteQueue): FrameScan {
  const scan = scanMbusFrame(queue);
  return scan.kind === 'reject' ? { kind: 'skip' } : scan;
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
export function dlmsSegmentOf(frame: MbusFrame): Result<DlmsMbusSegment> {
  if (frame.type === 'ack' || frame.type === 'short') return fail('unsupported', LAYER, `an M-Bus ${frame.type} frame carries no DLMS segment`, 0);
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
  const apdu = new ByteQueue();
  let next = -1;
  const reset = (): void => {
    apdu.clear();
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
      apdu.append(s.segment);
      next = (s.sequence + 1) & 0x0f;
      if (!s.last) return PENDING;
      next = -1;
      return ok(apdu.take());
    },
  };
}

/** Builds long frames carrying an APDU in segments (tests, simulators). */
export function buildMbusDlmsFrames(apdu: Uint8Array, segmentSize = 245, c = 0x53, a = 0xff): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const count = Math.max(1, Math.ceil(apdu.length / segmentSize));
  for (let i = 0; i < count; i++) {
    const segment = apdu.subarray(i * segmentSize, (i + 1) * segmentSize);
    const ci = (i & 0x0f) | (i === count - 1 ? 0x10 : 0);
    frames.push(encodeMbusLongFrame(c, a, ci, concatBytes([Uint8Array.of(STSAP, DTSAP), segment])));
  }
  return frames;
}
