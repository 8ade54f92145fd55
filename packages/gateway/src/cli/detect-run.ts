import { BUILTIN_MODBUS_PROFILES } from '@smi/decoder';
import { createLogger } from '../log';
import { detectMeter, type LineOpener } from '../detect/detect';
import { detectionYaml, type DetectTarget } from '../detect/config-yaml';
import { DETECT_STEPS, parseLine, stepsFor, TCP_STEP, type DetectStep, type LineSetting } from '../detect/line-settings';
import { serialOpener, tcpOpener } from '../detect/serial-line';
import { UsageError } from './input';

export interface DetectCliOptions {
  port?: string;
  tcp?: string;
  listen: string;
  line: string[];
  ask: boolean;
  address: string;
  wakeUp: boolean;
  maxBaud: string;
  key?: string;
  authKey?: string;
  name: string;
  verbose: boolean;
  modbus: boolean;
  units: string;
  profile: string[];
  framing: 'tcp' | 'rtu';
  answerMs?: string;
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} must be a positive number, got '${text}'`);
  return n;
}

function tcpTarget(text: string): Extract<DetectTarget, { type: 'tcp' }> {
  const m = /^(.+):(\d{1,5})$/.exec(text);
  if (!m) throw new UsageError(`--tcp takes HOST:PORT, got '${text}'`);
  return { type: 'tcp', host: m[1] as string, port: Number(m[2]) };
}

function lineSettings(texts: readonly string[]): LineSetting[] {
  return texts.map((t) => {
    const l = parseLine(t);
    if (!l) throw new UsageError(`--line takes a setting like '9600 8N1', got '${t}'`);
    return l;
  });
}

/** `smi detect`: finds protocol and line setting of a meter; prints a configuration (exit 0) or why not (exit 1). */
export async function runDetect(o: DetectCliOptions, out: (text: string) => void, err: (line: string) => void): Promise<number> {
  if ((o.port === undefined) === (o.tcp === undefined)) throw new UsageError('give either --port PATH or --tcp HOST:PORT');
  if (o.modbus) return runModbusDetect(o, out, err);
  const listenMs = Math.round(positive(o.listen, '--listen') * 1000);
  const maxBaudRate = positive(o.maxBaud, '--max-baud');
  let target: DetectTarget;
  let open: LineOpener;
  let steps: DetectStep[];
  if (o.tcp !== undefined) {
    const tcp = tcpTarget(o.tcp);
    target = tcp;
    open = tcpOpener(tcp.host, tcp.port);
    steps = [TCP_STEP];
  } else {
    target = { type: 'serial', port: o.port as string };
    open = serialOpener(target.port);
    const lines = lineSettings(o.line);
    steps = lines.length > 0 ? stepsFor(lines) : [...DETECT_STEPS];
  }
  const log = createLogger(
    o.verbose ? 'debug' : 'info',
    [o.key, o.authKey].filter((k): k is string => !!k),
    err,
  );
  let result;
  try {
    result = await detectMeter(
      open,
      { steps, listenMs, ask: o.ask, address: o.address, wakeUp: o.wakeUp, maxBaudRate, keys: { key: o.key, authKey: o.authKey } },
      log,
    );
  } catch (e) {
    throw new UsageError(`cannot open ${o.port ?? o.tcp ?? ''}: ${(e as Error).message}`);
  }
  out(detectionYaml(result, target, { name: o.name, address: o.address, wakeUp: o.wakeUp, maxBaudRate }));
  return result.found ? 0 : 1;
}

/**
 * `smi detect --modbus`: asks the unit ids at each line setting (or over TCP), identifies what
 * answers from the profile files given and the built-in profiles, prints a configuration (exit 0) or why none (exit 1).
 */
async function runModbusDetect(o: DetectCliOptions, out: (text: string) => void, err: (line: string) => void): Promise<number> {
  const { isProfileFile, loadModbusProfile } = await import('../sessions/modbus-session');
  // Profile files are asked first; the printed configuration names them by their path.
  const files = o.profile.map((path) => {
    if (!isProfileFile(path)) throw new UsageError(`--profile takes a .json profile file (built-in profiles are always tried), got '${path}'`);
    const r = loadModbusProfile(path);
    if (!r.ok) throw new UsageError(r.error.replace(/^modbus\.profile/, '--profile'));
    const profile = r.value;
    if (profile === 'sunspec') throw new UsageError(`--profile ${path}: not a profile file`);
    if (BUILTIN_MODBUS_PROFILES.some((b) => b.id === profile.id))
      throw new UsageError(`--profile ${path}: its id ${profile.id} is a built-in profile's; give it an id of its own`);
    return { path, profile };
  });
  const profiles = [...files.map((f) => f.profile), ...BUILTIN_MODBUS_PROFILES];
  const paths = new Map(files.map((f) => [f.profile.id, f.path]));
  const { detectModbus, MODBUS_DETECT_LINES, parseUnits } = await import('../detect/modbus-detect');
  const { modbusDetectionYaml } = await import('../detect/modbus-yaml');
  const units = parseUnits(o.units);
  if (!units) throw new UsageError(`--units takes unit ids 1-247 like '1-10' or '1,2,5', got '${o.units}'`);
  const answerMs = o.answerMs === undefined ? undefined : Math.round(positive(o.answerMs, '--answer-ms'));
  let target: DetectTarget;
  let open: LineOpener;
  let lines: (LineSetting | undefined)[];
  if (o.tcp !== undefined) {
    const tcp = tcpTarget(o.tcp);
    target = tcp;
    open = tcpOpener(tcp.host, tcp.port);
    lines = [undefined];
  } else {
    if (o.framing !== 'tcp') throw new UsageError('--framing is for --tcp (a serial port always carries RTU)');
    target = { type: 'serial', port: o.port as string };
    open = serialOpener(target.port);
    const given = lineSettings(o.line);
    lines = given.length > 0 ? given : [...MODBUS_DETECT_LINES];
  }
  const framing = o.tcp !== undefined ? o.framing : 'rtu';
  const log = createLogger(o.verbose ? 'debug' : 'info', [], err);
  let result;
  try {
    result = await detectModbus(open, { lines, framing, units, profiles, ...(answerMs === undefined ? {} : { answerMs }) }, log);
  } catch (e) {
    throw new UsageError(`cannot open ${o.port ?? o.tcp ?? ''}: ${(e as Error).message}`);
  }
  out(modbusDetectionYaml(result, target, { name: o.name, framing, profilePaths: paths }));
  return result.found.some((f) => f.identity.kind !== 'unknown') ? 0 : 1;
}
