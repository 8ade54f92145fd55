import { frameEvent, type FrameEvent, type StreamDecoder } from '../common/stream';
import { decodeDsmrTelegram } from './decode-telegram';
import type { DsmrOptions } from './envelope';
import { DsmrFramer, type FramerSink } from './framer';
import { DsmrState } from './state';

/** A DSMR stream decoder; `flush` ends the stream (a telegram cut short is reported `truncated`). */
export interface DsmrStreamDecoder extends StreamDecoder {
  flush(): FrameEvent[];
  /** Bytes held for an incomplete telegram: at most `maxLength` + 4 (CRC digits still to come). */
  readonly pendingBytes: number;
}

/**
 * Outside a push the sink has no events array: keeping the last one would keep the last telegram,
 * its decoding and the framer buffer it lies in alive until the next push (1,000 meters: ~2 MB of
 * buffers alone). Frozen, so a sink called outside a push would fail loudly.
 */
const NONE = Object.freeze([]) as unknown as FrameEvent[];

/**
 * Framer + telegram decoder: bytes in, one event per telegram (or framing error) out, in order.
 * Each decoder owns its state (DsmrState): decoders of different meters never share anything.
 */
export function createDsmrDecoder(options: DsmrOptions = {}): DsmrStreamDecoder {
  const framer = new DsmrFramer(options);
  const state = new DsmrState();
  /** The events of the running push; between pushes none (the caller owns what it was given). */
  let events: FrameEvent[] = NONE;
  const sink: FramerSink = {
    frame(bytes) {
      const result = decodeDsmrTelegram(bytes, options, state);
      events.push(frameEvent(result, bytes));
    },
    error(error, partial) {
      events.push(partial === undefined ? { ok: false, error } : { ok: false, error, frame: partial });
    },
  };
  return {
    protocol: 'dsmr',
    push(chunk: Uint8Array): FrameEvent[] {
      const out: FrameEvent[] = (events = []);
      framer.feed(chunk, sink);
      events = NONE;
      return out;
    },
    flush(): FrameEvent[] {
      const out: FrameEvent[] = (events = []);
      framer.flushTo(sink);
      events = NONE;
      return out;
    },
    get discardedBytes(): number {
      return framer.discardedBytes;
    },
    get pendingBytes(): number {
      return framer.pendingBytes;
    },
  };
}
