/**
 * Setup's tools against real sockets: Detect over a TCP bridge that pushes a real DSMR telegram,
 * the broker connection test against the embedded broker and a closed port, and Test's three
 * outcomes — decoded, refused with its error kind (wrong key), nothing decoded (garbage, silence).
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinModbusProfile, EASTRON_SDM630, type ModbusMeterProfile } from '@smi/decoder';
import express from 'express';
import { assetsDir } from '../assets';
import { startEmbeddedBroker } from '../broker';
import { validateConfig } from '../config/load';
import type { MeterConfig } from '../config/schema';
import { silentLogger } from '../log';
import { ModbusBus, ModbusRtuSimulator, ModbusSlave, profileSlave, runModbusTcpServer } from '../simulators/modbus';
import { runSimulator } from '../simulators/runner';
import { startPtyPair } from '../test-support/socat';
import { freePort } from '../test-support/ports';
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

/** Polls Detect's state (one request at a time, none left running) until the detection has ended. */
async function detectionEnd(base: string): Promise<UiDetectState> {
  const until = Date.now() + 20000;
  for (;;) {
    const state = (await (await fetch(`${base}/api/ui/detect`)).json()) as UiDetectState;
    if (!state.running) return state;
    if (Date.now() > until) throw new Error('the detection did not end within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('setup tools', () => {
  it('Detect finds a DSMR meter behind a TCP bridge, with progress, and proposes its meter entry', async () => {
    const port = await bridge(ISKRA);
    const base = await tools();
    const started = await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${port}`, listenSeconds: 5 });
    expect(started.status).toBe(202);
    expect((await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${port}` })).status).toBe(409);
    const state = await detectionEnd(base);
    expect(state.summary).toBe('found dsmr, meter K8EG004046395507');
    expect(state.found).toEqual({ name: 'meter', protocol: 'dsmr', transport: { type: 'tcp', host: '127.0.0.1', port } });
    expect(state.meters).toEqual([]);
    expect(state.progress.length).toBeGreaterThan(0);
    expect((await post(`${base}/api/ui/detect`, { port: 'COM1' })).status).toBe(400);
  });

  it('Modbus Detect asks the unit ids through a Modbus TCP server and proposes the SDM630 at units 1 and 2', async () => {
    const server = await runModbusTcpServer(profileSlave(EASTRON_SDM630, [1, 2]), 0, '127.0.0.1', silentLogger);
    closers.push(() => server.stop());
    const base = await tools();
    const started = await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${server.port}`, modbus: true, units: '1-4' });
    expect(started.status).toBe(202);
    expect(((await started.json()) as UiDetectState).summary).toBe(`asking Modbus units 1-4 on 127.0.0.1:${server.port}…`);
    expect((await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${server.port}`, modbus: true })).status).toBe(409);
    const state = await detectionEnd(base);
    expect(state.progress).toEqual([
      'TCP: asking units 1-4',
      'TCP: unit 1 answers: eastron-sdm630 (holding register 64514 reads 112)',
      'TCP: unit 2 answers: eastron-sdm630 (holding register 64514 reads 112)',
      'TCP: units 1, 2 answer; 2 silent (3, 4)',
    ]);
    const meter = {
      name: 'meter',
      protocol: 'modbus',
      transport: { type: 'tcp', host: '127.0.0.1', port: server.port },
      modbus: { unitIds: [1, 2], profile: 'eastron-sdm630' },
    };
    expect(state.meters).toEqual([{ label: 'eastron-sdm630, units 1, 2', meter }]);
    expect(state.summary).toBe('found 1 Modbus meter: eastron-sdm630, units 1, 2');
    expect(state.found).toBeNull();
    // what Detect proposes is a valid meter entry as it is
    expect(validateConfig({ meters: [meter] }).ok).toBe(true);

    // RTU frames through a transparent bridge: the Modbus TCP server does not understand them, nothing is found
    expect((await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${server.port}`, modbus: true, units: '1', framing: 'rtu' })).status).toBe(202);
    const rtu = await detectionEnd(base);
    expect({ meters: rtu.meters, summary: rtu.summary }).toEqual({ meters: [], summary: 'no Modbus unit answered' });
  });

  it('Modbus Detect proposes one meter per profile: an SDM630 at units 1 and 2 and an ABB B23 at unit 5 behind one TCP gateway, not the unit that matches none', async () => {
    const b23 = builtinModbusProfile('abb-b23') as ModbusMeterProfile;
    const server = await runModbusTcpServer(
      new ModbusBus([profileSlave(EASTRON_SDM630, [1, 2]), profileSlave(b23, [5]), new ModbusSlave('no registers', new Map(), [7])]),
      0,
      '127.0.0.1',
      silentLogger,
    );
    closers.push(() => server.stop());
    const base = await tools();
    expect((await post(`${base}/api/ui/detect`, { tcp: `127.0.0.1:${server.port}`, modbus: true, framing: 'tcp' })).status).toBe(202);
    const state = await detectionEnd(base);
    const transport = { type: 'tcp', host: '127.0.0.1', port: server.port };
    expect(state.meters).toEqual([
      {
        label: 'eastron-sdm630, units 1, 2',
        meter: { name: 'meter-1', protocol: 'modbus', transport, modbus: { unitIds: [1, 2], profile: 'eastron-sdm630' } },
      },
      { label: 'abb-b23, unit 5', meter: { name: 'meter-2', protocol: 'modbus', transport, modbus: { unitId: 5, profile: 'abb-b23' } } },
    ]);
    expect(state.summary).toBe('found 2 Modbus meters: eastron-sdm630, units 1, 2; abb-b23, unit 5');
    // unit 7 answers every read with exception 2: it is there, matches no profile, and is not offered
    expect(state.progress.slice(-2)).toEqual([
      'TCP: units 1, 2, 5, 7 answer; 6 silent (3, 4, 6, 8-10)',
      'note: unit 7 matches no built-in profile: a profile file is needed (docs/modbus.md, "Profiles")',
    ]);
  });

  it('Modbus Detect on a serial port (a socat pty) finds units 1 and 2 at 9600 8N1 and notes that the line ignores its settings', async () => {
    const pty = await startPtyPair();
    closers.push(() => pty.stop());
    const line = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;
    const sim = await runSimulator(new ModbusRtuSimulator(profileSlave(EASTRON_SDM630, [1, 2]), line), pty.meterSide, 0, silentLogger);
    closers.push(() => sim.stop());
    const port = realpathSync(pty.gatewaySide); // /dev/pts/N
    const base = await tools();
    expect((await post(`${base}/api/ui/detect`, { port, modbus: true, units: '1-3' })).status).toBe(202);
    const state = await detectionEnd(base);
    expect(state.progress).toEqual([
      '9600 8N1: asking units 1-3',
      '9600 8N1: unit 1 answers: eastron-sdm630 (holding register 64514 reads 112)',
      '9600 8N1: unit 2 answers: eastron-sdm630 (holding register 64514 reads 112)',
      '9600 8N1: units 1, 2 answer; 1 silent (3)',
      '19200 8E1: units 1, 2 answer here as well: the line ignores its settings (pty or bridge); stopped',
      "note: the units answered at 19200 8E1 as well: this line ignores its settings; check the line setting in the meters' menus",
    ]);
    expect(state.meters).toEqual([
      {
        label: 'eastron-sdm630, units 1, 2 at 9600 8N1',
        meter: { name: 'meter', protocol: 'modbus', transport: { type: 'serial', port, ...line }, modbus: { unitIds: [1, 2], profile: 'eastron-sdm630' } },
      },
    ]);
  });

  it('Modbus Detect refuses bad unit ids and framing with a message naming the field, before opening anything', async () => {
    const base = await tools();
    const refused = async (body: Record<string, unknown>): Promise<{ status: number; error: string }> => {
      const r = await post(`${base}/api/ui/detect`, { modbus: true, ...body });
      return { status: r.status, error: ((await r.json()) as { error: string }).error };
    };
    expect(await refused({ tcp: '127.0.0.1:502', units: '0-3' })).toEqual({ status: 400, error: `units: unit ids 1-247 like '1-10' or '1,2,5', got "0-3"` });
    expect(await refused({ tcp: '127.0.0.1:502', units: '1-248' })).toEqual({
      status: 400,
      error: `units: unit ids 1-247 like '1-10' or '1,2,5', got "1-248"`,
    });
    expect(await refused({ tcp: '127.0.0.1:502', units: 5 })).toEqual({ status: 400, error: `units: unit ids 1-247 like '1-10' or '1,2,5', got 5` });
    expect(await refused({ tcp: '127.0.0.1:502', framing: 'ascii' })).toEqual({ status: 400, error: `framing: 'tcp' or 'rtu', got "ascii"` });
    expect(await refused({ port: '/dev/ttyUSB9', framing: 'tcp' })).toEqual({
      status: 400,
      error: "framing: 'tcp' is for a TCP connection (a serial port always carries RTU)",
    });
    expect(await refused({ tcp: '127.0.0.1:502', modbus: 'yes' })).toEqual({ status: 400, error: 'modbus: true or false' });
    expect(await refused({ tcp: '127.0.0.1:70000' })).toEqual({ status: 400, error: 'give a serial port (/dev/…) or a TCP bridge host:port' });
    // nothing was started
    expect(await (await fetch(`${base}/api/ui/detect`)).json()).toEqual({ running: false, progress: [], found: null, meters: [], summary: '' });
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
