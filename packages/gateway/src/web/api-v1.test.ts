/**
 * The versioned API on a real socket: every route is described in the OpenAPI document and every
 * described path is a route, answers carry real meter values, unknown ids get JSON 404s, and the
 * event stream delivers snapshots, heartbeats, ends on shutdown and drops a client that does not read.
 */
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { waitFor } from '../test-support/ports';
import { SnapshotEvents, type SnapshotEventsOptions } from './api-v1';
import { meterFamilies } from './metrics';
import { createWebApp } from './server';

const FIXTURES = join(__dirname, '../../../decoder/fixtures');

function iskra(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const [event] = d.value.push(Uint8Array.from(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'))));
  if (event?.ok !== true) throw new Error('the Iskra telegram did not decode');
  return { ...event.snapshot, receivedAt: '2026-12-07T10:00:00.250Z' };
}

const SNAPSHOT = iskra();
const METER = 'K8EG004046395507';
const STATUS = {
  version: 'test',
  mqtt: { url: 'mqtt://***@broker:1883', connected: true, embeddedBroker: false },
  totals: { frames: 1, rejected: 0 },
  push: [],
};

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  handle: { stack?: LayerLike[] };
}
function routesOf(stack: readonly LayerLike[]): { path: string; methods: string[] }[] {
  return stack.flatMap((l) =>
    l.route ? [{ path: l.route.path, methods: Object.keys(l.route.methods).map((m) => m.toUpperCase()) }] : l.handle.stack ? routesOf(l.handle.stack) : [],
  );
}

interface Running {
  base: string;
  app: ReturnType<typeof createWebApp>;
  events: SnapshotEvents;
  server: Server;
}
const open: Running[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    r.events.close();
    r.server.closeAllConnections();
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
  }
});

