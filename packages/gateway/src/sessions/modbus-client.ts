import {
  buildModbusReadPdu,
  encodeModbusRtu,
  encodeModbusTcp,
  isSunSpecMarker,
  ModbusRtuFramer,
  ModbusTcpFramer,
  parseModbusReadResponsePdu,
  parseSunSpecCommon,
  SUNSPEC_BASES,
  SUNSPEC_END,
  type DecodeError,
  type FrameEvent,
  type ModbusReadFunction,
  type ModbusReadSpan,
  type SunSpecCommon,
  type SunSpecModelHeader,
} from '@smi/decoder';
import { silentLogger, type Logger } from '../log';
import type { SessionIo } from '../session';
import { RequestSlot } from './request-slot';

/** How one read ended. */
export type ModbusAnswer =
  | { readonly kind: 'registers'; readonly registers: Uint16Array; readonly frame: Uint8Array }
  | { readonly kind: 'exception'; readonly error: DecodeError; readonly frame: Uint8Array }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'stopped' };

export interface ModbusClientOptions {
  /** Label in log lines (the meter's name). */
  readonly label: string;
  /** `rtu`: address + PDU + CRC, frames separated by t3.5 silence; `tcp`: MBAP header with transaction ids. */
  readonly framing: 'rtu' | 'tcp';
  readonly timeoutMs: number;
  /** RTU: silence kept before each request (t3.5; see `modbusRtuSilenceMs`). */
  readonly silenceMs?: number;
}

/** What the request on the line waits for. */
interface Waiting {
  readonly unitId: number;
  readonly fn: ModbusReadFunction;
  readonly count: number;
  readonly transactionId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The request/answer machinery of a Modbus client on one line (Modbus over Serial Line V1.02,
 * Modbus Messaging on TCP/IP V1.0b), shared by the polling session and `smi detect`: one read at a
 * time, RTU with the t3.5 gap and echo suppression, TCP with a new transaction id per request;
 * an answer nobody waits for is dropped. `push` returns the framers' error events.
 */
export class ModbusClient {
  private rtu = new ModbusRtuFramer({ kind: 'nothing' });
  private tcp = new ModbusTcpFramer();
  private io: SessionIo | undefined;
  private slot: RequestSlot<Waiting, ModbusAnswer>;
  private slotTimeoutMs: number;
  private transactionId = 0;
  /** RTU: when the line was last busy (a byte received or our request sent), for the t3.5 gap. */
  private lineBusyAt = 0;
  /** RTU: the request just sent, for level converters that echo it back. */
  private echo: { bytes: Uint8Array; matched: number } | undefined;
  private droppedBefore = 0;

  constructor(private readonly options: ModbusClientOptions) {
    this.slotTimeoutMs = options.timeoutMs;
    this.slot = this.newSlot(options.timeoutMs);
  }

  private newSlot(timeoutMs: number): RequestSlot<Waiting, ModbusAnswer> {
    // A finished wait expects nothing more on an RTU line (a late answer is dropped by the framer).
    return new RequestSlot<Waiting, ModbusAnswer>(timeoutMs, { kind: 'timeout' }, () => {
      if (this.options.framing === 'rtu') this.rtu.expect({ kind: 'nothing' });
    });
  }

  get discardedBytes(): number {
    return this.droppedBefore + this.rtu.discardedBytes + this.tcp.discardedBytes;
  }

  get log(): Logger {
    return this.io?.log ?? silentLogger;
  }

  /** The open line, undefined while detached. */
  get attached(): SessionIo | undefined {
    return this.io;
  }

  /** The line is open. */
  attach(io: SessionIo): void {
    this.io = io;
  }

