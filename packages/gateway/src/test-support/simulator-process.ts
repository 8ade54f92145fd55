import { spawn, type ChildProcess } from 'node:child_process';
import { buildGateway } from './gateway-process';
import { waitFor } from './ports';

export interface SimulatorProcess {
  readonly proc: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/** Runs `smi simulate ARGS` from the bundle and waits until it has opened its port. */
export async function runSimulatorCli(args: readonly string[]): Promise<SimulatorProcess> {
  const bundle = buildGateway();
  const proc = spawn(process.execPath, [bundle, 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await waitFor(`smi simulate ${args.join(' ')} (${out})`, () => out.includes('simulating ') || proc.exitCode !== null, 10000);
  if (proc.exitCode !== null) throw new Error(`smi simulate exited: ${out}`);
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** `smi simulate --meter NAME --port PATH --interval-ms N [--set k=v…]`. */
export function runSimulatorProcess(meter: string, port: string, settings: Record<string, string> = {}, intervalMs = 10000): Promise<SimulatorProcess> {
  return runSimulatorCli([
    '--meter',
    meter,
    '--port',
    port,
    '--interval-ms',
    String(intervalMs),
    ...Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ]);
}