async function serve(eventOptions: SnapshotEventsOptions = {}): Promise<Running> {
  const events = new SnapshotEvents(eventOptions);
  const app = createWebApp({ meters: () => [SNAPSHOT], status: () => STATUS }, [], {
    apiV1: { meters: () => [SNAPSHOT], status: () => STATUS, metrics: () => meterFamilies([SNAPSHOT]), events, version: '9.8.7' },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const r = { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, app, events, server };
  open.push(r);
  return r;
}

/** Reads an event stream's text as it arrives. */
async function streamText(res: Response): Promise<{ text(): string; done: Promise<void> }> {
  let text = '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { text: () => text, done };
}

describe('API v1 and the OpenAPI document', () => {
  it('describes exactly the /api/v1 routes and /metrics, all GET and behind the write guard', async () => {
    const { base, app } = await serve();
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      info: { version: string };
      paths: Record<string, Record<string, unknown>>;
    };
    expect([doc.openapi, doc.info.version]).toEqual(['3.1.0', '9.8.7']);
    const stack = (app.router as unknown as { stack: LayerLike[] }).stack;
    const routes = routesOf(stack).filter((r) => r.path.startsWith('/api/v1/') || r.path === '/metrics');
    const documented = Object.entries(doc.paths).map(([path, ops]) => ({
      path: path.replace(/\{(\w+)\}/g, ':$1'),
      methods: Object.keys(ops).map((m) => m.toUpperCase()),
    }));
    expect(routes.sort((a, b) => a.path.localeCompare(b.path))).toEqual(documented.sort((a, b) => a.path.localeCompare(b.path)));
    expect(routes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v1/meters', '/api/v1/meters/:id', '/api/v1/status', '/api/v1/events', '/api/v1/openapi.json', '/metrics']),
    );
    expect(stack.findIndex((l) => l.name === 'writeGuard')).toBeLessThan(stack.findIndex((l) => l.route !== undefined));
    const post = await fetch(`${base}/api/v1/meters`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
  });

  it('serves the latest snapshots, one meter by id, a JSON 404 for an unknown id, and the status', async () => {
    const { base } = await serve();
    const list = await fetch(`${base}/api/v1/meters`);
    expect([list.status, list.headers.get('cache-control'), list.headers.get('x-content-type-options')]).toEqual([200, 'no-store', 'nosniff']);
    const meters = (await list.json()) as MeterSnapshot[];
    expect(meters.map((m) => m.meter.id)).toEqual([METER]);
    expect(meters[0]?.receivedAt).toBe('2026-12-07T10:00:00.250Z');
    const one = (await (await fetch(`${base}/api/v1/meters/${METER}`)).json()) as MeterSnapshot;
    expect(one.readings.find((r) => r.key === 'energy_import_tariff_1')).toEqual({
      obis: '1-0:1.8.1',
      key: 'energy_import_tariff_1',
      name: 'Energy import tariff 1',
      quantity: 'energy',
      value: 4.426,
      unit: 'kWh',
    });
    const missing = await fetch(`${base}/api/v1/meters/nope`);
    expect({ status: missing.status, type: missing.headers.get('content-type'), body: await missing.json() }).toEqual({
      status: 404,
      type: 'application/json; charset=utf-8',
      body: { error: 'unknown meter' },
    });
    expect(await (await fetch(`${base}/api/v1/status`)).json()).toEqual(STATUS);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toContain(`smi_energy_kwh{meter="${METER}",key="energy_import_tariff_1",obis="1-0:1.8.1",unit="kWh"} 4.426\n`);
  });
});

describe('API v1 event stream (Server-Sent Events)', () => {
  it('sends one snapshot event per frame and heartbeats, and ends the stream on close', async () => {
    const { base, events } = await serve({ heartbeatMs: 100 });
    const res = await fetch(`${base}/api/v1/events`);
    expect([res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([200, 'text/event-stream; charset=utf-8', 'no-store']);
    const stream = await streamText(res);
    await waitFor('the client to be attached', () => events.clientCount === 1);
    events.publish(SNAPSHOT);
    events.publish({ ...SNAPSHOT, readings: SNAPSHOT.readings.map((r) => (r.key === 'power_import' ? { ...r, value: 250 } : r)) });
    await waitFor('two events', () => stream.text().split('event: snapshot\n').length === 3, 5000);
    await waitFor('a heartbeat', () => stream.text().includes(': heartbeat\n\n'), 5000);
    events.close();
    await stream.done;
    const data = stream
      .text()
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as MeterSnapshot);
    expect(data.map((s) => s.readings.find((r) => r.key === 'power_import')?.value)).toEqual([244, 250]);
    expect(stream.text().startsWith('retry: 5000\n\n')).toBe(true);
    expect(events.clientCount).toBe(0);
  });

  it('drops a client that does not read instead of buffering without limit, and keeps one that does', async () => {
    const { base, events } = await serve({ maxBufferedBytes: 64 * 1024 });
    const good = await streamText(await fetch(`${base}/api/v1/events`));
    const port = Number(new URL(base).port);
    const slow: Socket = connect(port, '127.0.0.1');
    await new Promise((r) => slow.once('connect', r));
    slow.write('GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n');
    slow.pause(); // never reads
    await waitFor('both clients attached', () => events.clientCount === 2);
    let published = 0;
    // one frame at a time, as meters send them; the reading client keeps up, the other falls behind
    while (events.dropped === 0 && published < 20000) {
      events.publish(SNAPSHOT);
      published++;
      await new Promise((r) => setImmediate(r));
    }
    expect({ dropped: events.dropped, clients: events.clientCount }).toEqual({ dropped: 1, clients: 1 });
    await waitFor('the good client to get every event', () => good.text().split('event: snapshot\n').length - 1 === published, 10000);
    slow.destroy();
  });

  it('refuses more streams than allowed with 503 and answers HEAD without a stream', async () => {
    const { base, events } = await serve({ maxClients: 1 });
    const first = await streamText(await fetch(`${base}/api/v1/events`));
    await waitFor('one client', () => events.clientCount === 1);
    const second = await fetch(`${base}/api/v1/events`);
    expect({ status: second.status, body: await second.json() }).toEqual({ status: 503, body: { error: 'too many event streams' } });
    const head = await fetch(`${base}/api/v1/events`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    events.close();
    await first.done;
  });
});
