/**
 * The web UI's routes under the login: the route walk covers every route mountUi registers (a
 * route added later fails the list until it is judged here), every write is refused without the
 * session and its CSRF token, and every read of configuration or frames needs the login even
 * when read-only views are open.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../config/load';
import { silentLogger } from '../log';
import { WebAuth } from './auth';
import { FrameLog } from './frame-log';
import { createWebApp } from './server';
import { listPorts } from './setup-tools';
import { mountUi } from './ui-routes';

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: LayerLike[] };
}
function routesOf(stack: readonly LayerLike[]): { path: string; method: string }[] {
  return stack.flatMap((l) =>
    l.route
      ? Object.keys(l.route.methods).map((m) => ({ path: l.route?.path ?? '', method: m.toUpperCase() }))
      : l.handle.stack
        ? routesOf(l.handle.stack)
        : [],
  );
}

let dir: string;
let server: Server | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smi-ui-routes-'));
});
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(mode: 'password' | 'ingress'): Promise<{ base: string; app: ReturnType<typeof createWebApp>; applied: unknown[] }> {
  const parsed = validateConfig({ meters: [{ name: 'p1', transport: { type: 'simulator' } }] });
  if (!parsed.ok) throw new Error(parsed.problems.join());
  const config = parsed.config;
  const auth = await WebAuth.open({ mode, stateDir: dir, readOnlyOpen: true, adminPassword: 'route walk password' });
  const configFile = join(dir, 'smi.yaml');
  writeFileSync(configFile, 'meters: []\n');
  const applied: unknown[] = [];
  const app = createWebApp({ meters: () => [], status: () => ({}) }, mode === 'ingress' ? ['127.0.0.1'] : [], {
    authenticate: auth.authenticate,
    readGuard: auth.readGuard,
    routes: (router) =>
      mountUi(router, {
        auth,
        frames: new FrameLog(),
        meters: () => config.meters.map((m) => ({ name: m.name ?? 'p1', config: m })),
        info: () => ({ version: 'test', meters: [] }),
        configFile,
        config: () => config,
        apply: async (next) => {
          applied.push(next);
          return { changes: { added: [], removed: [], restarted: [], unchanged: [] }, restartNeeded: [] };
        },
        latest: () => [],
        log: silentLogger,
        version: 'test',
      }),
  });
  const s: Server = await new Promise((resolve) => {
    const x = app.listen(0, '127.0.0.1', () => resolve(x));
  });
  server = s;
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, app, applied };
}

const UI_ROUTES = [
  'GET /api/auth',
  'POST /api/auth/setup',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/ui/info',
  'GET /api/ui/frames',
  'POST /api/ui/decode',
  'GET /api/ui/capture/:meter',
  'GET /api/ui/config',
  'POST /api/ui/config/validate',
  'PUT /api/ui/config',
  'GET /api/ui/config/export',
  'POST /api/ui/config/import',
  'POST /api/ui/meters/test',
  'POST /api/ui/template/preview',
  'GET /api/ui/ports',
  'GET /api/ui/detect',
  'POST /api/ui/detect',
  'POST /api/ui/mqtt/test',
];
/** Reads open to anyone while read-only views are open: the login state and the meter list. */
const OPEN_READS = ['/api/auth', '/api/ui/info'];
const LOGIN_WRITES = ['/api/auth/setup', '/api/auth/login'];

describe('web UI routes behind the login', () => {
  it('registers exactly these routes; writes need session + CSRF, configuration and frames need the login', async () => {
    const { base, app, applied } = await serve('password');
    const routes = routesOf((app.router as unknown as { stack: LayerLike[] }).stack).filter(
      (r) => r.path.startsWith('/api/auth') || r.path.startsWith('/api/ui'),
    );
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(UI_ROUTES);
    for (const r of routes) {
      const path = r.path.replace(':meter', 'p1');
      const res = await fetch(base + path, {
        method: r.method,
        headers: { 'content-type': 'application/json' },
        ...(r.method === 'GET' ? {} : { body: '{"document":{"meters":[]},"hex":"00","password":"not the password"}' }),
      });
      const expected = OPEN_READS.includes(path) ? 200 : LOGIN_WRITES.includes(path) ? (path === '/api/auth/setup' ? 409 : 401) : 401;
      expect({ route: `${r.method} ${path}`, status: res.status }).toEqual({ route: `${r.method} ${path}`, status: expected });
    }
    expect(applied).toEqual([]);
  });

  it('under ingress lets the proxied user save, and the saved file is validated first', async () => {
    const { base, applied } = await serve('ingress');
    const bad = await fetch(`${base}/api/ui/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ document: { meters: [{ transport: { type: 'tcp', host: 'x' } }] } }),
    });
    expect(await bad.json()).toEqual({
      saved: false,
      problems: [{ path: 'meters.0.transport.port', message: 'Invalid input: expected number, received undefined' }],
    });
    const ok = await fetch(`${base}/api/ui/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ document: { meters: [{ name: 'x', transport: { type: 'tcp', host: 'bridge', port: 8088 } }] } }),
    });
    expect(await ok.json()).toMatchObject({ saved: true, problems: [] });
    expect(applied).toHaveLength(1);
  });

  it('lists serial ports with their /dev/serial/by-id names first', async () => {
    const byId = join(dir, 'by-id');
    mkdirSync(byId);
    writeFileSync(join(dir, 'ttyUSB7'), '');
    symlinkSync(join(dir, 'ttyUSB7'), join(byId, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'));
    const ports = await listPorts(byId);
    expect(ports[0]).toEqual({ path: join(byId, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'), device: join(dir, 'ttyUSB7'), description: '' });
  });
});
