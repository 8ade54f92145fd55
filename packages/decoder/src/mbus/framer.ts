import { fail, type DecodeError } from '../common';
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

type Step =
  | { readonly kind: 'wait' }
  | { readonly kind: 'frame'; readonly length: number }
  | { readonly kind: 'reject'; readonly length: number; readonly error: DecodeError; readonly whole: boolean }
  | { readonly kind: 'skip' };

/** Looks at the bytes from `pos` (EN 13757-2 resynchronisation rules, protocol notes §5.1). */
function step(buf: Uint8Array, pos: number): Step {
  const b = buf[pos] as number;
  const left = buf.length - pos;
  if (b === MBUS_ACK) return { kind: 'frame', length: 1 };
  if (b === MBUS_SHORT_START) {
    if (left < MBUS_SHORT_LENGTH) return { kind: 'wait' };
    if (buf[pos + 4] !== MBUS_STOP) return { kind: 'skip' };
    if ((((buf[pos + 1] as number) + (buf[pos + 2] as number)) & 0xff) !== buf[pos + 3]) {
      return { kind: 'reject', length: MBUS_SHORT_LENGTH, whole: true, error: fail('bad-crc', LAYER, 'short frame checksum mismatch', 3).error };
    }
    return { kind: 'frame', length: MBUS_SHORT_LENGTH };
  }
  if (b !== MBUS_LONG_START) return { kind: 'skip' };
  if (left < 4) return { kind: 'wait' };
  const l1 = buf[pos + 1] as number;
  const l2 = buf[pos + 2] as number;
  if (buf[pos + 3] !== MBUS_LONG_START) return { kind: 'skip' };
  // Never trust a length before both L bytes agree.
  if (l1 !== l2) return { kind: 'reject', length: 1, whole: false, error: fail('bad-length', LAYER, 'the two length bytes differ', 2).error };
  if (l1 < 3) return { kind: 'reject', length: 1, whole: false, error: fail('bad-length', LAYER, 'length below 3', 1).error };
  const total = l1 + MBUS_LONG_OVERHEAD;
  if (left < total) return { kind: 'wait' };
  if (buf[pos + total - 1] !== MBUS_STOP) {
    return { kind: 'reject', length: 1, whole: false, error: fail('bad-format', LAYER, 'long frame without stop byte 16', total - 1).error };
  }
  return { kind: 'frame', length: total };
}

/**
 * Incremental EN 13757-2 framer: finds ACK, short, control and long frames in a byte stream.
 * Garbage is dropped byte by byte; a delimited frame with a bad checksum is reported and dropped
 * whole, so its data bytes are never mistaken for frames. Never mutates the chunks it is given.
 */
export function createMbusFramer(): MbusFramer {
  let pending = new Uint8Array(0);
  let discardedTotal = 0;
  return {
    get pendingBytes() {
      return pending.length;
    },
    get discardedBytes() {
      return discardedTotal;
    },
    push(chunk: Uint8Array): MbusFramerResult {
      const buf = new Uint8Array(pending.length + chunk.length);
      buf.set(pending, 0);
      buf.set(chunk, pending.length);
      const events: MbusFramerEvent[] = [];
      const frames: MbusFrame[] = [];
      const errors: MbusFramerError[] = [];
      let discarded = 0;
      let pos = 0;
      while (pos < buf.length) {
        const s = step(buf, pos);
        if (s.kind === 'wait') break;
        if (s.kind === 'skip') {
          discarded++;
          pos++;
          continue;
        }
        const bytes = buf.slice(pos, pos + s.length);
        if (s.kind === 'reject') {
          const err: MbusFramerError = s.whole ? { error: s.error, frame: bytes } : { error: s.error };
          errors.push(err);
          events.push({ ok: false, ...err });
          discarded += s.length;
          pos += s.length;
          continue;
        }
        const parsed = parseMbusFrame(bytes);
        if (parsed.ok) {
          frames.push(parsed.value);
          events.push({ ok: true, frame: parsed.value });
        } else {
          errors.push({ error: parsed.error, frame: bytes });
          events.push({ ok: false, error: parsed.error, frame: bytes });
          discarded += s.length;
        }
        pos += s.length;
      }
      pending = buf.slice(pos);
      discardedTotal += discarded;
      return { frames, errors, discarded, events };
    },
  };
}
