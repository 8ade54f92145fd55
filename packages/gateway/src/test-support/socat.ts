import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './ports';

export interface PtyPair {
  /** The end the gateway opens as its serial port. */
  readonly gatewaySide: string;
  /** The end a test (or meter simulator) writes the meter's bytes to. */
  readonly meterSide: string;
  stop(): Promise<void>;
}

/** A pseudo-terminal pair joined by socat: a serial cable between gateway and a simulated meter. */
export async function startPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'smi-pty-'));
  const a = join(dir, 'gateway');
  const b = join(dir, 'meter');
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  proc.once('error', () => undefined);
  await waitFor('socat pty links', () => (existsSync(a) && existsSync(b)) || proc.exitCode !== null, 5000);
  if (proc.exitCode !== null) throw new Error('socat exited; is it installed? (`npm run test:all` installs it)');
  return {
    gatewaySide: a,
    meterSide: b,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
