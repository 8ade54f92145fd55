/**
 * The web server's promises, checked against the express app itself: every registered route
 * answers with the security headers, no route changes state without authentication (the test
 * walks the router stack, so a route added later is covered), bodies are limited, and the page
 * still renders a real meter's values under its Content-Security-Policy.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { join } from 'node:path';
import type { Router } from 'express';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { assetsDir } from '../assets';
import { createWebApp, type WebAppOptions } from './server';
import { PAGE } from './page';
import { uiAssets } from './ui-bundle';

/** The Iskra AM550 telegram the demo replays (a real published DSMR 5 telegram). */
function iskraSnapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const [event] = d.value.push(Uint8Array.from(readFileSync(join(assetsDir(), 'simulator', 'dsmr-v5-iskra.txt'))));
  if (event?.ok !== true) throw new Error('the Iskra telegram did not decode');
  return event.snapshot;
}

const SNAPSHOT = iskraSnapshot();
const STATUS = { version: 'test', mqtt: { url: 'mqtt://***@broker:1883', connected: true, embeddedBroker: false }, totals: { frames: 3, rejected: 1 } };
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

interface Running {
  readonly base: string;
  readonly app: ReturnType<typeof createWebApp>;
  close(): Promise<void>;
}

const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function serve(allowedClients: readonly string[] = [], options: WebAppOptions = {}): Promise<Running> {
  const app = createWebApp({ meters: () => [SNAPSHOT], status: () => STATUS }, allowedClients, options);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const r: Running = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  open.push(r);
  return r;
}

/** The status of a request fetch will not send. */
function statusOf(base: string, method: string, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('error', reject);
    req.end();
  });
}

interface RouteInfo {
  readonly path: string;
  readonly methods: readonly string[];
}
interface LayerLike {
  name: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: LayerLike[] };
}

/** Every route in the app, nested routers included, in the order express tries them. */
function routesOf(stack: readonly LayerLike[]): RouteInfo[] {
  return stack.flatMap((layer) => {
    if (layer.route) return [{ path: layer.route.path, methods: Object.keys(layer.route.methods).map((m) => m.toUpperCase()) }];
    return layer.handle.stack ? routesOf(layer.handle.stack) : [];
  });
}

function stackOf(app: Running['app']): LayerLike[] {
  return (app.router as unknown as { stack: LayerLike[] }).stack;
}

/** The headers every answer must carry, in standalone mode. */
function securityHeadersOf(res: Response): Record<string, string | null> {
  return {
    csp: res.headers.get('content-security-policy'),
    nosniff: res.headers.get('x-content-type-options'),
    referrer: res.headers.get('referrer-policy'),
    frame: res.headers.get('x-frame-options'),
    poweredBy: res.headers.get('x-powered-by'),
  };
}

const STANDALONE_HEADERS = {
  csp: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  nosniff: 'nosniff',
  referrer: 'no-referrer',
  frame: 'SAMEORIGIN',
  poweredBy: null,
};

describe('web server: routes, headers and the write guard', () => {
  it('registers exactly the read-only routes, all behind the write guard', async () => {
    const { app } = await serve();
    const stack = stackOf(app);
    expect(routesOf(stack)).toEqual([
      { path: '/', methods: ['GET'] },
      { path: '/app.js', methods: ['GET'] },
      { path: '/app.css', methods: ['GET'] },
      { path: '/favicon.svg', methods: ['GET'] },
      { path: '/api/meters', methods: ['GET'] },
      { path: '/api/status', methods: ['GET'] },
      { path: '/healthz', methods: ['GET'] },
    ]);
    const guard = stack.findIndex((l) => l.name === 'writeGuard');
    const firstRoute = stack.findIndex((l) => l.route !== undefined);
    expect(guard).toBeGreaterThan(-1);
    expect(guard).toBeLessThan(firstRoute);
  });

  it('answers every route (GET and HEAD) with the security headers and no X-Powered-By', async () => {
    const { base, app } = await serve();
    for (const route of routesOf(stackOf(app))) {
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(base + route.path, { method });
        expect({ route: route.path, method, status: res.status, ...securityHeadersOf(res) }).toEqual({
          route: route.path,
          method,
          status: 200,
          ...STANDALONE_HEADERS,
        });
      }
    }
  });

  it('refuses every other method on every route, and on unknown paths, with 405 while no login exists', async () => {
    const { base, app } = await serve();
    const paths = [...routesOf(stackOf(app)).map((r) => r.path), '/api/config', '/nowhere'];
    for (const path of paths) {
      for (const method of WRITE_METHODS) {
        const res = await fetch(base + path, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'OPTIONS' ? {} : { body: '{"logLevel":"trace"}' }),
        });
        expect({ path, method, status: res.status, allow: res.headers.get('allow'), ...securityHeadersOf(res) }).toEqual({
          path,
          method,
          status: 405,
          allow: 'GET, HEAD',
          ...STANDALONE_HEADERS,
        });
      }
      // fetch cannot send TRACE
      expect({ path, status: await statusOf(base, 'TRACE', path) }).toEqual({ path, status: 405 });
    }
  });

  it('lets a write route through only for authenticated requests (401 otherwise), wherever it is mounted', async () => {
    const writes: unknown[] = [];
    const options: WebAppOptions = {
      authenticate: (req) => req.headers['authorization'] === 'Bearer let-me-in',
      routes: (router: Router) => {
        router.post('/api/echo', (req, res) => {
          writes.push(req.body);
          res.json({ stored: true });
        });
        router.delete('/api/meters/:id', (_req, res) => {
          writes.push('delete');
          res.json({ deleted: true });
        });
      },
    };
    const { base, app } = await serve([], options);
    const writeRoutes = routesOf(stackOf(app)).filter((r) => r.methods.some((m) => m !== 'GET' && m !== 'HEAD'));
    expect(writeRoutes.map((r) => r.path)).toEqual(['/api/echo', '/api/meters/:id']);
    for (const route of writeRoutes) {
      const path = route.path.replace(':id', 'K8EG004046395507');
      for (const method of route.methods) {
        const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        expect({ path, method, status: res.status, body: await res.json() }).toEqual({ path, method, status: 401, body: { error: 'authentication required' } });
      }
    }
    expect(writes).toEqual([]);
    const ok = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { authorization: 'Bearer let-me-in', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect({ status: ok.status, body: await ok.json(), nosniff: ok.headers.get('x-content-type-options') }).toEqual({
      status: 200,
      body: { stored: true },
      nosniff: 'nosniff',
    });
    expect(writes).toEqual([{ a: 1 }]);
  });
});

