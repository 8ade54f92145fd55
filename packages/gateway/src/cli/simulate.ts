import { createLogger } from '../log';
import { runSimulator, SIMULATORS, type SimulatorName } from '../simulators';
import { UsageError } from './input';

export interface SimulateOptions {
  meter: string;
  port: string;
  intervalMs: string;
  set: string[];
}

/** `smi simulate`: plays a simulated meter on a serial port until interrupted. */
export async function runSimulate(o: SimulateOptions): Promise<void> {
  const entry = (SIMULATORS as Readonly<Record<string, (typeof SIMULATORS)[SimulatorName] | undefined>>)[o.meter];
  if (!entry) throw new UsageError(`unknown simulated meter '${o.meter}' (available: ${Object.keys(SIMULATORS).join(', ')})`);
  const settings: Record<string, string> = {};
  for (const kv of o.set) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes key=value, got '${kv}'`);
    settings[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const interval = Number(o.intervalMs);
  if (!Number.isInteger(interval) || interval < 10) throw new UsageError('--interval-ms must be a whole number ≥ 10');
  const log = createLogger('info');
  let sim;
  try {
    sim = entry.create({ settings });
  } catch (e) {
    throw new UsageError(`${o.meter}: ${(e as Error).message}`);
  }
  const running = await runSimulator(sim, o.port, interval, log);
  const stop = (): void => {
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
