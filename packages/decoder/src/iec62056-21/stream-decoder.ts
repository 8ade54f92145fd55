import { FramedDecoder, frameEvent, type FrameEvent, type StreamDecoder } from '../common';
import type { D0FramerOptions } from './framer-types';
import { D0ReadoutFramer, type D0Readout } from './readout-framer';
import { ReadoutSnapshots } from './readout-snapshots';
import type { SnapshotOptions } from './snapshot';

export type D0DecoderOptions = D0FramerOptions & SnapshotOptions;

/** A D0 stream decoder; `flush()` ends a pending block (call it on line silence or end of file). */
export interface D0StreamDecoder extends StreamDecoder {
  flush(): FrameEvent[];
  /** Bytes held back for an incomplete readout (bounded by `maxFrameBytes`). */
  readonly pendingBytes: number;
}

/**
 * Stream decoder for IEC 62056-21: one `MeterSnapshot` per readout (identification plus data
 * message, see D0ReadoutFramer), mode D push or a mode A–C readout as seen on the line, echoes
 * included. Every decoder has its own caches. A readout is reported as soon as it is complete.
 */
export function createD0Decoder(options: D0DecoderOptions = {}): D0StreamDecoder {
  return new D0Decoder(options);
}

class D0Decoder extends FramedDecoder<D0Readout> implements D0StreamDecoder {
  readonly protocol = 'iec62056-21' as const;
  private readonly snapshots: ReadoutSnapshots;

  constructor(options: D0DecoderOptions) {
    super(new D0ReadoutFramer(options));
    this.snapshots = new ReadoutSnapshots(options.defaultMedium, options.profiles);
  }

  protected decodeFrame(readout: D0Readout, out: FrameEvent[]): void {
    out.push(frameEvent(this.snapshots.build(readout.identification, readout.message), readout.bytes));
  }
}
