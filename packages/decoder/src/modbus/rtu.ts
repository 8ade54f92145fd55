import { fail, ok, type Result } from '../common/errors';
import type { Framer, FramerEvent } from '../common/framer';
import { crc16Modbus } from './crc';

/** Modbus over Serial Line V1.02 §2.5.1: an RTU frame is at most 256 bytes (address, PDU ≤ 253, CRC). */
export const MODBUS_RTU_MAX_FRAME = 256;

export interface ModbusAdu {
  readonly unitId: number;
  readonly pdu: Uint8Array;
  /** The whole frame as received. */
  readonly bytes: Uint8Array;
}

/** `unit, pdu…, crcLo, crcHi`. */
export function encodeModbusRtu(unitId: number, pdu: Uint8Array): Uint8Array {
  const out = new Uint8Array(pdu.length + 3);
  out[0] = unitId;
  out.set(pdu, 1);
  const crc = crc16Modbus(out, 0, pdu.length + 1);
  out[pdu.length + 1] = crc & 0xff;
  out[pdu.length + 2] = crc >> 8;
  return out;
}

/** One complete RTU frame (as cut by the inter-frame silence): checks its CRC. */
export function decodeModbusRtu(frame: Uint8Array): Result<ModbusAdu> {
  if (frame.length < 4) return fail('truncated', 'modbus-rtu', `an RTU frame has at least 4 bytes, not ${frame.length}`);
  if (frame.length > MODBUS_RTU_MAX_FRAME) return fail('too-long', 'modbus-rtu', `${frame.length} bytes (at most ${MODBUS_RTU_MAX_FRAME})`);
  const n = frame.length;
  const sent = (frame[n - 2] as number) | ((frame[n - 1] as number) << 8);
  const crc = crc16Modbus(frame, 0, n - 2);
  if (sent !== crc) return fail('bad-crc', 'modbus-rtu', `CRC ${hex4(sent)} but the frame gives ${hex4(crc)}`, n - 2);
  return ok({ unitId: frame[0] as number, pdu: frame.slice(1, n - 2), bytes: frame.slice() });
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** What an RTU framer waits for: the answer of one unit to one read, or (server side) any read request. */
export type ModbusRtuExpectation =
  { readonly kind: 'response'; readonly unitId: number; readonly function: number } | { readonly kind: 'request' } | { readonly kind: 'nothing' };

/**
 * Cuts RTU frames out of a serial byte stream. RTU has no start byte: the framer is told what may
 * come (`expect`), and the expected unit id (server side: a unit address 1…247 followed by a read
 * function) is the start marker. A response's length follows from its function byte and byte
 * count (an exception is 5 bytes), a read request is 8 bytes. A candidate whose CRC or function
 * does not fit is reported and the search goes on one byte after its start. Bytes that arrive
 * while nothing is expected (an answer after its timeout) are garbage.
 */
export class ModbusRtuFramer implements Framer<ModbusAdu> {
  private buf: Uint8Array = new Uint8Array(0);
  private dropped = 0;
  private expectation: ModbusRtuExpectation;

  constructor(expectation: ModbusRtuExpectation = { kind: 'request' }) {
    this.expectation = expectation;
  }

  get pendingBytes(): number {
    return this.buf.length;
  }

  get discardedBytes(): number {
    return this.dropped;
  }

  /** Changes what is expected; bytes still buffered for the old expectation are dropped. */
  expect(expectation: ModbusRtuExpectation): void {
    this.dropped += this.buf.length;
    this.buf = new Uint8Array(0);
    this.expectation = expectation;
  }

  push(chunk: Uint8Array): FramerEvent<ModbusAdu>[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    return this.scan(joined);
  }

  /**
   * End of input: a candidate still waiting for bytes is `truncated`, and the search goes on one
   * byte after its start, so a whole frame that lies inside it still comes out.
   */
  flush(): FramerEvent<ModbusAdu>[] {
    const events = this.scan(this.buf, true);
    this.buf = new Uint8Array(0);
    return events;
  }

  /** Length of the candidate at `i`: a number, 'more' (not yet known) or 'bad' (not a frame start). */
  private lengthAt(b: Uint8Array, i: number): number | 'more' | 'bad' {
    const e = this.expectation;
    const unit = b[i] as number;
    if (e.kind === 'nothing') return 'bad';
    if (e.kind === 'response' ? unit !== e.unitId : unit < 1 || unit > 247) return 'bad';
    if (i + 1 >= b.length) return 'more';
    const fn = b[i + 1] as number;
    if (e.kind === 'request') return fn === 3 || fn === 4 ? 8 : 'bad';
    if (fn === (e.function | 0x80)) return 5;
    if (fn !== e.function) return 'bad';
    if (i + 2 >= b.length) return 'more';
    return 5 + (b[i + 2] as number);
  }

  private scan(b: Uint8Array, final = false): FramerEvent<ModbusAdu>[] {
    const events: FramerEvent<ModbusAdu>[] = [];
    let i = 0;
    while (i < b.length) {
      const len = this.lengthAt(b, i);
      if (final && (len === 'more' || (typeof len === 'number' && len <= MODBUS_RTU_MAX_FRAME && i + len > b.length))) {
        events.push({ ok: false, error: fail('truncated', 'modbus-rtu', `frame cut off after ${b.length - i} bytes`).error, bytes: b.slice(i) });
        this.dropped++;
        i++;
        continue;
      }
      if (len === 'more') break;
      if (len === 'bad') {
        this.dropped++;
        i++;
        continue;
      }
      if (len > MODBUS_RTU_MAX_FRAME) {
        events.push({
          ok: false,
          error: fail('too-long', 'modbus-rtu', `byte count ${len - 5} makes a ${len}-byte frame (at most ${MODBUS_RTU_MAX_FRAME})`).error,
          bytes: b.slice(i, i + 3),
        });
        this.dropped++;
        i++;
        continue;
      }
      if (i + len > b.length) break;
      const d = decodeModbusRtu(b.subarray(i, i + len));
      if (d.ok) {
        events.push({ ok: true, frame: d.value });
        i += len;
      } else {
        events.push({ ok: false, error: d.error, bytes: b.slice(i, i + len) });
        this.dropped++;
        i++;
      }
    }
    this.buf = b.slice(i);
    return events;
  }
}

/**
 * The inter-frame silence (t3.5) in milliseconds: 3.5 characters of 11 bits, and 1.75 ms above
 * 19200 Bd (Modbus over Serial Line V1.02 §2.5.1.1).
 */
export function modbusRtuSilenceMs(baudRate: number): number {
  return baudRate > 19200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}
