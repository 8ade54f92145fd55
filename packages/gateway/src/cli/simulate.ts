import { createLogger } from '../log';
import { runSimulator, SIMULATORS, type SimulatorName } from '../simulators';
import { UsageError } from './input';

export interface SimulateOptions {
  meter: string;
  port?: string;
  tcpPort?: string;
  tcpHost: string;
  intervalMs: string;
  set: string[];
}

/** `smi simulate`: plays a simulated meter on a serial port (or, for Modbus, as a Modbus TCP server) until interrupted. */
export async function runSimulate(o: SimulateOptions): Promise<void> {
  const entry = (SIMULATORS as Readonly<Record<string, (typeof SIMULATORS)[SimulatorName] | undefined>>)[o.meter];
  if (!entry) throw new UsageError(`unknown simulated meter '${o.meter}' (available: ${Object.keys(SIMULATORS).join(', ')})`);
  if ((o.port === undefined) === (o.tcpPort === undefined)) throw new UsageError('give either --port PATH or --tcp-port N');
  if (o.tcpPort !== undefined && o.meter !== 'modbus') throw new UsageError(`--tcp-port serves Modbus TCP: only with --meter modbus, not ${o.meter}`);
  const settings: Record<string, string> = {};
  for (const kv of o.set) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes key=value, got '${kv}'`);
    settings[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const interval = Number(o.intervalMs);
  if (!Number.isInteger(interval) || interval < 10) throw new UsageError('--interval-ms must be a whole number ≥ 10');
  const log = createLogger('info');
  let running: { stop(): Promise<void> };
  if (o.tcpPort !== undefined) {
    const port = Number(o.tcpPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--tcp-port must be 0…65535 (0: any free port), got '${o.tcpPort}'`);
    const { modbusSlaveFromSettings, runModbusTcpServer } = await import('../simulators/modbus');
    let slave;
    try {
      slave = modbusSlaveFromSettings(settings);
    } catch (e) {
      throw new UsageError(`${o.meter}: ${(e as Error).message}`);
    }
    running = await runModbusTcpServer(slave, port, o.tcpHost, log);
  } else {
    let sim;
    try {
      sim = entry.create({ settings });
    } catch (e) {
      throw new UsageError(`${o.meter}: ${(e as Error).message}`);
    }
    running = await runSimulator(sim, o.port as string, interval, log);
  }
  const stop = (): void => {
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
