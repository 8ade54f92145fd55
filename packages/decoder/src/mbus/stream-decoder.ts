import { FramedDecoder, frameEvent, type FrameEvent, type StreamDecoder } from '../common';
import { decodeApplicationLayer, type MbusTelegram } from './application';
import { isFromSlave, type MbusFrame } from './frame';
import { createMbusFramer } from './framer';
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
  return new MbusDecoder(options);
}

class MbusDecoder extends FramedDecoder<MbusFrame> implements MbusStreamDecoder {
  readonly protocol = 'mbus' as const;
  private readonly merge: boolean;
  private readonly maxTelegrams: number;
  private readonly cache = createMbusDecoderCache();
  private pending: ReadoutAccumulator = EMPTY_READOUT;
  private pendingFrame: Uint8Array | undefined;

  constructor(private readonly options: MbusStreamOptions) {
    super(createMbusFramer());
    this.merge = options.mergeTelegrams ?? true;
    this.maxTelegrams = options.maxTelegrams ?? DEFAULT_MAX_TELEGRAMS;
  }

  override flush(): FrameEvent[] {
    const out = super.flush();
    this.flushPending(out);
    return out;
  }

  protected decodeFrame(f: MbusFrame, out: FrameEvent[]): void {
    if (f.type === 'ack' || f.type === 'short' || !isFromSlave(f.control)) return;
    const t = decodeApplicationLayer(f, this.cache.records);
    if (!t.ok) {
      out.push({ ok: false, error: t.error, frame: f.bytes });
      return;
    }
    const telegram = t.value;
    if (!this.merge || telegram.kind !== 'variable') {
      out.push(this.snapshotEvent(telegram, f.bytes));
      return;
    }
    if (!belongsToReadout(this.pending, telegram)) this.flushPending(out);
    const acc = accumulateReadout(this.pending, telegram, this.maxTelegrams);
    if (!acc.ok) {
      this.flushPending(out);
      out.push({ ok: false, error: acc.error, frame: f.bytes });
      return;
    }
    this.pending = acc.value;
    this.pendingFrame = f.bytes;
    if (this.pending.complete) this.flushPending(out);
  }

  private snapshotEvent(t: MbusTelegram, frame: Uint8Array): FrameEvent {
    return frameEvent(telegramToSnapshot(t, this.options, this.cache), frame);
  }

  private flushPending(out: FrameEvent[]): void {
    const merged = mergeReadout(this.pending);
    if (merged && this.pendingFrame) out.push(this.snapshotEvent(merged, this.pendingFrame));
    this.pending = EMPTY_READOUT;
    this.pendingFrame = undefined;
  }
}
