import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort, waitFor } from './ports';

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function mosquittoBinary(): string {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) if (existsSync(p)) return p;
  throw new Error('mosquitto is not installed: run `npm run test:all` (it installs the Debian package) or apt-get install mosquitto');
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface MosquittoOptions {
  /** User name → password; when given, only these users may connect (no anonymous clients). */
  readonly users?: Readonly<Record<string, string>>;
}

/** A real Mosquitto broker on a free loopback port, without persistence, for one test file. */
export async function startMosquitto(fixedPort?: number, options: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = fixedPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'smi-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  let access = 'allow_anonymous true\n';
  if (options.users) {
    const passwords = join(dir, 'passwords');
    writeFileSync(
      passwords,
      Object.entries(options.users)
        .map(([u, p]) => `${u}:${p}\n`)
        .join(''),
    );
    execFileSync('mosquitto_passwd', ['-U', passwords]); // hashes the plain-text file in place
    // Mosquitto started as root drops to its own user before it reads the file: let it.
    chmodSync(dir, 0o755);
    chmodSync(passwords, 0o644);
    access = `allow_anonymous false\npassword_file ${passwords}\n`;
  }
  writeFileSync(conf, `listener ${port} 127.0.0.1\n${access}persistence false\nset_tcp_nodelay true\n`);
  const proc: ChildProcess = spawn(mosquittoBinary(), ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let ready = false;
  const poll = async (): Promise<void> => {
    while (!ready && proc.exitCode === null) {
      ready = await canConnect(port);
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
  };
  void poll();
  await waitFor(`mosquitto on port ${port} (${stderr})`, () => ready || proc.exitCode !== null, 10000);
  if (!ready) throw new Error(`mosquitto exited: ${stderr}`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
