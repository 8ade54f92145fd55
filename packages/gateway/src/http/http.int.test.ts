/**
 * HTTP outputs end to end, in process: the gateway reads a real DSMR 5 telegram from a file and
 * pushes it to a local receiver (node:http) that fails for a while and then recovers; /metrics is
 * read back with a real Prometheus text parser; the token of a header never reaches the log or the
 * status; the gateway stops within its budget with retries pending and a request in flight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import { configSchema } from '../config/schema';
import { startGateway, type RunningGateway } from '../gateway';
import { createLogger } from '../log';
import { freePort, waitFor } from '../test-support/ports';

jest.setTimeout(30000);

interface ParsedFamily {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value: string }[];
}
const parsePrometheus = createRequire(__filename)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

const FIXTURE = join(__dirname, '../../../decoder/fixtures/dsmr/v5-iskra-mt382.txt');
const METER = 'K8EG004046395507';
const TOKEN = 'tok-4f9c2e7a1b3d8e6f';

interface Received {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly status: number;
}

/** A receiver: the first `failFirst[prefix]` requests under a path prefix get 500, /down always 503, /hang never answers. */
async function startReceiver(failFirst: Record<string, number>): Promise<{ base: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url.startsWith('/hang')) return;
      const prefix = url.split('/')[1] ?? '';
      const n = (seen.get(prefix) ?? 0) + 1;
      seen.set(prefix, n);
      const status = prefix === 'down' ? 503 : n <= (failFirst[prefix] ?? 0) ? 500 : 204;
      received.push({ at: Date.now(), method: req.method ?? '', url, headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

describe('HTTP push, REST and /metrics from a gateway reading a real telegram', () => {
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let gw: RunningGateway;
  let web: string;
  const lines: string[] = [];
  let snapshot: MeterSnapshot;
  let stopped = false;

  beforeAll(async () => {
    rx = await startReceiver({ json: 2, api: 1, v: 2 });
    const webPort = await freePort();
    const config = configSchema.parse({
      // the same telegram every 500 ms: nothing changes, so mode change sends each target one snapshot
      meters: [{ name: 'p1', protocol: 'dsmr', transport: { type: 'file', path: FIXTURE, loop: true, intervalMs: 500 } }],
      mqtt: { embeddedBroker: { host: '127.0.0.1', port: await freePort() } },
      web: { host: '127.0.0.1', port: webPort },
      stateDir: mkdtempSync(join(tmpdir(), 'smi-state-')),
      http: {
        push: [
          { name: 'state', url: `${rx.base}/json/{meter}` },
          { name: 'influx', url: `${rx.base}/api/v2/write?org=home&bucket=smi&precision=ns`, headers: { Authorization: `Token ${TOKEN}` }, format: 'influx' },
          { name: 'values', url: `${rx.base}/v/{meter}/{key}`, method: 'PUT', format: 'value', queueSize: 5 },
          { name: 'stuck', url: `${rx.base}/hang`, timeoutMs: 60000 },
          { name: 'down', url: `${rx.base}/down` },
        ],
      },
      logLevel: 'trace',
    });
    gw = await startGateway(
      config,
      createLogger('trace', [], (l) => lines.push(l)),
    );
    web = `http://127.0.0.1:${webPort}`;
    snapshot = await waitFor('the telegram', () => gw.latest()[0], 10000);
  });

  afterAll(async () => {
    if (!stopped) await gw?.stop();
    rx?.server.closeAllConnections();
    rx?.server.close();
  });

  it('retries a failing receiver after 1 s and 2 s, then delivers the json-state object', async () => {
    const json = await waitFor(
      'three attempts',
      () => (rx.received.filter((r) => r.url.startsWith('/json/')).length >= 3 ? rx.received.filter((r) => r.url.startsWith('/json/')) : undefined),
      10000,
    );
    expect(json.map((r) => [r.method, r.url, r.status, r.headers['content-type']])).toEqual([
      ['POST', `/json/${METER}`, 500, 'application/json'],
      ['POST', `/json/${METER}`, 500, 'application/json'],
      ['POST', `/json/${METER}`, 204, 'application/json'],
    ]);
    expect(new Set(json.map((r) => r.body)).size).toBe(1);
    const body = JSON.parse(json[0]?.body ?? '') as Record<string, unknown>;
    expect(body).toMatchObject({
      energy_import_tariff_1: 4.426,
      energy_import_tariff_2: 2.399,
      energy_export_tariff_1: 2.444,
      power_import: 244,
      voltage_l3: 229,
      time: '2017-01-02T19:20:02+01:00',
      received_at: snapshot.receivedAt,
    });
    const [a, b, c] = json.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(950);
    expect(b - a).toBeLessThan(1800);
    expect(c - b).toBeGreaterThanOrEqual(1950);
    expect(c - b).toBeLessThan(3000);
  });

  it('writes InfluxDB line protocol with the token header, one line per numeric reading', async () => {
    const influx = await waitFor(
      'the retried write',
      () =>
        rx.received.filter((r) => r.url.startsWith('/api/v2/write')).length >= 2 ? rx.received.filter((r) => r.url.startsWith('/api/v2/write')) : undefined,
      10000,
    );
    expect(influx.map((r) => [r.status, r.url, r.headers['authorization'], r.headers['content-type']])).toEqual([
      [500, '/api/v2/write?org=home&bucket=smi&precision=ns', `Token ${TOKEN}`, 'text/plain; charset=utf-8'],
      [204, '/api/v2/write?org=home&bucket=smi&precision=ns', `Token ${TOKEN}`, 'text/plain; charset=utf-8'],
    ]);
    const ns = (BigInt(Date.parse(snapshot.receivedAt ?? '')) * 1000000n).toString();
    const body = influx[1]?.body.split('\n') ?? [];
    expect(body.slice(0, 4)).toEqual([
      `smi,key=energy_import_tariff_1,meter=${METER} value=4.426 ${ns}`,
      `smi,key=energy_import_tariff_2,meter=${METER} value=2.399 ${ns}`,
      `smi,key=energy_export_tariff_1,meter=${METER} value=2.444 ${ns}`,
      `smi,key=energy_export_tariff_2,meter=${METER} value=0 ${ns}`,
    ]);
    expect(body).toContain(`smi,key=power_import,meter=${METER} value=244 ${ns}`);
    expect(body).toHaveLength(snapshot.readings.filter((r) => typeof r.value === 'number').length);
  });

  it('keeps the newest requests when the queue overflows and counts every dropped one', async () => {
    const withValue = snapshot.readings.filter((r) => r.value !== null);
    const last5 = withValue.slice(-5);
    const sent = await waitFor(
      'five values',
      () =>
        rx.received.filter((r) => r.url.startsWith('/v/') && r.status === 204).length >= 5
          ? rx.received.filter((r) => r.url.startsWith('/v/') && r.status === 204)
          : undefined,
      10000,
    );
    expect(sent.map((r) => [r.method, r.url, r.body])).toEqual(last5.map((r) => ['PUT', `/v/${METER}/${r.key}`, String(r.value)]));
    // one request per reading, queued at once: the oldest were dropped, the first kept one was retried twice
    const failed = rx.received.filter((r) => r.url.startsWith('/v/') && r.status === 500).map((r) => r.url);
    expect(failed).toEqual([`/v/${METER}/${last5[0]?.key}`, `/v/${METER}/${last5[0]?.key}`]);
    expect(withValue.length).toBeGreaterThan(20);
    const status = (await (await fetch(`${web}/api/v1/status`)).json()) as {
      push: { name: string; sent: number; failed: number; dropped: number; queued: number }[];
    };
    expect(status.push.find((p) => p.name === 'values')).toMatchObject({ sent: 5, failed: 2, dropped: withValue.length - 5, queued: 0 });
  });

  it('serves /metrics that a Prometheus parser reads: readings, frames, MQTT and push counters', async () => {
    await waitFor('push counters settled', () => rx.received.filter((r) => r.url.startsWith('/v/') && r.status === 204).length >= 5, 10000);
    const res = await fetch(`${web}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheus(await res.text());
    const family = (name: string): ParsedFamily | undefined => families.find((f) => f.name === name);
    expect(family('smi_energy_kwh')?.metrics.find((m) => m.labels?.['key'] === 'energy_import_tariff_1')).toEqual({
      labels: { meter: METER, key: 'energy_import_tariff_1', obis: '1-0:1.8.1', unit: 'kWh' },
      value: '4.426',
    });
    expect(family('smi_power_watts')?.metrics.find((m) => m.labels?.['key'] === 'power_import')?.value).toBe('244');
    expect(family('smi_count_total')?.type).toBe('COUNTER');
    expect(family('smi_frames_total')?.metrics).toEqual([{ labels: { source: 'p1' }, value: expect.stringMatching(/^[1-9]\d*$/) }]);
    expect(family('smi_mqtt_connected')?.metrics).toEqual([{ value: '1' }]);
    const dropped = family('smi_push_dropped_total')?.metrics.find((m) => m.labels?.['target'] === 'values')?.value;
    expect(Number(dropped)).toBe(snapshot.readings.filter((r) => r.value !== null).length - 5);
    expect(family('smi_push_sent_total')?.metrics.find((m) => m.labels?.['target'] === 'state')?.value).toBe('1');
    expect(Number(family('smi_push_failed_total')?.metrics.find((m) => m.labels?.['target'] === 'down')?.value)).toBeGreaterThanOrEqual(1);
  });

  it('sent each target one snapshot although the telegram repeated (mode change, nothing changed)', async () => {
    await waitFor('more frames', () => (gw.latest()[0]?.receivedAt ?? '') > (snapshot.receivedAt ?? ''), 5000);
    await new Promise((r) => setTimeout(r, 600));
    expect(
      rx.received
        .filter((r) => r.status === 204)
        .map((r) => r.url.split('/')[1])
        .sort(),
    ).toEqual(['api', 'json', 'v', 'v', 'v', 'v', 'v']);
  });

  it('serves the REST API v1 with the latest snapshot and a JSON 404, and streams each frame as an event', async () => {
    const one = (await (await fetch(`${web}/api/v1/meters/${METER}`)).json()) as MeterSnapshot;
    expect({ ...one, receivedAt: snapshot.receivedAt }).toEqual(JSON.parse(JSON.stringify(snapshot)));
    expect(((await (await fetch(`${web}/api/v1/meters`)).json()) as MeterSnapshot[]).map((m) => m.meter.id)).toEqual([METER]);
    const missing = await fetch(`${web}/api/v1/meters/0000`);
    expect({ status: missing.status, body: await missing.json() }).toEqual({ status: 404, body: { error: 'unknown meter' } });
    const stream = await fetch(`${web}/api/v1/events`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let match: RegExpExecArray | null = null;
    while (match === null) {
      text += decoder.decode((await reader.read()).value, { stream: true });
      match = /event: snapshot\ndata: (.*)\n\n/.exec(text);
    }
    const event = JSON.parse(match[1] ?? '') as MeterSnapshot;
    expect([event.meter.id, event.readings.find((r) => r.key === 'energy_import_tariff_1')?.value]).toEqual([METER, 4.426]);
    await reader.cancel();
  });

  it('never shows a header value: status redacts it, the log masks it, and stops within 5 s with retries pending', async () => {
    const status = await (await fetch(`${web}/api/status`)).text();
    expect(status).not.toContain(TOKEN);
    const influx = (JSON.parse(status) as { push: { name: string; url: string; headers: Record<string, string>; lastError: string | null }[] }).push.find(
      (p) => p.name === 'influx',
    );
    expect(influx).toMatchObject({ url: `${rx.base}/api/v2/write`, headers: { Authorization: '***' }, lastError: 'HTTP 500' });
    await waitFor('a retry of the failing receiver', () => rx.received.filter((r) => r.url === '/down').length >= 2, 10000);
    const stream = await fetch(`${web}/api/v1/events`);
    const ended = (async () => {
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      while (!(await reader.read()).done);
      return 'ended';
    })();
    const t0 = Date.now();
    stopped = true;
    await gw.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await ended).toBe('ended');
    const log = lines.join('\n');
    expect(log).toMatch(/push influx: http:\/\/127\.0\.0\.1:\d+\/api\/v2\/write: HTTP 500; retry in 1 s/);
    expect(log).toMatch(/push down: .*HTTP 503; retry in 2 s/);
    expect(log).toContain('push stuck: 1 unsent request discarded at shutdown');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(TOKEN.slice(4));
  });
});