  /** The line closed: the read in flight ends as `stopped`, buffered bytes are dropped. */
  detach(): void {
    this.slot.answer({ kind: 'stopped' });
    this.io = undefined;
    this.droppedBefore += this.rtu.discardedBytes + this.tcp.discardedBytes;
    this.rtu = new ModbusRtuFramer({ kind: 'nothing' });
    this.tcp = new ModbusTcpFramer();
  }

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.options.framing === 'tcp') return this.pushTcp(chunk);
    this.lineBusyAt = Date.now();
    let bytes = chunk;
    const echo = this.echo;
    if (echo) {
      // Held back while the bytes repeat our request; dropped once the whole request came back.
      let n = 0;
      while (n < bytes.length && echo.matched + n < echo.bytes.length && bytes[n] === echo.bytes[echo.matched + n]) n++;
      if (echo.matched + n === echo.bytes.length) {
        this.echo = undefined;
        bytes = bytes.subarray(n);
      } else if (n === bytes.length) {
        echo.matched += n;
        return [];
      } else {
        this.echo = undefined;
        bytes = Uint8Array.from([...echo.bytes.subarray(0, echo.matched), ...bytes]);
      }
    }
    const events: FrameEvent[] = [];
    for (const e of this.rtu.push(bytes)) {
      if (!e.ok) {
        events.push(e.bytes ? { ok: false, error: e.error, frame: e.bytes } : { ok: false, error: e.error });
        continue;
      }
      const w = this.slot.waiting;
      if (w) this.resolveWith(w, e.frame.pdu, e.frame.bytes);
    }
    return events;
  }

  private pushTcp(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (const e of this.tcp.push(chunk)) {
      if (!e.ok) {
        events.push(e.bytes ? { ok: false, error: e.error, frame: e.bytes } : { ok: false, error: e.error });
        continue;
      }
      const w = this.slot.waiting;
      if (w && e.frame.transactionId === w.transactionId && e.frame.unitId === w.unitId) this.resolveWith(w, e.frame.pdu, e.frame.bytes);
      else this.log.debug(`${this.options.label}: ignoring a Modbus answer (transaction ${e.frame.transactionId}, unit ${e.frame.unitId}) nobody waits for`);
    }
    return events;
  }

  private resolveWith(w: Waiting, pdu: Uint8Array, frame: Uint8Array): void {
    const r = parseModbusReadResponsePdu(pdu, w.fn, w.count);
    this.slot.answer(r.ok ? { kind: 'registers', registers: r.value, frame } : { kind: 'exception', error: r.error, frame });
  }

  /** One read, repeated after timeouts up to `retries` times while `live()`. */
  async read(unitId: number, fn: ModbusReadFunction, span: ModbusReadSpan, retries: number, live: () => boolean, timeoutMs?: number): Promise<ModbusAnswer> {
    let answer: ModbusAnswer = { kind: 'timeout' };
    for (let attempt = 0; attempt <= retries && answer.kind === 'timeout'; attempt++) {
      if (!live()) return { kind: 'stopped' };
      answer = await this.exchange(unitId, fn, span, timeoutMs);
    }
    return answer;
  }

  /** Sends one read and waits for its answer, the timeout (default: the client's), or the line's end. */
  async exchange(unitId: number, fn: ModbusReadFunction, span: ModbusReadSpan, timeoutMs = this.options.timeoutMs): Promise<ModbusAnswer> {
    const o = this.options;
    const pdu = buildModbusReadPdu(fn, span.address, span.count);
    if (!pdu.ok) throw new Error(pdu.error.message); // callers keep spans within the limits
    if (o.framing === 'rtu') {
      // t3.5: the line must be silent before a new frame starts (Modbus over Serial Line §2.5.1.1).
      const wait = this.lineBusyAt + Math.ceil(o.silenceMs ?? 2) - Date.now();
      if (wait > 0) await sleep(wait);
    }
    const io = this.io;
    if (!io) return { kind: 'stopped' };
    this.transactionId = (this.transactionId + 1) & 0xffff;
    const transactionId = this.transactionId;
    const frame = o.framing === 'rtu' ? encodeModbusRtu(unitId, pdu.value) : encodeModbusTcp(transactionId, unitId, pdu.value);
    if (o.framing === 'rtu') {
      this.rtu.expect({ kind: 'response', unitId, function: fn });
      this.echo = { bytes: frame, matched: 0 };
    }
    // One read at a time: the slot is free here, so another timeout may take it over.
    if (timeoutMs !== this.slotTimeoutMs && this.slot.waiting === undefined) {
      this.slot = this.newSlot(timeoutMs);
      this.slotTimeoutMs = timeoutMs;
    }
    const waiting: Waiting = { unitId, fn, count: span.count, transactionId };
    return this.slot.send(io, frame, waiting, `${o.label}: cannot send a Modbus request`, () => {
      this.lineBusyAt = Date.now();
    });
  }
}

/** What the SunSpec walk of one unit found. */
export type SunSpecWalk =
  | { readonly kind: 'found'; readonly base: number; readonly models: readonly SunSpecModelHeader[]; readonly common: SunSpecCommon | undefined }
  | { readonly kind: 'silent'; readonly why: string }
  | { readonly kind: 'stopped' };

/**
 * SunSpec discovery with `read` (holding registers of one unit): the `SunS` marker at 40000, 0 or
 * 50000, then the model chain (ID, L) up to the end marker; model 1 names the device.
 */
export async function walkSunSpec(read: (address: number, count: number) => Promise<ModbusAnswer>): Promise<SunSpecWalk> {
  let base: number | undefined;
  for (const b of SUNSPEC_BASES) {
    const a = await read(b, 2);
    if (a.kind === 'stopped') return a;
    if (a.kind === 'timeout') return { kind: 'silent', why: `no answer to the SunSpec marker read at ${b}` };
    if (a.kind === 'registers' && isSunSpecMarker(a.registers)) {
      base = b;
      break;
    }
  }
  if (base === undefined) return { kind: 'silent', why: `no SunSpec marker (SunS) at ${SUNSPEC_BASES.join(', ')}` };
  const models: SunSpecModelHeader[] = [];
  let common: SunSpecCommon | undefined;
  for (let address = base + 2, n = 0; n < 64 && address <= 0xfffd; n++) {
    const h = await read(address, 2);
    if (h.kind !== 'registers') return h.kind === 'stopped' ? h : { kind: 'silent', why: `SunSpec model header at ${address} unreadable` };
    const [id = SUNSPEC_END, length = 0] = h.registers;
    if (id === SUNSPEC_END) break;
    models.push({ id, address, length });
    if (id === 1 && !common) {
      const c = await read(address + 2, Math.min(length, 66));
      const parsed = c.kind === 'registers' ? parseSunSpecCommon(c.registers) : undefined;
      if (parsed?.ok) common = parsed.value;
    }
    address += 2 + length;
  }
  return { kind: 'found', base, models, common };
}
