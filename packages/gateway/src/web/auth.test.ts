/**
 * The web UI's login, checked over HTTP against the real express app: first-start setup of the
 * administrator password (scrypt hash, 0600 file), sessions (HttpOnly SameSite=Strict cookie),
 * the CSRF token on every write, logout, a configured password, brute-force limiting, the
 * read-only option, and ingress (Home Assistant logged the user in).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebApp } from './server';
import { ADMIN_PASSWORD_FILE, CSRF_HEADER, MAX_FAILED_LOGINS_PER_MINUTE, SESSION_IDLE_MS, WebAuth, type WebAuthOptions } from './auth';

const PASSWORD = 'correct horse battery';
const METERS = [{ meter: { id: 'K8EG004046395507' } }];

let dir: string;
const servers: Server[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smi-auth-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

interface Served {
  readonly base: string;
  readonly auth: WebAuth;
  readonly writes: unknown[];
}

async function serve(o: Partial<WebAuthOptions> = {}, allowedClients: string[] = []): Promise<Served> {
  const auth = await WebAuth.open({ mode: 'password', stateDir: dir, readOnlyOpen: true, ...o });
  const writes: unknown[] = [];
  const app = createWebApp({ meters: () => METERS as never, status: () => ({}) }, allowedClients, {
    authenticate: auth.authenticate,
    readGuard: auth.readGuard,
    routes: (router) => {
      auth.mount(router);
      router.post('/api/test-write', (req, res) => {
        writes.push(req.body);
        res.json({ stored: true });
      });
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth, writes };
}

function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** The cookie pair (name=value) a response sets. */
function cookieOf(res: Response): string {
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function login(base: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const res = await post(base, '/api/auth/login', { password });
  const body = (await res.json()) as { csrf: string };
  expect(res.status).toBe(200);
  return { cookie: cookieOf(res), csrf: body.csrf };
}

describe('web login: first start and sessions', () => {
  it('asks for a password at first start, stores only its scrypt hash (0600) and logs the browser in', async () => {
    const { base } = await serve();
    expect(await (await fetch(`${base}/api/auth`)).json()).toEqual({ mode: 'password', setupNeeded: true, loggedIn: false, readOnlyOpen: true });
    const short = await post(base, '/api/auth/setup', { password: 'short' });
    expect({ status: short.status, body: await short.json() }).toEqual({ status: 400, body: { error: 'the password needs at least 10 characters' } });
    const setup = await post(base, '/api/auth/setup', { password: PASSWORD });
    const body = (await setup.json()) as { loggedIn: boolean; csrf: string };
    expect({ status: setup.status, loggedIn: body.loggedIn, csrfLength: body.csrf.length }).toEqual({ status: 200, loggedIn: true, csrfLength: 43 });
    expect(setup.headers.get('set-cookie')).toMatch(/^smi_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const file = join(dir, ADMIN_PASSWORD_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(PASSWORD);
    expect(Object.keys(JSON.parse(stored) as object)).toEqual(['scheme', 'N', 'r', 'p', 'salt', 'hash']);
    const again = await post(base, '/api/auth/setup', { password: 'another password' });
    expect(again.status).toBe(409);
    const state = await (await fetch(`${base}/api/auth`, { headers: { cookie: cookieOf(setup) } })).json();
    expect(state).toEqual({ mode: 'password', setupNeeded: false, loggedIn: true, readOnlyOpen: true, csrf: body.csrf });
  });

  it('lets a write through only with the session cookie and its CSRF token', async () => {
    const { base, writes } = await serve({ adminPassword: PASSWORD });
    const { cookie, csrf } = await login(base);
    const attempts = [
      { name: 'nothing', headers: {} },
      { name: 'token only', headers: { [CSRF_HEADER]: csrf } },
      { name: 'cookie only', headers: { cookie } },
      { name: 'wrong token', headers: { cookie, [CSRF_HEADER]: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } },
      { name: 'forged cookie', headers: { cookie: 'smi_session=' + 'x'.repeat(43), [CSRF_HEADER]: csrf } },
    ];
    for (const a of attempts) {
      const res = await post(base, '/api/test-write', { n: 1 }, a.headers);
      expect({ name: a.name, status: res.status }).toEqual({ name: a.name, status: 401 });
    }
    expect(writes).toEqual([]);
    const ok = await post(base, '/api/test-write', { n: 2 }, { cookie, [CSRF_HEADER]: csrf });
    expect(ok.status).toBe(200);
    expect(writes).toEqual([{ n: 2 }]);
    const logout = await post(base, '/api/auth/logout', {}, { cookie, [CSRF_HEADER]: csrf });
    expect({ status: logout.status, cookie: logout.headers.get('set-cookie') }).toEqual({
      status: 200,
      cookie: 'smi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
    });
    const after = await post(base, '/api/test-write', { n: 3 }, { cookie, [CSRF_HEADER]: csrf });
    expect(after.status).toBe(401);
    expect(writes).toEqual([{ n: 2 }]);
  });

  it('refuses logins that are wrong, cross-origin or not JSON, and limits failures per minute', async () => {
    const { base } = await serve({ adminPassword: PASSWORD });
    const wrong = await post(base, '/api/auth/login', { password: 'not the password' });
    expect({ status: wrong.status, cookie: wrong.headers.get('set-cookie') }).toEqual({ status: 401, cookie: null });
    const cross = await post(base, '/api/auth/login', { password: PASSWORD }, { origin: 'http://evil.example' });
    expect({ status: cross.status, body: await cross.json() }).toEqual({ status: 400, body: { error: 'cross-origin request refused' } });
    const form = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(form.status).toBe(400);
    for (let i = 1; i < MAX_FAILED_LOGINS_PER_MINUTE; i++) expect((await post(base, '/api/auth/login', { password: `wrong ${i}` })).status).toBe(401);
    const limited = await post(base, '/api/auth/login', { password: PASSWORD });
    expect({ status: limited.status, cookie: limited.headers.get('set-cookie') }).toEqual({ status: 429, cookie: null });
  });

  it('ends a session unused for 12 hours and keeps at most 16', async () => {
    let now = 1_000_000;
    const { base, auth } = await serve({ adminPassword: PASSWORD, now: () => now });
    const first = await login(base);
    now += SESSION_IDLE_MS + 1;
    const res = await post(base, '/api/test-write', {}, { cookie: first.cookie, [CSRF_HEADER]: first.csrf });
    expect(res.status).toBe(401);
    for (let i = 0; i < 17; i++) await login(base);
    expect(auth.sessionCount).toBe(16);
  });
});

describe('web login: configured password, read-only option, ingress', () => {
  it('takes a configured password, replaces the stored hash when it changes and keeps it otherwise', async () => {
    await WebAuth.open({ mode: 'password', stateDir: dir, readOnlyOpen: true, adminPassword: PASSWORD });
    const first = readFileSync(join(dir, ADMIN_PASSWORD_FILE), 'utf8');
    await WebAuth.open({ mode: 'password', stateDir: dir, readOnlyOpen: true, adminPassword: PASSWORD });
    expect(readFileSync(join(dir, ADMIN_PASSWORD_FILE), 'utf8')).toBe(first);
    const { base, auth } = await serve({ adminPassword: 'a brand new password' });
    expect(auth.setupNeeded).toBe(false);
    expect((await post(base, '/api/auth/login', { password: PASSWORD })).status).toBe(401);
    await login(base, 'a brand new password');
  });

  it('with readOnlyOpen false, answers reads only to a session; the login page stays open', async () => {
    const { base } = await serve({ adminPassword: PASSWORD, readOnlyOpen: false });
    const closed = await fetch(`${base}/api/meters`);
    expect({ status: closed.status, body: await closed.json() }).toEqual({ status: 401, body: { error: 'authentication required' } });
    expect((await fetch(`${base}/api/auth`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const { cookie } = await login(base);
    const open = await fetch(`${base}/api/meters`, { headers: { cookie } });
    expect({ status: open.status, body: await open.json() }).toEqual({ status: 200, body: METERS });
  });

  it('under ingress treats every admitted request as the administrator and stores nothing', async () => {
    const { base, writes } = await serve({ mode: 'ingress' }, ['127.0.0.1']);
    expect(await (await fetch(`${base}/api/auth`)).json()).toEqual({ mode: 'ingress', setupNeeded: false, loggedIn: true, readOnlyOpen: true });
    expect((await post(base, '/api/test-write', { n: 1 })).status).toBe(200);
    expect(writes).toEqual([{ n: 1 }]);
    expect((await post(base, '/api/auth/login', { password: PASSWORD })).status).toBe(409);
    expect(() => statSync(join(dir, ADMIN_PASSWORD_FILE))).toThrow(/ENOENT/);
  });
});
