/**
 * Helpers for the image tests (`*.docker.test.ts`): the Docker CLI, a Mosquitto broker and a
 * meter on an address containers can reach, and the Supervisor's services API stand-in.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './ports';

export const REPO_ROOT = resolve(__dirname, '../../../..');

/** Runs the Docker CLI; resolves with its trimmed stdout, rejects with its stderr. */
export function docker(args: readonly string[], timeoutMs = 60000): Promise<string> {
  return new Promise((res, rej) => {
    execFile('docker', args as string[], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`));
      else res(stdout.trim());
    });
  });
}

/** The state of a container as `docker inspect` reports it. */
export interface ContainerState {
  readonly Status: string;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string };
}

export async function containerState(id: string): Promise<ContainerState> {
  return JSON.parse(await docker(['inspect', '-f', '{{json .State}}', id])) as ContainerState;
}

export async function containerIp(id: string, network: string): Promise<string> {
  return docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id]);
}

/** Polls until the container's state matches, or fails with the last state and its log. */
export async function waitForState(id: string, what: string, ok: (s: ContainerState) => boolean, timeoutMs: number): Promise<ContainerState> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await containerState(id);
    if (ok(s)) return s;
    if (Date.now() > end)
      throw new Error(`container ${id.slice(0, 12)} not ${what} after ${timeoutMs} ms: ${JSON.stringify(s)}\n${await docker(['logs', id]).catch(() => '')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Removes containers and networks left by a test, ignoring those already gone. */
export async function removeQuietly(kind: 'container' | 'network', ...names: string[]): Promise<void> {
  for (const n of names) await docker(kind === 'container' ? ['rm', '-f', '-v', n] : ['network', 'rm', n]).catch(() => undefined);
}

/** Whether a TCP connection to host:port succeeds (used to wait for a service to listen). */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface HostBroker {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A real Mosquitto listening on `host` (e.g. a Docker network's gateway address), anonymous, no persistence. */
export async function startMosquittoOn(host: string, port: number): Promise<HostBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'smi-docker-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} ${host}\nallow_anonymous true\npersistence false\n`);
  const bin = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));
  if (!bin) throw new Error('mosquitto is not installed (npm run test:all installs it)');
  const proc: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let ready = false;
  const poll = async (): Promise<void> => {
    while (!ready && proc.exitCode === null) {
      ready = await canConnect(host, port);
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
  };
  void poll();
  await waitFor(`mosquitto on ${host}:${port}`, () => ready || proc.exitCode !== null, 10000);
  if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
  return {
    url: `mqtt://${host}:${port}`,
    port,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TCP serial bridge stand-in: sends `telegram` to every client, then again every `everyMs`. */
export async function startTelegramServer(host: string, telegram: Buffer, everyMs = 1000): Promise<{ port: number; stop(): Promise<void> }> {
  const clients = new Set<Socket>();
  const server: TcpServer = createTcpServer((s) => {
    clients.add(s);
    s.on('error', () => undefined);
    s.on('close', () => clients.delete(s));
    s.write(telegram);
  });
  const timer = setInterval(() => {
    for (const s of clients) s.write(telegram);
  }, everyMs);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    stop: async () => {
      clearInterval(timer);
      for (const s of clients) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The Supervisor's `GET /services/mqtt` (platform-conventions §3.5), answering only the right token. */
export interface FakeSupervisor {
  readonly seenAuth: string[];
  stop(): Promise<void>;
}

export async function startFakeSupervisor(host: string, port: number, token: string, mqtt: Record<string, unknown>): Promise<FakeSupervisor> {
  const seenAuth: string[] = [];
  const server: HttpServer = createHttpServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.url === '/services/mqtt' && req.headers.authorization === `Bearer ${token}`) {
      res.end(JSON.stringify({ result: 'ok', data: mqtt }));
    } else {
      res.statusCode = 403;
      res.end(JSON.stringify({ result: 'error', message: 'No access to mqtt service!' }));
    }
  });
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(port, host, () => r());
  });
  return {
    seenAuth,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
