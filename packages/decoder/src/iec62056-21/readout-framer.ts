import type { Framer, FramerEvent } from '../common';
import { fail } from '../common';
import { LAYER } from './constants';
import type { DataMessage } from './data-message';
import { D0Framer } from './framer';
import type { D0FramerEvent, D0FramerOptions, FrameBase } from './framer-types';
import type { Identification } from './identification';

/** One readout: the data message with the identification that came right before it. */
export interface D0Readout extends FrameBase {
  /** Undefined only with `pushWithoutIdentification`. */
  readonly identification?: Identification;
  readonly message: DataMessage;
}

/**
 * The data path of IEC 62056-21 as a `Framer` (common/framer.ts): readouts only. Request echoes,
 * ACK/option selects, NAK and commands between them are protocol traffic, not frames. A data
 * message needs the identification line before it (a readout whose `/XXXZ…` line was lost or hit
 * by noise is `bad-format`, so line noise never becomes a meter without a name), unless
 * `pushWithoutIdentification` is set.
 */
export class D0ReadoutFramer implements Framer<D0Readout> {
  private readonly framer: D0Framer;
  private readonly anonymous: boolean;
  private ident: Identification | undefined;

  constructor(options: D0FramerOptions = {}) {
    this.framer = new D0Framer({ ...options, identificationRequired: !(options.pushWithoutIdentification ?? false) });
    this.anonymous = options.pushWithoutIdentification ?? false;
  }

  get pendingBytes(): number {
    return this.framer.pendingBytes;
  }

  get discardedBytes(): number {
    return this.framer.discardedBytes;
  }

  /** Whether a message is partly received. */
  get busy(): boolean {
    return this.framer.busy;
  }

  push(chunk: Uint8Array): FramerEvent<D0Readout>[] {
    return this.readouts(this.framer.pushEvents(chunk));
  }

  flush(): FramerEvent<D0Readout>[] {
    const out = this.readouts(this.framer.flushEvents());
    this.ident = undefined;
    return out;
  }

  private readouts(events: readonly D0FramerEvent[]): FramerEvent<D0Readout>[] {
    const out: FramerEvent<D0Readout>[] = [];
    for (const e of events) {
      switch (e.type) {
        case 'identification':
          this.ident = e.identification;
          break;
        case 'request':
          this.ident = undefined;
          break;
        case 'data': {
          const ident = this.ident;
          this.ident = undefined;
          if (ident === undefined && !this.anonymous) {
            out.push({ ok: false, error: fail('bad-format', LAYER, 'data message without identification', 0).error, bytes: e.bytes });
            break;
          }
          const frame: D0Readout =
            ident === undefined
              ? { offset: e.offset, bytes: e.bytes, message: e.message }
              : { offset: e.offset, bytes: e.bytes, message: e.message, identification: ident };
          out.push({ ok: true, frame });
          break;
        }
        case 'error':
          this.ident = undefined;
          out.push({ ok: false, error: e.error, bytes: e.bytes });
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
  }
}
