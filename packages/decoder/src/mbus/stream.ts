import type { StreamDecoder, FrameEvent } from '../common';
import { decodeApplicationLayer, type MbusTelegram } from './application';
import { isFromSlave } from './frame';
import { createMbusFramer } from './framer';
import { DEFAULT_MAX_TELEGRAMS, EMPTY_READOUT, accumulateReadout, belongsToReadout, mergeReadout, type ReadoutAccumulator } from './multi-telegram';
import { telegramToSnapshot, type MbusDecodeOptions } from './snapshot';

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
 * frames are reported as error events.
 */
export function createMbusDecoder(options: MbusStreamOptions = {}): StreamDecoder {
  const framer = createMbusFramer();
  const merge = options.mergeTelegrams ?? true;
  const maxTelegrams = options.maxTelegrams ?? DEFAULT_MAX_TELEGRAMS;
  let pending: ReadoutAccumulator = EMPTY_READOUT;
  let pendingFrame: Uint8Array | undefined;

  function snapshotEvent(t: MbusTelegram, frame: Uint8Array): FrameEvent {
    const s = telegramToSnapshot(t, options);
    return s.ok ? { ok: true, snapshot: s.value, frame } : { ok: false, error: s.error, frame };
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
    push(chunk: Uint8Array): FrameEvent[] {
      const out: FrameEvent[] = [];
      for (const e of framer.push(chunk).events) {
        if (!e.ok) {
          out.push(e.frame ? { ok: false, error: e.error, frame: e.frame } : { ok: false, error: e.error });
          continue;
        }
        const f = e.frame;
        if (f.type === 'ack' || f.type === 'short' || !isFromSlave(f.control)) continue;
        const t = decodeApplicationLayer(f);
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
    },
  };
}
