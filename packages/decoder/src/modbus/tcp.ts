import { fail, ok, type Result } from '../common/errors';
import type { Framer, FramerEvent } from '../common/framer';

/** Modbus Messaging on TCP/IP V1.0b: MBAP header (7 bytes) + PDU (at most 253 bytes). */
export const MODBUS_TCP_MAX_FRAME = 260;

export interface ModbusTcpFrame {
  readonly transactionId: number;
  readonly unitId: number;
  readonly pdu: Uint8Array;
  readonly bytes: Uint8Array;
}

/** `tid(2) protocol 0(2) length(2) unit(1) pdu…` (big-endian; length counts unit + PDU). */
export function encodeModbusTcp(transactionId: number, unitId: number, pdu: Uint8Array): Uint8Array {
  const out = new Uint8Array(7 + pdu.length);
  out[0] = (transactionId >> 8) & 0xff;
  out[1] = transactionId & 0xff;
  const len = pdu.length + 1;
  out[4] = len >> 8;
  out[5] = len & 0xff;
  out[6] = unitId;
  out.set(pdu, 7);
  return out;
}

/** The MBAP length field at `i`, or why the header is not one (protocol id ≠ 0, length outside 2…254). */
function mbapLength(b: Uint8Array, i: number): Result<number> {
  if (b[i + 2] !== 0 || b[i + 3] !== 0)
    return fail('bad-format', 'modbus-tcp', `protocol id ${((b[i + 2] as number) << 8) | (b[i + 3] as number)} (Modbus is 0)`, 2);
  const len = ((b[i + 4] as number) << 8) | (b[i + 5] as number);
  if (len < 2 || len > 254) return fail('bad-length', 'modbus-tcp', `MBAP length ${len} (2…254)`, 4);
  return ok(len);
}

/** One complete MBAP frame. */
export function decodeModbusTcp(frame: Uint8Array): Result<ModbusTcpFrame> {
  if (frame.length < 8) return fail('truncated', 'modbus-tcp', `an MBAP frame has at least 8 bytes, not ${frame.length}`);
  const len = mbapLength(frame, 0);
  if (!len.ok) return len;
  if (frame.length !== 6 + len.value) return fail('bad-length', 'modbus-tcp', `MBAP length ${len.value} but ${frame.length - 6} bytes follow`, 4);
  return ok({ transactionId: ((frame[0] as number) << 8) | (frame[1] as number), unitId: frame[6] as number, pdu: frame.slice(7), bytes: frame.slice() });
}

/**
 * Cuts MBAP frames out of a TCP byte stream (both directions). A header whose protocol id is not
 * 0 or whose length is impossible is reported once and the search moves on byte by byte (those
 * bytes count as discarded) until a plausible header starts a frame again.
 */
export class ModbusTcpFramer implements Framer<ModbusTcpFrame> {
  private buf: Uint8Array = new Uint8Array(0);
  private dropped = 0;
  /** Inside a run of bad bytes: reported once, not per byte. */
  private resyncing = false;

  get pendingBytes(): number {
    return this.buf.length;
  }

  get discardedBytes(): number {
    return this.dropped;
  }

  push(chunk: Uint8Array): FramerEvent<ModbusTcpFrame>[] {
    const b = new Uint8Array(this.buf.length + chunk.length);
    b.set(this.buf);
    b.set(chunk, this.buf.length);
    const events: FramerEvent<ModbusTcpFrame>[] = [];
    let i = 0;
    while (b.length - i >= 6) {
      const len = mbapLength(b, i);
      if (!len.ok) {
        if (!this.resyncing) events.push({ ok: false, error: len.error, bytes: b.slice(i, i + 6) });
        this.resyncing = true;
        this.dropped++;
        i++;
        continue;
      }
      if (b.length - i < 6 + len.value) break;
      this.resyncing = false;
      const d = decodeModbusTcp(b.subarray(i, i + 6 + len.value));
      events.push(d.ok ? { ok: true, frame: d.value } : { ok: false, error: d.error, bytes: b.slice(i, i + 6 + len.value) });
      i += 6 + len.value;
    }
    this.buf = b.slice(i);
    return events;
  }

  flush(): FramerEvent<ModbusTcpFrame>[] {
    const rest = this.buf;
    this.buf = new Uint8Array(0);
    this.resyncing = false;
    return rest.length === 0 ? [] : [{ ok: false, error: fail('truncated', 'modbus-tcp', `frame cut off after ${rest.length} bytes`).error, bytes: rest }];
  }
}
