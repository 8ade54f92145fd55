import { createLogger } from '../log';
import { detectMeter, type LineOpener } from '../detect/detect';
import { detectionYaml, type DetectTarget } from '../detect/config-yaml';
import { DETECT_STEPS, parseLine, stepsFor, TCP_STEP, type DetectStep } from '../detect/line-settings';
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
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} must be a positive number, got '${text}'`);
  return n;
}

/** `smi detect`: finds protocol and line setting of a meter; prints a configuration (exit 0) or why not (exit 1). */
export async function runDetect(o: DetectCliOptions, out: (text: string) => void, err: (line: string) => void): Promise<number> {
  if ((o.port === undefined) === (o.tcp === undefined)) throw new UsageError('give either --port PATH or --tcp HOST:PORT');
  const listenMs = Math.round(positive(o.listen, '--listen') * 1000);
  const maxBaudRate = positive(o.maxBaud, '--max-baud');
  let target: DetectTarget;
  let open: LineOpener;
  let steps: DetectStep[];
  if (o.tcp !== undefined) {
    const m = /^(.+):(\d{1,5})$/.exec(o.tcp);
    if (!m) throw new UsageError(`--tcp takes HOST:PORT, got '${o.tcp}'`);
    target = { type: 'tcp', host: m[1] as string, port: Number(m[2]) };
    open = tcpOpener(target.host, target.port);
    steps = [TCP_STEP];
  } else {
    target = { type: 'serial', port: o.port as string };
    open = serialOpener(target.port);
    const lines = o.line.map((t) => {
      const l = parseLine(t);
      if (!l) throw new UsageError(`--line takes a setting like '9600 8N1', got '${t}'`);
      return l;
    });
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
