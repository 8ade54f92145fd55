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
 * Framer + telegram decoder: bytes in, one event per telegram (or framing error) out, in order.
 * Each decoder owns its state (DsmrState): decoders of different meters never share anything.
 */
export function createDsmrDecoder(options: DsmrOptions = {}): DsmrStreamDecoder {
  const framer = new DsmrFramer(options);
  const state = new DsmrState();
  let events: FrameEvent[] = [];
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
      events = [];
      framer.feed(chunk, sink);
      return events;
    },
    flush(): FrameEvent[] {
      events = [];
      framer.flushTo(sink);
      return events;
    },
    get discardedBytes(): number {
      return framer.discardedBytes;
    },
    get pendingBytes(): number {
      return framer.pendingBytes;
    },
  };
}
