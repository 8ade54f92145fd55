import type { FrameEvent, StreamDecoder } from '../common';
import { D0Framer, type D0FramerEvent, type D0FramerOptions } from './framer';
import type { Identification } from './identification';
import { ReadoutInterpreter } from './interpreter';
import { ReadingFactory } from './readings';
import { buildSnapshot, MeterInfoCache, type SnapshotOptions } from './snapshot';

export type D0DecoderOptions = D0FramerOptions & SnapshotOptions;

/** A D0 stream decoder; `flush()` ends a pending block (call it on line silence or end of file). */
export interface D0StreamDecoder extends StreamDecoder {
  flush(): FrameEvent[];
}

/**
 * Stream decoder for IEC 62056-21: one `MeterSnapshot` per data message, with the meter info
 * from the identification that came before it (mode D push, or a mode A–C readout as seen on
 * the line, echoes included). Request echoes, ACK/option selects and commands are skipped.
 */
export function createD0Decoder(options: D0DecoderOptions = {}): D0StreamDecoder {
  const framer = new D0Framer(options);
  const interpreter = new ReadoutInterpreter(new ReadingFactory(options.defaultMedium ?? 1));
  const infos = new MeterInfoCache();
  let ident: Identification | undefined;

  const handle = (events: readonly D0FramerEvent[]): FrameEvent[] => {
    const out: FrameEvent[] = [];
    for (const e of events) {
      switch (e.type) {
        case 'identification':
          ident = e.identification;
          break;
        case 'request':
          ident = undefined;
          break;
        case 'data': {
          const s = buildSnapshot(ident, e.message, interpreter, infos);
          ident = undefined;
          out.push(s.ok ? { ok: true, snapshot: s.value, frame: e.bytes } : { ok: false, error: s.error, frame: e.bytes });
          break;
        }
        case 'error':
          ident = undefined;
          out.push({ ok: false, error: e.error, frame: e.bytes });
          break;
        case 'option-select':
        case 'ack':
        case 'nak':
        case 'command':
          break;
        default: {
          const never: never = e;
          throw new Error(`unhandled frame ${String(never)}`);
        }
      }
    }
    return out;
  };

  return {
    protocol: 'iec62056-21',
    push: (chunk) => handle(framer.pushEvents(chunk)),
    flush: () => handle(framer.flushEvents()),
    get discardedBytes() {
      return framer.discardedBytes;
    },
  };
}
