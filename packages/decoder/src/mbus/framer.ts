import { ByteQueue, fail, type DecodeError, type FrameScan, type Framer, type FramerEvent } from '../common';
import { MBUS_ACK, MBUS_LONG_OVERHEAD, MBUS_LONG_START, MBUS_SHORT_LENGTH, MBUS_SHORT_START, MBUS_STOP, parseMbusFrame, type MbusFrame } from './frame';

/** A frame-shaped run of bytes the framer rejected (bad checksum, disagreeing lengths, no stop byte). */
export interface MbusFramerError {
  readonly error: DecodeError;
  /** The rejected bytes when a whole frame could be delimited. */
  readonly frame?: Uint8Array;
}

/** The framer's events: the common `FramerEvent` (rejected bytes in `bytes`). */
export type MbusFramerEvent = FramerEvent<MbusFrame>;

/** The EN 13757-2 framer: the common framer contract (common/framer.ts) for M-Bus frames. */
export type MbusFramer = Framer<MbusFrame>;

const LAYER = 'mbus-frame';
/** Largest frame: a long frame with L = 255. */
export const MBUS_MAX_FRAME = 255 + MBUS_LONG_OVERHEAD;

/**
 * What the bytes at the front of a queue are: a candidate frame of `size` bytes (its checksum is
 * the parser's job), a need for more bytes, a byte to skip, or a frame-shaped run to reject (the
 * whole run when a frame could be delimited, else its first byte).
 */
export type MbusScan = FrameScan | { readonly kind: 'reject'; readonly size: number; readonly error: DecodeError; readonly whole: boolean };

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

/** Bytes before the next possible frame start (E5, 10 or 68) after the front byte; all when none. */
function nextStart(queue: ByteQueue): number {
  const b = queue.view();
  for (let i = 1; i < b.length; i++) {
    const x = b[i];
    if (x === MBUS_LONG_START || x === MBUS_SHORT_START || x === MBUS_ACK) return i;
  }
  return b.length;
}

/**
 * Incremental EN 13757-2 framer (the `Framer` contract of common/framer.ts): finds ACK, short,
 * control and long frames in a byte stream and reports rejected candidates in stream order.
 *
 * - Garbage is dropped byte by byte and counted in `discardedBytes`: every dropped byte that no
 *   event carries (a rejected frame's bytes come back in its error's `bytes`).
 * - A delimited frame that fails its checksum is reported with its bytes, then the search goes on
 *   from its second byte, so a good frame that starts inside a cut or corrupted one is still found.
 *   Inside the rejected bytes only checksum-valid long frames are taken (an `E5` or a short-frame
 *   look-alike there is data, not a frame) and nothing is reported twice.
 * - Bounded: a candidate is at most 261 bytes (L = 255), so `pendingBytes` never exceeds that plus
 *   the chunk being pushed.
 * - `flush` reports a candidate cut off by the end of the input as `truncated` (with its bytes) and
 *   still finds complete frames inside it. Never mutates the chunks it is given.
 */
export function createMbusFramer(): MbusFramer {
  const queue = new ByteQueue();
  let discardedTotal = 0;
  /** Bytes at the front that belong to an already reported candidate. */
  let shadow = 0;

  const drop = (n: number): void => {
    const inShadow = Math.min(n, shadow);
    shadow -= inShadow;
    discardedTotal += n - inShadow;
    queue.consume(n);
  };

  /** Reports a candidate of `size` bytes given up on, and goes on after its first byte. */
  const reject = (events: MbusFramerEvent[], error: DecodeError, size: number): void => {
    if (shadow === 0) {
      events.push({ ok: false, error, bytes: queue.copy(0, size) });
      shadow = size;
    }
    drop(1);
  };

  function scan(events: MbusFramerEvent[], final: boolean): void {
    while (queue.length > 0) {
      const s = scanMbusFrame(queue);
      if (s.kind === 'need-more') {
        if (!final) return;
        reject(events, fail('truncated', LAYER, 'the input ended inside a frame', queue.length).error, queue.length);
        continue;
      }
      if (s.kind === 'skip') {
        drop(nextStart(queue));
        continue;
      }
      if (s.kind === 'reject') {
        if (s.whole) reject(events, s.error, s.size);
        else {
          if (shadow === 0) events.push({ ok: false, error: s.error });
          drop(1);
        }
        continue;
      }
      if (s.size < MBUS_LONG_OVERHEAD + 3) {
        // An ACK or short-frame look-alike inside a rejected candidate is its data.
        if (shadow > 0) {
          drop(1);
          continue;
        }
      }
      const parsed = parseMbusFrame(queue.view(0, s.size)); // copies what it keeps
      if (parsed.ok) {
        events.push({ ok: true, frame: parsed.value });
        shadow = Math.max(0, shadow - s.size);
        queue.consume(s.size);
      } else {
        reject(events, parsed.error, s.size);
      }
    }
  }

  return {
    get pendingBytes() {
      return queue.length;
    },
    get discardedBytes() {
      return discardedTotal;
    },
    push(chunk: Uint8Array): MbusFramerEvent[] {
      queue.append(chunk);
      const events: MbusFramerEvent[] = [];
      scan(events, false);
      return events;
    },
    flush(): MbusFramerEvent[] {
      const events: MbusFramerEvent[] = [];
      scan(events, true);
      queue.clear();
      shadow = 0;
      return events;
    },
  };
}