describe('web server: bodies and errors', () => {
  const authed: WebAppOptions = { authenticate: () => true, routes: (r: Router) => r.put('/api/blob', (_req, res) => res.json({ ok: true })) };

  it('refuses a body over 64 KiB with 413 (declared or chunked), JSON or not, and accepts one at the limit', async () => {
    const { base } = await serve([], authed);
    const big = 'x'.repeat(64 * 1024 + 1);
    const json = JSON.stringify({ v: big });
    const declared = await fetch(`${base}/api/blob`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: json });
    expect({ status: declared.status, body: await declared.json() }).toEqual({ status: 413, body: { error: 'request body too large' } });
    const raw = await fetch(`${base}/api/blob`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: big });
    expect(raw.status).toBe(413);
    const chunked = await fetch(`${base}/api/blob`, { method: 'PUT', body: new Blob([big]).stream(), duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    const atLimit = await fetch(`${base}/api/blob`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: 'x'.repeat(64 * 1024) });
    expect(atLimit.status).toBe(200);
  });

  it('answers malformed JSON and unknown paths with fixed texts that quote nothing of the request', async () => {
    const { base } = await serve([], authed);
    const bad = await fetch(`${base}/api/blob`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"password": "hunter2-secret' });
    expect({ status: bad.status, body: await bad.text() }).toEqual({ status: 400, body: '{"error":"bad request"}' });
    const missing = await fetch(`${base}/nowhere/<script>`);
    expect({ status: missing.status, body: await missing.text(), ...securityHeadersOf(missing) }).toEqual({
      status: 404,
      body: '{"error":"not found"}',
      ...STANDALONE_HEADERS,
    });
  });
});

describe('web server: framing (standalone vs Home Assistant ingress)', () => {
  it('under ingress (allowedClients) allows framing by the Home Assistant frontend and keeps the other headers', async () => {
    const { base } = await serve(['127.0.0.1']);
    const res = await fetch(`${base}/`);
    expect({ status: res.status, ...securityHeadersOf(res) }).toEqual({
      ...STANDALONE_HEADERS,
      status: 200,
      csp: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
      frame: null,
    });
  });

  it('refuses a client outside allowedClients with 403, still with the headers', async () => {
    const { base } = await serve(['172.30.32.2']);
    const res = await fetch(`${base}/api/status`);
    expect({
      status: res.status,
      body: await res.json(),
      nosniff: res.headers.get('x-content-type-options'),
      referrer: res.headers.get('referrer-policy'),
    }).toEqual({
      status: 403,
      body: { error: 'forbidden' },
      nosniff: 'nosniff',
      referrer: 'no-referrer',
    });
  });

  it('lets the container health check (loopback) ask /healthz under ingress, and nothing else', async () => {
    const { base } = await serve(['172.30.32.2']);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/api/v1/meters`)).status).toBe(403);
  });
});

describe('web page under the Content-Security-Policy', () => {
  it('has no inline script, style or handler, and loads its script and style from relative URLs', async () => {
    expect(PAGE).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    expect(PAGE).toContain('<script src="app.js"></script>');
    expect(PAGE).toContain('<link rel="stylesheet" href="app.css">');
    const { base } = await serve();
    const js = await fetch(`${base}/app.js`);
    const css = await fetch(`${base}/app.css`);
    expect([js.headers.get('content-type'), css.headers.get('content-type')]).toEqual(['text/javascript; charset=utf-8', 'text/css; charset=utf-8']);
    expect(await js.text()).toBe(uiAssets().js);
    // the bundle holds the UI's own stylesheet and uPlot's
    const style = await css.text();
    expect([/prefers-color-scheme:\s*dark/.test(style), /\.uplot\{/.test(style)]).toEqual([true, true]);
  });
});
