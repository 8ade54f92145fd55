import { errorEvent, frameEvent, type FrameEvent, type StreamDecoder } from '../common';
import { decodeApplicationLayer, type MbusTelegram } from './application';
import { isFromSlave } from './frame';
import { createMbusFramer, type MbusFramerEvent } from './framer';
import { DEFAULT_MAX_TELEGRAMS, EMPTY_READOUT, accumulateReadout, belongsToReadout, mergeReadout, type ReadoutAccumulator } from './multi-telegram';
import { createMbusDecoderCache, telegramToSnapshot, type MbusDecodeOptions } from './snapshot';

export interface MbusStreamOptions extends MbusDecodeOptions {
  /**
   * Merge the telegrams of a multi-telegram readout (DIF 1F) into one snapshot, emitted when the
   * last telegram arrives (default true). When false, every telegram is its own snapshot.
   */
  readonly mergeTelegrams?: boolean;
  readonly maxTelegrams?: number;
}

/**
 * Stream decoder for the bytes a master receives (or a bus sniffer sees): slave responses
 * (RSP_UD long frames) become snapshots; ACKs and master requests are skipped silently; bad
 * frames are reported as error events. A multi-telegram readout (DIF 1F) is emitted when its last
 * telegram arrives, when a telegram from another meter comes instead, or on `flush()`.
 */
export interface MbusStreamDecoder extends StreamDecoder {
  /**
   * End of input, or no answer within the listening timeout: reports a frame cut off by the end
   * (`truncated`) and emits a readout still waiting for its next telegram (DIF 1F) as a snapshot
   * of the records read so far. The decoder is then empty and ready for more input.
   */
  flush(): FrameEvent[];
  /** Bytes held back for an incomplete frame. */
  readonly pendingBytes: number;
}

export function createMbusDecoder(options: MbusStreamOptions = {}): MbusStreamDecoder {
  const framer = createMbusFramer();
  const merge = options.mergeTelegrams ?? true;
  const maxTelegrams = options.maxTelegrams ?? DEFAULT_MAX_TELEGRAMS;
  let pending: ReadoutAccumulator = EMPTY_READOUT;
  let pendingFrame: Uint8Array | undefined;
  const cache = createMbusDecoderCache();

  function snapshotEvent(t: MbusTelegram, frame: Uint8Array): FrameEvent {
    return frameEvent(telegramToSnapshot(t, options, cache), frame);
  }

  function flushPending(out: FrameEvent[]): void {
    const merged = mergeReadout(pending);
    if (merged && pendingFrame) out.push(snapshotEvent(merged, pendingFrame));
    pending = EMPTY_READOUT;
    pendingFrame = undefined;
  }

  return {
    protocol: 'mbus',
    get discardedBytes() {
      return framer.discardedBytes;
    },
    get pendingBytes() {
      return framer.pendingBytes;
    },
    push(chunk: Uint8Array): FrameEvent[] {
      return decode(framer.push(chunk));
    },
    flush(): FrameEvent[] {
      const out = decode(framer.flush());
      flushPending(out);
      return out;
    },
  };

  function decode(events: readonly MbusFramerEvent[]): FrameEvent[] {
    const out: FrameEvent[] = [];
    for (const e of events) {
      if (!e.ok) {
        out.push(errorEvent(e.error, e.bytes));
        continue;
      }
      const f = e.frame;
      if (f.type === 'ack' || f.type === 'short' || !isFromSlave(f.control)) continue;
      const t = decodeApplicationLayer(f, cache.records);
      if (!t.ok) {
        out.push({ ok: false, error: t.error, frame: f.bytes });
        continue;
      }
      const telegram = t.value;
      if (!merge || telegram.kind !== 'variable') {
        out.push(snapshotEvent(telegram, f.bytes));
        continue;
      }
      if (!belongsToReadout(pending, telegram)) flushPending(out);
      const acc = accumulateReadout(pending, telegram, maxTelegrams);
      if (!acc.ok) {
        flushPending(out);
        out.push({ ok: false, error: acc.error, frame: f.bytes });
        continue;
      }
      pending = acc.value;
      pendingFrame = f.bytes;
      if (pending.complete) flushPending(out);
    }
    return out;
  }
}
