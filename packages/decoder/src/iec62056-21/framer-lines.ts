import { fail, sameBytes, type FramerEvent, type Result } from '../common';
import { CR, LAYER } from './constants';
import type { D0Frame, D0FramerEvent, FrameBase } from './framer-types';
import { parseIdentification, type Identification } from './identification';
import { parseOptionSelect, parseRequest } from './messages';
import { latin1 } from './text';

/**
 * Complete `/…` lines (request echo or identification) → framer events. A push meter repeats
 * the same identification, so the last one parsed is kept per framer.
 */
export class SignOnLines {
  private last: { bytes: Uint8Array; result: Result<Identification> } | undefined;

  event(frame: FrameBase): D0FramerEvent {
    if (frame.bytes[1] === 0x3f) {
      const address = parseRequest(latin1(frame.bytes));
      if (address === undefined)
        return { type: 'error', error: fail('bad-format', LAYER, 'request line is not /?address!', frame.bytes.length).error, ...frame };
      return { type: 'request', address, ...frame };
    }
    const id = this.identification(frame.bytes);
    const { offset, bytes } = frame;
    return id.ok ? { type: 'identification', identification: id.value, offset, bytes } : { type: 'error', error: id.error, offset, bytes };
  }

  private identification(bytes: Uint8Array): Result<Identification> {
    const last = this.last;
    if (last !== undefined && sameBytes(last.bytes, bytes)) return last.result;
    const result = parseIdentification(bytes);
    this.last = { bytes, result };
    return result;
  }
}

/** A complete `ACK … LF` line: a bare ACK (`ACK CR LF`) or an option select. */
export function ackLineEvent(frame: FrameBase): D0FramerEvent {
  let stop = frame.bytes.length - 1;
  if (frame.bytes[stop - 1] === CR) stop--;
  if (stop === 1) return { type: 'ack', ...frame };
  const o = parseOptionSelect(frame.bytes);
  return o.ok ? { type: 'option-select', option: o.value, ...frame } : { type: 'error', error: o.error, ...frame };
}

/** A typed framer event in the shape of the common `Framer` contract. */
export function contractEvent(e: D0FramerEvent): FramerEvent<D0Frame> {
  return e.type === 'error' ? { ok: false, error: e.error, bytes: e.bytes } : { ok: true, frame: e };
}

export function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}
