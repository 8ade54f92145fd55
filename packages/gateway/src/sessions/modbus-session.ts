import { readFileSync } from 'node:fs';
import {
  buildModbusReadPdu,
  builtinModbusProfile,
  BUILTIN_MODBUS_PROFILES,
  encodeModbusRtu,
  encodeModbusTcp,
  isSunSpecMarker,
  modbusRtuSilenceMs,
  modbusSnapshot,
  ModbusRtuFramer,
  ModbusTcpFramer,
  parseMeterProfile,
  parseModbusReadResponsePdu,
  parseSunSpecCommon,
  planModbusReads,
  SUNSPEC_BASES,
  SUNSPEC_END,
  sunSpecProfile,
  type DecodeError,
  type FrameEvent,
  type ModbusMeterProfile,
  type ModbusReadFunction,
  type ModbusReadSpan,
  type ModbusRegisterBlock,
  type SunSpecCommon,
  type SunSpecModelHeader,
} from '@smi/decoder';
import type { MeterInfo } from '@smi/model';
import type { MeterConfig } from '../config/schema';
import { silentLogger, type Logger } from '../log';
import type { MeterSession, SessionIo } from '../session';
import { PollRounds, type Live } from './poll-rounds';
import { RequestSlot } from './request-slot';

/** How a Modbus client polls its units (Modbus over Serial Line V1.02, Modbus Messaging on TCP/IP V1.0b). */
export interface ModbusPollingOptions {
  /** Label in log lines (the meter's name). */
  readonly label: string;
  /** A profile, or `sunspec`: each unit's models are discovered from its `SunS` marker on the first round. */
  readonly profile: ModbusMeterProfile | 'sunspec';
  readonly unitIds: readonly number[];
  /** `rtu`: address + PDU + CRC, frames separated by t3.5 silence; `tcp`: MBAP header with transaction ids. */
  readonly framing: 'rtu' | 'tcp';
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  /** RTU: silence kept before each request (t3.5; see `modbusRtuSilenceMs`). */
  readonly silenceMs?: number;
}

type Answer =
  | { readonly kind: 'registers'; readonly registers: Uint16Array; readonly frame: Uint8Array }
  | { readonly kind: 'exception'; readonly error: DecodeError; readonly frame: Uint8Array }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'stopped' };

/** What a unit is read with: its profile, the reads, and what the device said about itself. */
interface UnitPlan {
  readonly profile: ModbusMeterProfile;
  readonly spans: readonly ModbusReadSpan[];
  readonly meter?: Partial<MeterInfo>;
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
 * A Modbus client as a meter session: every poll interval, for each unit id in turn, the reads the
 * profile needs (FC 3 or 4, neighbouring registers merged), each repeated up to `retries` times
 * after a timeout; one snapshot per unit. An exception response is an error event of its kind
 * (counted by the pipeline) and the unit's other reads go on. A unit that stays silent is logged
 * and asked again next round; nothing here ever throws at the pipeline.
 */
export class ModbusPollingSession implements MeterSession {
  readonly protocol = 'modbus' as const;
  private readonly plans = new Map<number, UnitPlan>();
  private rtu = new ModbusRtuFramer({ kind: 'nothing' });
  private tcp = new ModbusTcpFramer();
  private io: SessionIo | undefined;
  private readonly slot: RequestSlot<Waiting, Answer>;
  private readonly rounds: PollRounds<number>;
  private transactionId = 0;
  /** RTU: when the line was last busy (a byte received or our request sent), for the t3.5 gap. */
  private lineBusyAt = 0;
  /** RTU: the request just sent, for level converters that echo it back. */
  private echo: { bytes: Uint8Array; matched: number } | undefined;
  private readonly missing = new Set<number>();
  private droppedBefore = 0;

  constructor(private readonly options: ModbusPollingOptions) {
    this.rounds = new PollRounds<number>(
      options.pollIntervalMs,
      (unitId, live) => this.readUnit(unitId, live),
      (unitId, e) => this.log.error(`${this.options.label}: reading Modbus unit ${unitId} failed: ${String(e)}`),
    );
    // A finished wait expects nothing more on an RTU line (a late answer is dropped by the framer).
    this.slot = new RequestSlot<Waiting, Answer>(options.timeoutMs, { kind: 'timeout' }, () => {
      if (options.framing === 'rtu') this.rtu.expect({ kind: 'nothing' });
    });
    const p = options.profile;
    if (p !== 'sunspec') for (const unitId of options.unitIds) this.plans.set(unitId, { profile: p, spans: planModbusReads(p.modbus) });
  }

