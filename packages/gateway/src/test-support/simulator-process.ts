import { spawn, type ChildProcess } from 'node:child_process';
import { buildGateway } from './gateway-process';
import { waitFor } from './ports';

export interface SimulatorProcess {
  readonly proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `smi simulate --meter NAME --port PATH [--set k=v…]` (the bundle) until stopped; resolves once the port is open. */
export async function runSimulatorProcess(meter: string, port: string, settings: Record<string, string> = {}, intervalMs = 10000): Promise<SimulatorProcess> {
  const bundle = buildGateway();
  const args = [bundle, 'simulate', '--meter', meter, '--port', port, '--interval-ms', String(intervalMs), ...Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await waitFor(`simulator ${meter} on ${port}`, () => out.includes('simulating ') || proc.exitCode !== null, 10000);
  if (proc.exitCode !== null) throw new Error(`smi simulate exited: ${out}`);
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      // A simulator in the middle of a timed pause may not finish its queue: do not wait for ever.
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
