import { errorRecord, hexToBytes, type DecodeError, type ErrorRecord, type FrameEvent } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import type { NodeStatus } from './red';

/*
 * What the nodes send: what `smi decode` (packages/gateway/src/cli/decode.ts) prints —
 * `JSON.stringify(snapshot)` per frame and `errorRecord(error)` (from @smi/decoder) per rejected frame.
 */

/** The snapshot exactly as `smi decode` prints it, as a fresh plain object (safe to modify downstream). */
export function snapshotPayload(snapshot: MeterSnapshot): MeterSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as MeterSnapshot;
}

/** A rejected frame as `smi decode` prints it on standard error (one renderer for both: `errorRecord`). */
export type ErrorPayload = ErrorRecord;
export const errorPayload = (error: DecodeError): ErrorPayload => errorRecord(error);

/** Message properties for one frame event: frames go to output 1, rejected frames to output 2. */
export type EventMessage =
  | { readonly output: 0; readonly topic: string; readonly payload: MeterSnapshot }
  | { readonly output: 1; readonly topic: string; readonly payload: ErrorPayload };

export function eventMessage(ev: FrameEvent): EventMessage {
  if (ev.ok) return { output: 0, topic: ev.snapshot.meter.id, payload: snapshotPayload(ev.snapshot) };
  return { output: 1, topic: ev.error.kind, payload: errorPayload(ev.error) };
}

/** Counts shown in the node status. */
export class FrameCounter {
  frames = 0;
  rejected = 0;
  private last: NodeStatus = {};

  /** Counts the event and returns the status to show. */
  count(ev: FrameEvent): NodeStatus {
    if (ev.ok) {
      this.frames++;
      this.last = { fill: 'green', shape: 'dot', text: `${ev.snapshot.meter.id}: ${this.frames} frames${this.rejected ? `, ${this.rejected} rejected` : ''}` };
    } else {
      this.rejected++;
      this.last = { fill: 'red', shape: 'ring', text: `${ev.error.kind} (${this.frames} frames, ${this.rejected} rejected)` };
    }
    return this.last;
  }
}

export type StringMode = 'hex' | 'text';

/**
 * The bytes of an incoming `msg.payload`: a Buffer (or any Uint8Array), or a string that is hex
 * (`mode: 'hex'`, white space, `0x` and `:`/`-`/`,` separators ignored) or the meter's own text
 * (`mode: 'text'`, e.g. DSMR lines from a serial node in string mode; latin1, byte for byte).
 * Anything else is an error text.
 */
export function payloadBytes(
  payload: unknown,
  mode: StringMode,
): { readonly ok: true; readonly value: Uint8Array } | { readonly ok: false; readonly error: string } {
  if (payload instanceof Uint8Array) return { ok: true, value: payload };
  if (typeof payload === 'string') {
    if (mode === 'text') return { ok: true, value: Buffer.from(payload, 'latin1') };
    const bytes = hexToBytes(payload);
    return bytes ? { ok: true, value: bytes } : { ok: false, error: 'msg.payload is not hex text (set "Strings are" to "meter text" for DSMR or D0 lines)' };
  }
  const type = payload === null ? 'null' : Array.isArray(payload) ? 'array' : typeof payload;
  return { ok: false, error: `msg.payload must be a Buffer or a string, not ${type}` };
}