  get discardedBytes(): number {
    return this.droppedBefore + this.rtu.discardedBytes + this.tcp.discardedBytes;
  }

  private get log(): Logger {
    return this.io?.log ?? silentLogger;
  }

  start(io: SessionIo): void {
    this.stop();
    this.io = io;
    const o = this.options;
    const what = o.profile === 'sunspec' ? 'SunSpec, models discovered' : `${o.profile.id}, ${planModbusReads(o.profile.modbus).length} reads`;
    this.log.info(`${o.label}: polling Modbus ${o.framing.toUpperCase()} unit ${o.unitIds.join(', ')} (${what}) every ${o.pollIntervalMs / 1000} s`);
    this.rounds.start(o.unitIds);
  }

  stop(): void {
    this.rounds.stop();
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

  /** All reads of one unit, then its snapshot (or the errors) through `io.emit`. */
  private async readUnit(unitId: number, live: Live): Promise<void> {
    const plan = this.plans.get(unitId) ?? (await this.discover(unitId, live));
    if (!plan || !live()) return;
    const blocks: ModbusRegisterBlock[] = [];
    const events: FrameEvent[] = [];
    let frame: Uint8Array | undefined;
    for (const span of plan.spans) {
      const answer = await this.request(unitId, plan.profile.modbus.function, span, live);
      if (answer.kind === 'stopped' || !live()) return;
      if (answer.kind === 'timeout') {
        if (blocks.length === 0) return this.silent(unitId, `no answer to the read of ${span.count} registers at ${span.address}`);
        this.log.warn(`${this.options.label}: Modbus unit ${unitId}: no answer to the read of ${span.count} registers at ${span.address}`);
        continue;
      }
      if (answer.kind === 'exception') {
        events.push({
          ok: false,
          error: { ...answer.error, message: `unit ${unitId}, registers ${span.address}…${span.address + span.count - 1}: ${answer.error.message}` },
          frame: answer.frame,
        });
        continue;
      }
      blocks.push({ address: span.address, registers: answer.registers });
      frame = answer.frame;
    }
    if (this.missing.delete(unitId)) this.log.info(`${this.options.label}: Modbus unit ${unitId} answers again`);
    const s = modbusSnapshot(plan.profile, unitId, blocks, plan.meter);
    for (const error of s.errors) events.push({ ok: false, error: { ...error, message: `unit ${unitId}: ${error.message}` } });
    if (s.snapshot && frame) events.push({ ok: true, snapshot: s.snapshot, frame });
    this.io?.emit?.(events);
  }

  /** One read, repeated after timeouts up to `retries` times. */
  private async request(unitId: number, fn: ModbusReadFunction, span: ModbusReadSpan, live: Live): Promise<Answer> {
    let answer: Answer = { kind: 'timeout' };
    for (let attempt = 0; attempt <= this.options.retries && answer.kind === 'timeout'; attempt++) {
      if (!live()) return { kind: 'stopped' };
      answer = await this.exchange(unitId, fn, span);
    }
    return answer;
  }

  /**
   * SunSpec discovery: the `SunS` marker at 40000, 0 or 50000 (holding registers), then the model
   * chain (ID, L) up to the end marker; model 1 names the device. The plan is kept for later rounds.
   */
  private async discover(unitId: number, live: Live): Promise<UnitPlan | undefined> {
    const read = async (address: number, count: number): Promise<Answer> => this.request(unitId, 3, { address, count }, live);
    let base: number | undefined;
    for (const b of SUNSPEC_BASES) {
      const a = await read(b, 2);
      if (a.kind === 'stopped') return undefined;
      if (a.kind === 'timeout') return void this.silent(unitId, `no answer to the SunSpec marker read at ${b}`);
      if (a.kind === 'registers' && isSunSpecMarker(a.registers)) {
        base = b;
        break;
      }
    }
    if (base === undefined) return void this.silent(unitId, `no SunSpec marker (SunS) at ${SUNSPEC_BASES.join(', ')}`);
    const models: SunSpecModelHeader[] = [];
    let common: SunSpecCommon | undefined;
    for (let address = base + 2, n = 0; n < 64 && address <= 0xfffd; n++) {
      const h = await read(address, 2);
      if (h.kind !== 'registers') return h.kind === 'stopped' ? undefined : void this.silent(unitId, `SunSpec model header at ${address} unreadable`);
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
    const profile = sunSpecProfile(models, common);
    if (!profile.ok) return void this.silent(unitId, profile.error.message);
    const meter: Partial<MeterInfo> = common
      ? { ...(common.serial ? { id: common.serial } : {}), ...(common.manufacturer ? { manufacturer: common.manufacturer } : {}) }
      : {};
    const plan: UnitPlan = { profile: profile.value, spans: planModbusReads(profile.value.modbus), meter };
    this.log.info(
      `${this.options.label}: Modbus unit ${unitId}: SunSpec at ${base}, models ${models.map((m) => m.id).join(', ')}; reading model ${profile.value.id.slice(8)}${common ? ` of ${common.manufacturer} ${common.model} ${common.serial}` : ''}`,
    );
    this.plans.set(unitId, plan);
    return plan;
  }

  private silent(unitId: number, why: string): void {
    const line = `${this.options.label}: Modbus unit ${unitId}: ${why}; trying again next round`;
    if (this.missing.has(unitId)) this.log.debug(line);
    else this.log.warn(line);
    this.missing.add(unitId);
  }

  /** Sends one read and waits for its answer, the timeout, or the session's end. */
  private async exchange(unitId: number, fn: ModbusReadFunction, span: ModbusReadSpan): Promise<Answer> {
    const o = this.options;
    const pdu = buildModbusReadPdu(fn, span.address, span.count);
    if (!pdu.ok) throw new Error(pdu.error.message); // planModbusReads keeps spans within the limits
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
    const waiting: Waiting = { unitId, fn, count: span.count, transactionId };
    return this.slot.send(io, frame, waiting, `${o.label}: cannot send a Modbus request`, () => {
      this.lineBusyAt = Date.now();
    });
  }
}

/** Whether a meter is polled over Modbus. */
export function isModbusPolling(m: MeterConfig): boolean {
  return m.protocol === 'modbus';
}

/** A built-in profile by id, or the Modbus profile in a JSON file (the one profile shape). */
export function loadModbusProfile(entry: string): { ok: true; value: ModbusMeterProfile | 'sunspec' } | { ok: false; error: string } {
  if (entry === 'sunspec') return { ok: true, value: 'sunspec' };
  const builtin = builtinModbusProfile(entry);
  if (builtin) return { ok: true, value: builtin };
  if (!/[/\\]/.test(entry) && !entry.toLowerCase().endsWith('.json')) {
    return {
      ok: false,
      error: `modbus.profile: ${entry} is neither a built-in profile (${BUILTIN_MODBUS_PROFILES.map((p) => p.id).join(', ')}), sunspec, nor a .json file`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(entry, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: `modbus.profile (${entry}): ${err.code ? `cannot read the file (${err.code})` : `not JSON: ${err.message}`}` };
  }
  const p = parseMeterProfile(json);
  if (!p.ok) return { ok: false, error: `modbus.profile (${entry}): ${p.error.message}` };
  if (p.value.protocol !== 'modbus') return { ok: false, error: `modbus.profile (${entry}): profile ${p.value.id} is for protocol ${p.value.protocol}` };
  return { ok: true, value: p.value };
}

/** The polling session for a configured Modbus meter, or what is wrong with its configuration. */
export function createModbusPollingSession(m: MeterConfig): { ok: true; value: ModbusPollingSession } | { ok: false; error: string } {
  const c = m.modbus;
  if (!c) return { ok: false, error: 'modbus: required for protocol modbus (unitId and profile at least)' };
  if (m.transport.type !== 'serial' && m.transport.type !== 'tcp')
    return { ok: false, error: `modbus: polls over a serial or tcp transport, not ${m.transport.type}` };
  if (m.id !== undefined && (c.unitIds?.length ?? 1) > 1)
    return { ok: false, error: 'id: one meter id for several unit ids would merge their meters; leave id out (each unit gets its own)' };
  const profile = loadModbusProfile(c.profile);
  if (!profile.ok) return profile;
  const framing = c.framing ?? (m.transport.type === 'serial' ? 'rtu' : 'tcp');
  const baudRate = m.transport.type === 'serial' ? m.transport.baudRate : 9600;
  return {
    ok: true,
    value: new ModbusPollingSession({
      label: m.name ?? 'Modbus',
      profile: profile.value,
      unitIds: c.unitIds ?? (c.unitId === undefined ? [] : [c.unitId]),
      framing,
      pollIntervalMs: c.pollIntervalSeconds * 1000,
      timeoutMs: c.timeoutMs,
      retries: c.retries,
      silenceMs: modbusRtuSilenceMs(baudRate),
    }),
  };
}
