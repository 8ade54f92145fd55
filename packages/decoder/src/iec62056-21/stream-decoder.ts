import { frameEvent, type FrameEvent, type StreamDecoder } from '../common';
import type { D0FramerOptions } from './framer-types';
import { D0ReadoutFramer } from './readout-framer';
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
  const framer = new D0ReadoutFramer(options);
  const snapshots = new ReadoutSnapshots(options.defaultMedium, options.profiles);

  const handle = (events: ReturnType<D0ReadoutFramer['push']>): FrameEvent[] => {
    const out: FrameEvent[] = [];
    for (const e of events) {
      if (!e.ok) {
        out.push(e.bytes === undefined ? { ok: false, error: e.error } : { ok: false, error: e.error, frame: e.bytes });
        continue;
      }
      const s = snapshots.build(e.frame.identification, e.frame.message);
      out.push(frameEvent(s, e.frame.bytes));
    }
    return out;
  };

  return {
    protocol: 'iec62056-21',
    push: (chunk) => handle(framer.push(chunk)),
    flush: () => handle(framer.flush()),
    get discardedBytes() {
      return framer.discardedBytes;
    },
    get pendingBytes() {
      return framer.pendingBytes;
    },
  };
}
