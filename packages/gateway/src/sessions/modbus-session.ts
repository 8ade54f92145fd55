import { readFileSync } from 'node:fs';
import {
  builtinModbusProfile,
  BUILTIN_MODBUS_PROFILES,
  modbusRtuSilenceMs,
  modbusSnapshot,
  parseMeterProfile,
  planModbusReads,
  sunSpecProfile,
  type FrameEvent,
  type ModbusMeterProfile,
  type ModbusReadFunction,
  type ModbusReadSpan,
  type ModbusRegisterBlock,
} from '@smi/decoder';
import type { MeterInfo } from '@smi/model';
import type { MeterConfig } from '../config/schema';
import type { Logger } from '../log';
import type { MeterSession, SessionIo } from '../session';
import { ModbusClient, walkSunSpec, type ModbusAnswer } from './modbus-client';
import { PollRounds, type Live } from './poll-rounds';

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

/** What a unit is read with: its profile, the reads, and what the device said about itself. */
interface UnitPlan {
  readonly profile: ModbusMeterProfile;
  readonly spans: readonly ModbusReadSpan[];
  readonly meter?: Partial<MeterInfo>;
}

/**
 * A Modbus client as a meter session: every poll interval, for each unit id in turn, the reads the
 * profile needs (FC 3 or 4, neighbouring registers merged), each repeated up to `retries` times
 * after a timeout; one snapshot per unit. An exception response is an error event of its kind
 * (counted by the pipeline) and the unit's other reads go on. A unit that stays silent is logged
 * and asked again next round; nothing here ever throws at the pipeline. The requests and answers
 * on the line are the `ModbusClient`'s.
 */
export class ModbusPollingSession implements MeterSession {
  readonly protocol = 'modbus' as const;
  private readonly plans = new Map<number, UnitPlan>();
  private readonly client: ModbusClient;
  private readonly rounds: PollRounds<number>;
  private readonly missing = new Set<number>();

  constructor(private readonly options: ModbusPollingOptions) {
    this.rounds = new PollRounds<number>(
      options.pollIntervalMs,
      (unitId, live) => this.readUnit(unitId, live),
      (unitId, e) => this.log.error(`${this.options.label}: reading Modbus unit ${unitId} failed: ${String(e)}`),
    );
    this.client = new ModbusClient({
      label: options.label,
      framing: options.framing,
      timeoutMs: options.timeoutMs,
      ...(options.silenceMs === undefined ? {} : { silenceMs: options.silenceMs }),
    });
    const p = options.profile;
    if (p !== 'sunspec') for (const unitId of options.unitIds) this.plans.set(unitId, { profile: p, spans: planModbusReads(p.modbus) });
  }

  get discardedBytes(): number {
    return this.client.discardedBytes;
  }

  private get log(): Logger {
    return this.client.log;
  }

  private get io(): SessionIo | undefined {
    return this.client.attached;
  }

  start(io: SessionIo): void {
    this.stop();
    this.client.attach(io);
    const o = this.options;
    const what = o.profile === 'sunspec' ? 'SunSpec, models discovered' : `${o.profile.id}, ${planModbusReads(o.profile.modbus).length} reads`;
    this.log.info(`${o.label}: polling Modbus ${o.framing.toUpperCase()} unit ${o.unitIds.join(', ')} (${what}) every ${o.pollIntervalMs / 1000} s`);
    this.rounds.start(o.unitIds);
  }

  stop(): void {
    this.rounds.stop();
    this.client.detach();
  }

  push(chunk: Uint8Array): FrameEvent[] {
    return this.client.push(chunk);
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
  private request(unitId: number, fn: ModbusReadFunction, span: ModbusReadSpan, live: Live): Promise<ModbusAnswer> {
    return this.client.read(unitId, fn, span, this.options.retries, live);
  }

  /**
   * SunSpec discovery (`walkSunSpec`): marker, model chain, model 1; the plan is kept for later
   * rounds.
   */
  private async discover(unitId: number, live: Live): Promise<UnitPlan | undefined> {
    const walk = await walkSunSpec((address, count) => this.request(unitId, 3, { address, count }, live));
    if (walk.kind === 'stopped') return undefined;
    if (walk.kind === 'silent') return void this.silent(unitId, walk.why);
    const { base, models, common } = walk;
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
}

/** Whether a meter is polled over Modbus. */
export function isModbusPolling(m: MeterConfig): boolean {
  return m.protocol === 'modbus';
}

/** Whether a `profile` entry names a file (a path, or a name ending in .json) rather than a built-in id. */
export function isProfileFile(entry: string): boolean {
  return /[/\\]/.test(entry) || entry.toLowerCase().endsWith('.json');
}

/** A built-in profile by id, or the Modbus profile in a JSON file (the one profile shape). */
export function loadModbusProfile(entry: string): { ok: true; value: ModbusMeterProfile | 'sunspec' } | { ok: false; error: string } {
  if (entry === 'sunspec') return { ok: true, value: 'sunspec' };
  const builtin = builtinModbusProfile(entry);
  if (builtin) return { ok: true, value: builtin };
  if (!isProfileFile(entry)) {
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
