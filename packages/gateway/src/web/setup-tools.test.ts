/**
 * Setup's tools against real sockets: Detect over a TCP bridge that pushes a real DSMR telegram,
 * the broker connection test against the embedded broker and a closed port, and Test's three
 * outcomes — decoded, refused with its error kind (wrong key), nothing decoded (garbage, silence).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { assetsDir } from '../assets';
import { startEmbeddedBroker } from '../broker';
import { validateConfig } from '../config/load';
import type { MeterConfig } from '../config/schema';
import { silentLogger } from '../log';
import { freePort, waitFor } from '../test-support/ports';
import { WebAuth } from './auth';
import { testMeter } from './meter-test';
import { mountSetupTools } from './setup-tools';
import type { UiDetectState } from './ui/types';

jest.setTimeout(30000);

const ISKRA = readFileSync(join(assetsDir(), 'simulator', 'dsmr-v5-iskra.txt'));
const LG_FRAMES = join(assetsDir(), 'simulator', 'dlms-lg-e570-encrypted.hex');

let dir: string;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smi-tools-'));
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** A TCP bridge whose "meter" sends `chunk` to every client every 300 ms (nothing when undefined). */
async function bridge(chunk: Buffer | undefined): Promise<number> {
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const timer = setInterval(() => chunk && sockets.forEach((s) => s.write(chunk)), 300);
  closers.push(async () => {
    clearInterval(timer);
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
  });
  return (server.address() as AddressInfo).port;
}

async function tools(): Promise<string> {
  const auth = await WebAuth.open({ mode: 'ingress', stateDir: dir, readOnlyOpen: true });
  const app = express();
  app.use(express.json());
  const router = express.Router();
  mountSetupTools(router, { auth, configFile: undefined, log: silentLogger });
  app.use(router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function meter(doc: unknown): MeterConfig {
  const r = validateConfig({ meters: [doc] });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config.meters[0] as MeterConfig;
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('setup tools', () => {
  it('Detect finds a DSMR meter behind a TCP bridge, with progress, and proposes its meter entry', async () => {
    const port = await bridge(ISKRA);
    const base = await tools();
    const started = await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${port}`, listenSeconds: 5 });
    expect(started.status).toBe(202);
    expect((await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${port}` })).status).toBe(409);
    let state: UiDetectState | undefined;
    await waitFor(
      'the detection to end',
      () => {
        void fetch(`${base}/api/ui/detect`)
          .then((r) => r.json())
          .then((s: UiDetectState) => (state = s));
        return state && !state.running ? state : undefined;
      },
      20000,
      200,
    );
    expect(state?.summary).toBe('found dsmr, meter K8EG004046395507');
    expect(state?.found).toEqual({ name: 'meter', protocol: 'dsmr', transport: { type: 'tcp', host: '127.0.0.1', port } });
    expect(state?.progress.length).toBeGreaterThan(0);
    expect((await post(`${base}/api/ui/detect`, { port: 'COM1' })).status).toBe(400);
  });

  it('the broker test connects to a real broker and reports a closed port', async () => {
    const mqttPort = await freePort();
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: mqttPort, stateDir: dir, statusTopic: 'homeassistant/status' }, silentLogger);
    closers.push(() => broker.close());
    const base = await tools();
    expect(await (await post(`${base}/api/ui/mqtt/test`, { url: `mqtt://127.0.0.1:${mqttPort}` })).json()).toEqual({ ok: true, message: 'connected' });
    const closed = (await (await post(`${base}/api/ui/mqtt/test`, { url: `mqtt://127.0.0.1:${await freePort()}` })).json()) as { ok: boolean; message: string };
    expect({ ok: closed.ok, refused: /ECONNREFUSED|closed/.test(closed.message) }).toEqual({ ok: false, refused: true });
    expect((await post(`${base}/api/ui/mqtt/test`, { url: 'http://example' })).status).toBe(400);
  });

  it('Test reports the first frame decoded, a wrong key as decrypt-failed, and nothing decoded with the bytes seen', async () => {
    const ok = await testMeter(meter({ transport: { type: 'tcp', host: '127.0.0.1', port: await bridge(ISKRA) } }), 5000, silentLogger, undefined);
    expect(ok).toMatchObject({ outcome: 'decoded', meterId: 'K8EG004046395507', protocol: 'dsmr' });
    expect(ok.outcome === 'decoded' && ok.readings.find((r) => r.key === 'power_import')).toEqual({
      key: 'power_import',
      name: 'Power import',
      value: 244,
      unit: 'W',
    });

    const wrongKey = await testMeter(
      meter({ protocol: 'dlms', key: '000102030405060708090A0B0C0D0E0F', transport: { type: 'file', path: LG_FRAMES, hex: true } }),
      5000,
      silentLogger,
      undefined,
    );
    expect(wrongKey).toMatchObject({ outcome: 'refused', error: { kind: 'decrypt-failed' } });

    const garbage = await testMeter(
      meter({ transport: { type: 'tcp', host: '127.0.0.1', port: await bridge(Buffer.from([0xf0, 0x0f, 0x55, 0xaa])) } }),
      1500,
      silentLogger,
      undefined,
    );
    expect(garbage).toMatchObject({
      outcome: 'nothing',
      message: expect.stringMatching(/^\d+ bytes received, no frame found: wrong baud rate, parity or protocol\?$/) as unknown,
    });
    const silent = await testMeter(meter({ transport: { type: 'tcp', host: '127.0.0.1', port: await bridge(undefined) } }), 1000, silentLogger, undefined);
    expect(silent).toMatchObject({ outcome: 'nothing', bytes: 0, message: 'no bytes received: wrong port, cable, or the meter sends nothing' });
  });
});
