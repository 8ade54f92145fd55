import {
  judgeModbusIdentity,
  modbusRtuSilenceMs,
  planModbusIdentify,
  sunSpecIdentity,
  type ModbusIdentifyBlock,
  type ModbusIdentifyPlan,
  type ModbusIdentifyRead,
  type ModbusIdentity,
  type ModbusMeterProfile,
} from '@smi/decoder';
import type { Logger } from '../log';
import { ModbusClient, walkSunSpec, type ModbusAnswer } from '../sessions/modbus-client';
import type { LineOpener } from './detect';
import { formatLine, parseLine, type LineSetting } from './line-settings';

/**
 * `smi detect --modbus`: which units answer on a Modbus line and which model each is. For each
 * line setting (RTU) or once (TCP) every unit id is asked one read; a unit that answers anything
 * — registers or an exception of its own — is there and is identified from the profiles' data
 * (`planModbusIdentify`/`judgeModbusIdentity`, the SunSpec marker). The requests go through the
 * polling session's `ModbusClient`.
 */

/** The line settings tried on a serial port, most common first (Eastron, ABB, Carlo Gavazzi factory settings lead). */
export const MODBUS_DETECT_LINES: readonly LineSetting[] = ['9600 8N1', '19200 8E1', '2400 8N1', '9600 8E1', '19200 8N1', '38400 8N1'].map(
  (t) => parseLine(t) as LineSetting,
);

/** Unit ids asked by default: nearly every meter leaves the factory as unit 1, installers number further meters 2, 3 … */
export const MODBUS_DETECT_UNITS = '1-10';

export interface ModbusDetectOptions {
  /** Settings to try in order; `[undefined]` on TCP (nothing to set). */
  readonly lines: readonly (LineSetting | undefined)[];
  readonly framing: 'rtu' | 'tcp';
  readonly units: readonly number[];
  readonly profiles: readonly ModbusMeterProfile[];
  /** Wait for an answer beyond its transfer time (default 250 ms on a serial line, 1000 ms over TCP). */
  readonly answerMs?: number;
}

export interface ModbusUnitFinding {
  readonly unitId: number;
  readonly line: LineSetting | undefined;
  readonly identity: ModbusIdentity;
}

export interface ModbusLineOutcome {
  readonly line: LineSetting | undefined;
  readonly summary: string;
}

export interface ModbusDetectResult {
  readonly found: readonly ModbusUnitFinding[];
  readonly steps: readonly ModbusLineOutcome[];
  /** A setting at which units found at an earlier one answered again: the line ignores its settings (pty, bridge). */
  readonly ignoresSettings: LineSetting | undefined;
}

/** `9600 8N1`, or `TCP` for a TCP connection (no line setting to choose). */
export function lineName(line: LineSetting | undefined): string {
  return line === undefined ? 'TCP' : formatLine(line);
}

/** `1-10`, `1,2,5`, `1-3,7`: unit ids 1…247 in the order given, each once. */
export function parseUnits(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 247 || to < from) return undefined;
    for (let u = from; u <= to; u++) if (!out.includes(u)) out.push(u);
  }
  return out.length > 0 ? out : undefined;
}

