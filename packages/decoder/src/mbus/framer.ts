import { ByteQueue, fail, type DecodeError, type FrameScan } from '../common';
import {
  MBUS_ACK, MBUS_LONG_OVERHEAD, MBUS_LONG_START, MBUS_SHORT_LENGTH, MBUS_SHORT_START, MBUS_STOP,
  parseMbusFrame, type MbusFrame,
} from './frame';

/** A frame-shaped run of bytes the framer rejected (bad checksum, disagreeing lengths, no stop byte). */
export interface MbusFramerError {
  readonly error: DecodeError;
  /** The rejected bytes when a whole frame could be delimited. */
  readonly frame?: Uint8Array;
}

export type MbusFramerEvent =
  | { readonly ok: true; readonly frame: MbusFrame }
  | ({ readonly ok: false } & MbusFramerError);

export interface MbusFramerResult {
  readonly frames: readonly MbusFrame[];
  readonly errors: readonly MbusFramerError[];
  /** Bytes dropped during this push (garbage and rejected frames). */
  readonly discarded: number;
  /** Frames and errors in stream order. */
  readonly events: readonly MbusFramerEvent[];
}

export interface MbusFramer {
  push(chunk: Uint8Array): MbusFramerResult;
  /** Bytes held back waiting for the rest of a frame. */
  readonly pendingBytes: number;
  /** Bytes dropped so far. */
  readonly discardedBytes: number;
}

const LAYER = 'mbus-frame';

/**
 * What the bytes at the front of a queue are: a candidate frame of `size` bytes (its checksum is
 * the parser's job), a need for more bytes, a byte to skip, or a frame-shaped run to reject (the
 * whole run when a frame could be delimited, else its first byte).
 */
export type MbusScan =
  | FrameScan
  | { readonly kind: 'reject'; readonly size: number; readonly error: DecodeError; readonly whole: boolean };

const SKIP: MbusScan = { kind: 'skip' };
const NEED_MORE: MbusScan = { kind: 'need-more' };

/** Looks at the front of `queue` (EN 13757-2 resynchronisation rules, protocol notes §5.1). */
export function scanMbusFrame(queue: ByteQueue): MbusScan {
  const b = queue.at(0);
  const left = queue.length;
  if (b === MBUS_ACK) return { kind: 'frame', size: 1 };
  if (b === MBUS_SHORT_START) {
    if (left < MBUS_SHORT_LENGTH) return NEED_MORE;
    if (queue.at(4) !== MBUS_STOP) return SKIP;
    if (((queue.at(1) + queue.at(2)) & 0xff) !== queue.at(3)) {
      return { kind: 'reject', size: MBUS_SHORT_LENGTH, whole: true, error: fail('bad-crc', LAYER, 'short frame checksum mismatch', 3).error };
    }
    return { kind: 'frame', size: MBUS_SHORT_LENGTH };
  }
  if (b !== MBUS_LONG_START) return SKIP;
  if (left < 4) return NEED_MORE;
  const l1 = queue.at(1);
  const l2 = queue.at(2);
  if (queue.at(3) !== MBUS_LONG_START) return SKIP;
  // Never trust a length before both L bytes agree.
  if (l1 !== l2) return { kind: 'reject', size: 1, whole: false, error: fail('bad-length', LAYER, 'the two length bytes differ', 2).error };
  if (l1 < 3) return { kind: 'reject', size: 1, whole: false, error: fail('bad-length', LAYER, 'length below 3', 1).error };
  const total = l1 + MBUS_LONG_OVERHEAD;
  if (left < total) return NEED_MORE;
  if (queue.at(total - 1) !== MBUS_STOP) {
    return { kind: 'reject', size: 1, whole: false, error: fail('bad-format', LAYER, 'long frame without stop byte 16', total - 1).error };
  }
  return { kind: 'frame', size: total };
}

/**
 * Incremental EN 13757-2 framer: finds ACK, short, control and long frames in a byte stream.
 * Garbage is dropped byte by byte; a delimited frame with a bad checksum is reported and dropped
 * whole, so its data bytes are never mistaken for frames. Never mutates the chunks it is given.
 */
export function createMbusFramer(): MbusFramer {
  const queue = new ByteQueue();
  let discardedTotal = 0;
  return {
    get pendingBytes() {
      return queue.length;
    },
    get discardedBytes() {
      return discardedTotal;
    },
    push(chunk: Uint8Array): MbusFramerResult {
      queue.append(chunk);
      const events: MbusFramerEvent[] = [];
      const frames: MbusFrame[] = [];
      const errors: MbusFramerError[] = [];
      let discarded = 0;
      while (queue.length > 0) {
        const s = scanMbusFrame(queue);
        if (s.kind === 'need-more') break;
        if (s.kind === 'skip') {
          discarded++;
          queue.consume(1);
          continue;
        }
        if (s.kind === 'reject') {
          const err: MbusFramerError = s.whole ? { error: s.error, frame: queue.copy(0, s.size) } : { error: s.error };
          errors.push(err);
          events.push({ ok: false, ...err });
          discarded += s.size;
          queue.consume(s.size);
          continue;
        }
        const parsed = parseMbusFrame(queue.view(0, s.size)); // copies what it keeps
        if (parsed.ok) {
          frames.push(parsed.value);
          events.push({ ok: true, frame: parsed.value });
        } else {
          const bytes = queue.copy(0, s.size);
          errors.push({ error: parsed.error, frame: bytes });
          events.push({ ok: false, error: parsed.error, frame: bytes });
          discarded += s.size;
        }
        queue.consume(s.size);
      }
      discardedTotal += discarded;
      return { frames, errors, discarded, events };
    },
  };
}
