import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const ROOT = resolve(__dirname, '../../../..');
let built = false;

/** Bundles the gateway once per test process, so tests run exactly what `npm start` runs. */
export function buildGateway(): string {
  if (!built) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
    built = true;
  }
  return join(ROOT, 'packages/gateway/dist/smi.js');
}

export interface GatewayProcess {
  readonly proc: ChildProcess;
  output(): string;
  /** Standard error alone (log lines, start-up problems). */
  stderr(): string;
  /** Resolves with the exit code when the process ends by itself (no signal sent). */
  exited(): Promise<number | null>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no clean shutdown, the broker must fire the last will. */
  kill(): Promise<void>;
}

/** Runs `smi run --config <yaml>` as a child process. */
export function runGateway(config: unknown, env: NodeJS.ProcessEnv = {}): GatewayProcess {
  const dir = mkdtempSync(join(tmpdir(), 'smi-gw-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return runSmi(['run', '--config', file], env);
}

/** Runs the bundle with any arguments as a long-lived child process. */
export function runSmi(args: string[], env: NodeJS.ProcessEnv = {}): GatewayProcess {
  const bundle = buildGateway();
  const proc = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errOut = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
    errOut += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  return {
    proc,
    output: () => out,
    stderr: () => errOut,
    exited: () => exited,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the `smi` CLI to completion. */
export function runCli(args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  const bundle = buildGateway();
  try {
    const stdout = execFileSync(process.execPath, [bundle, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number | null; stdout: string; stderr: string };
    return { status: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

export const FIXTURES = join(ROOT, 'packages/decoder/fixtures');