/** `1-4, 7` for a list of unit ids. */
export function formatUnits(units: readonly number[]): string {
  const sorted = [...units].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(j > i + 1 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * How long to wait for the answer to a read of `count` registers: the time the request (8 bytes)
 * and the answer (5 + 2·count bytes) take on the line, 11 bits a character, plus the meter's
 * reaction time `answerMs`. TCP (line undefined) waits `answerMs` alone.
 */
export function modbusAnswerTimeoutMs(line: LineSetting | undefined, count: number, answerMs: number): number {
  if (!line) return answerMs;
  return Math.ceil(answerMs + ((13 + 2 * count) * 11 * 1000) / line.baudRate);
}

/** What asking one unit gave. */
type Presence =
  { readonly kind: 'there'; readonly block: ModbusIdentifyBlock } | { readonly kind: 'silent'; readonly why: string } | { readonly kind: 'stopped' };

class LineScan {
  private stopped = false;

  constructor(
    private readonly client: ModbusClient,
    private readonly line: LineSetting | undefined,
    private readonly answerMs: number,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  read(unitId: number, r: ModbusIdentifyRead, retries: number): Promise<ModbusAnswer> {
    return this.client.read(unitId, r.function, r, retries, () => !this.stopped, modbusAnswerTimeoutMs(this.line, r.count, this.answerMs));
  }

  /** The first read of the plan: any answer of the unit's own (registers or exception) means it is there. */
  async presence(unitId: number, r: ModbusIdentifyRead): Promise<Presence> {
    const a = await this.read(unitId, r, 0);
    if (a.kind === 'stopped') return a;
    if (a.kind === 'timeout') return { kind: 'silent', why: 'no answer' };
    if (a.kind === 'exception') {
      // Exceptions 10 and 11 (kind truncated) come from a TCP gateway whose device behind did not answer.
      if (a.error.kind === 'truncated') return { kind: 'silent', why: `the gateway answered ${a.error.message}` };
      return { kind: 'there', block: { ...r, registers: undefined } };
    }
    return { kind: 'there', block: { ...r, registers: a.registers } };
  }

  /** The unit answered: its identify reads, then the SunSpec marker, then the voltage registers. */
  async identify(unitId: number, first: ModbusIdentifyBlock, plan: ModbusIdentifyPlan, profiles: readonly ModbusMeterProfile[]): Promise<ModbusIdentity> {
    const blocks: ModbusIdentifyBlock[] = [first];
    const readAll = async (reads: readonly ModbusIdentifyRead[]): Promise<void> => {
      for (const r of reads) {
        if (blocks.some((b) => b.function === r.function && b.address === r.address && b.count >= r.count)) continue;
        const a = await this.read(unitId, r, 1);
        blocks.push({ ...r, registers: a.kind === 'registers' ? a.registers : undefined });
      }
    };
    await readAll(plan.identify);
    const byCode = judgeModbusIdentity(profiles, blocks);
    if (byCode.kind === 'model') return byCode;
    const walk = await walkSunSpec((address, count) => this.read(unitId, { function: 3, address, count }, 1));
    if (walk.kind === 'found')
      return sunSpecIdentity(
        walk.base,
        walk.models.map((m) => m.id),
        walk.common,
      );
    await readAll(plan.plausibility);
    return judgeModbusIdentity(profiles, blocks);
  }
}

/** One line setting (or the TCP connection): the units found again, then the new ones. */
async function scanLine(
  open: LineOpener,
  line: LineSetting | undefined,
  o: ModbusDetectOptions,
  before: readonly ModbusUnitFinding[],
  log: Logger,
): Promise<{ outcome: ModbusLineOutcome; found: ModbusUnitFinding[]; again: number[]; done: boolean }> {
  const answerMs = o.answerMs ?? (line ? 250 : 1000);
  const client = new ModbusClient({
    label: 'detect',
    framing: o.framing,
    timeoutMs: answerMs,
    ...(line ? { silenceMs: modbusRtuSilenceMs(line.baudRate) } : {}),
  });
  let garbled = 0;
  const probe = await open({ line, ask: false, protocols: ['modbus'], typical: 'Modbus' }, (chunk) => {
    garbled += client.push(chunk).length;
  });
  client.attach({ write: (b) => probe.write(b), setBaudRate: undefined, log });
  const scan = new LineScan(client, line, answerMs);
  const plan = planModbusIdentify(o.profiles);
  const first: ModbusIdentifyRead = plan.identify[0] ?? plan.plausibility[0] ?? { function: 3, address: 40000, count: 2 };
  const where = lineName(line);
  const found: ModbusUnitFinding[] = [];
  const again: number[] = [];
  const silent: number[] = [];
  try {
    for (const f of before) {
      const p = await scan.presence(f.unitId, first);
      if (p.kind === 'there') again.push(f.unitId);
    }
    if (again.length > 0) {
      const what = `unit${again.length === 1 ? '' : 's'} ${formatUnits(again)} answer${again.length === 1 ? 's' : ''} here as well: the line ignores its settings (pty or bridge); stopped`;
      return { outcome: { line, summary: what }, found, again, done: true };
    }
    const todo = o.units.filter((u) => !before.some((f) => f.unitId === u));
    if (todo.length === 0) return { outcome: { line, summary: 'every unit id was found at an earlier setting; done' }, found, again, done: true };
    log.info(`${where}: asking unit${todo.length === 1 ? '' : 's'} ${formatUnits(todo)}`);
    for (const unitId of todo) {
      const p = await scan.presence(unitId, first);
      if (p.kind === 'stopped') break;
      if (p.kind === 'silent') {
        silent.push(unitId);
        log.debug(`${where}: unit ${unitId}: ${p.why}`);
        continue;
      }
      const identity = await scan.identify(unitId, p.block, plan, o.profiles);
      found.push({ unitId, line, identity });
      log.info(`${where}: unit ${unitId} answers: ${describeIdentity(identity)}`);
    }
  } finally {
    scan.stop();
    client.detach();
    await probe.close();
  }
  const parts = [
    found.length > 0
      ? `unit${found.length === 1 ? '' : 's'} ${formatUnits(found.map((f) => f.unitId))} answer${found.length === 1 ? 's' : ''}`
      : 'no unit answers',
    ...(silent.length > 0 ? [`${silent.length} silent (${formatUnits(silent)})`] : []),
    ...(garbled > 0 ? [`${garbled} garbled frame${garbled === 1 ? '' : 's'} (another line setting?)`] : []),
  ];
  return { outcome: { line, summary: parts.join('; ') }, found, again, done: false };
}

/** `eastron-sdm630 (holding register 64514 reads 112)`, `answers like …`, `SunSpec …`. */
export function describeIdentity(id: ModbusIdentity): string {
  const also = 'also' in id && id.also.length > 0 ? `; also fits ${id.also.join(', ')}` : '';
  switch (id.kind) {
    case 'model':
      return `${id.profile} (${id.evidence}${also})`;
    case 'like':
      return `answers like ${id.profile}, weak: ${id.evidence}, the profile has no identify register${also}`;
    case 'sunspec':
      return `sunspec (${id.evidence})`;
    case 'unknown':
      return `matches no profile (${id.evidence})`;
  }
}

/**
 * Scans the line settings in order. Units found at one setting are not asked for at later ones;
 * when they answer at a later setting too, the line ignores its settings (a pty, a TCP bridge)
 * and the search stops there, keeping what the first setting found. It also stops once every
 * unit id is found.
 */
export async function detectModbus(open: LineOpener, o: ModbusDetectOptions, log: Logger): Promise<ModbusDetectResult> {
  const found: ModbusUnitFinding[] = [];
  const steps: ModbusLineOutcome[] = [];
  for (const line of o.lines) {
    const r = await scanLine(open, line, o, found, log);
    steps.push(r.outcome);
    log.info(`${lineName(line)}: ${r.outcome.summary}`);
    if (r.again.length > 0) return { found, steps, ignoresSettings: line };
    found.push(...r.found);
    if (r.done) break;
  }
  return { found, steps, ignoresSettings: undefined };
}
