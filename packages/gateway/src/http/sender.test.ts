/**
 * One push target against a local receiver on a real socket: interval shaping sends the latest
 * snapshot when the interval is over, a receiver that does not answer times out and is retried,
 * a refusal (4xx) is not retried.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeterSnapshot } from '@smi/model';
import { createLogger } from '../log';
import { freePort, waitFor } from '../test-support/ports';
import type { BodyBuilder } from './bodies';
import { PushTarget, type PushTargetOptions } from './sender';

interface Hit {
  readonly at: number;
  readonly url: string;
  readonly body: string;
}

let server: Server;
let base: string;
const hits: Hit[] = [];
const open: PushTarget[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ at: Date.now(), url: req.url ?? '', body });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/moved') res.writeHead(301, { location: '/in' }).end();
      else res.writeHead(req.url === '/refuse' ? 400 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.stop()));
  hits.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const snap = (power: number): MeterSnapshot => ({
  protocol: 'dsmr',
  meter: { id: 'm1' },
  receivedAt: '2026-12-07T10:00:00Z',
  readings: [{ key: 'power_import', name: 'Power import', quantity: 'power', value: power, unit: 'W' }],
});
/** The power value as the body, to the target's URL. */
const bodyTo =
  (path: string): BodyBuilder =>
  (s) => ({ ok: true, requests: [{ url: `${base}${path}`, body: String(s.readings[0]?.value), contentType: 'text/plain' }] });

function target(path: string, o: Partial<PushTargetOptions> = {}, lines: string[] = []): PushTarget {
  const t = new PushTarget({
    name: 't',
    url: `${base}${path}`,
    method: 'POST',
    headers: {},
    timeoutMs: 5000,
    queueSize: 10,
    shaping: { mode: 'change', intervalMs: 0, deadband: {} },
    build: bodyTo(path),
    log: createLogger('debug', [], (l) => lines.push(l)),
    ...o,
  });
  open.push(t);
  return t;
}

describe('push target', () => {
  it('interval: sends the first snapshot at once and the latest of the interval when it is over', async () => {
    const t = target('/in', { shaping: { mode: 'interval', intervalMs: 400, deadband: {} } });
    const t0 = Date.now();
    t.offer(snap(1));
    t.offer(snap(2));
    t.offer(snap(3));
    await waitFor('two requests', () => hits.length === 2, 5000);
    expect(hits.map((h) => h.body)).toEqual(['1', '3']);
    expect((hits[1]?.at ?? 0) - t0).toBeGreaterThanOrEqual(390);
    await waitFor('the answer', () => t.status().sent === 2, 5000);
    expect(t.status()).toMatchObject({ sent: 2, failed: 0, dropped: 0, queued: 0, lastError: null });
  });

  it('interval: a meter due earlier than one already held is sent on its own time', async () => {
    const t = target('/in', { shaping: { mode: 'interval', intervalMs: 500, deadband: {} } });
    const other = (power: number): MeterSnapshot => ({ ...snap(power), meter: { id: 'm2' } });
    const t0 = Date.now();
    t.offer(snap(1));
    await new Promise((r) => setTimeout(r, 200));
    t.offer(other(10));
    t.offer(other(11)); // held, due at 700
    t.offer(snap(2)); // held, due at 500
    await waitFor('four requests', () => hits.length === 4, 5000);
    expect(hits.map((h) => h.body)).toEqual(['1', '10', '2', '11']);
    const [, , m1, m2] = hits.map((h) => h.at - t0) as [number, number, number, number];
    expect(m1).toBeGreaterThanOrEqual(490);
    expect(m1).toBeLessThan(680); // not held until m2's due time
    expect(m2).toBeGreaterThanOrEqual(690);
  });

  it('gives up on a receiver that does not answer within timeoutMs and retries after 1 s', async () => {
    const lines: string[] = [];
    const t = target('/slow', { timeoutMs: 200 }, lines);
    t.offer(snap(5));
    await waitFor('the retry', () => hits.length === 2, 5000);
    expect((hits[1]?.at ?? 0) - (hits[0]?.at ?? 0)).toBeGreaterThanOrEqual(1150);
    expect(t.status()).toMatchObject({ sent: 0, failed: 1, queued: 1, lastError: 'no answer within 200 ms' });
    expect(lines.join('\n')).toMatch(/push t: http:\/\/127\.0\.0\.1:\d+\/slow: no answer within 200 ms; retry in 1 s/);
  });

  it('does not retry a request the receiver refuses (4xx) and does not follow redirects', async () => {
    const lines: string[] = [];
    const t = target('/refuse', {}, lines);
    const moved = target('/moved', {}, lines);
    t.offer(snap(7));
    moved.offer(snap(8));
    await waitFor('the refusals', () => t.status().failed === 1 && moved.status().failed === 1, 5000);
    await new Promise((r) => setTimeout(r, 1300));
    expect(hits.map((h) => h.url).sort()).toEqual(['/moved', '/refuse']);
    expect(t.status()).toMatchObject({ sent: 0, failed: 1, queued: 0, lastError: 'HTTP 400' });
    expect(moved.status()).toMatchObject({ sent: 0, failed: 1, queued: 0, lastError: 'HTTP 301' });
    expect(lines.join('\n')).toMatch(/refused a request \(HTTP 400\); not retried/);
  });

  it('names a refused connection without the URL', async () => {
    const port = await freePort();
    const t = new PushTarget({
      name: 'closed',
      url: `http://127.0.0.1:${port}/x`,
      method: 'PUT',
      headers: {},
      timeoutMs: 1000,
      queueSize: 1,
      shaping: { mode: 'change', intervalMs: 0, deadband: {} },
      build: (s) => ({ ok: true, requests: [{ url: `http://127.0.0.1:${port}/x`, body: String(s.readings[0]?.value), contentType: 'text/plain' }] }),
      log: createLogger('error', [], () => undefined),
    });
    open.push(t);
    t.offer(snap(1));
    await waitFor('the failure', () => t.status().failed === 1, 5000);
    expect(t.status()).toMatchObject({ url: `http://127.0.0.1:${port}/x`, method: 'PUT', sent: 0, queued: 1, lastError: 'cannot connect (ECONNREFUSED)' });
    t.offer(snap(2));
    expect(t.status()).toMatchObject({ queued: 1, dropped: 1 });
  });
});
