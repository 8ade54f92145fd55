/**
 * End to end: `smi detect` on one end of a socat pty pair finds the meter that `smi simulate`
 * plays on the other end (DSMR, SML, IEC 62056-21 mode C) and prints a configuration; the gateway
 * bundle runs with exactly that configuration and publishes the meter on a real broker. Also
 * `protocol: auto` on a serial port.
 *
 * A pty passes bytes at any line setting, so a push meter "decodes" already at 300 7E1; detect
 * must pass over that (no meter sends DSMR or SML at 300 Bd) and report the usual setting.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { validateConfig } from './config/load';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { startPtyPair, type PtyPair } from './test-support/socat';
import { buildGateway, runCli, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { runSimulatorProcess, type SimulatorProcess } from './test-support/simulator-process';
import { waitFor } from './test-support/ports';

jest.setTimeout(60000);

const ROOT = resolve(__dirname, '../../..');

interface Case {
  readonly meter: string;
  readonly settings: Record<string, string>;
  readonly protocol: string;
  readonly line: Record<string, unknown>;
  readonly id: string;
  readonly comment: RegExp;
  readonly values: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
}

const CASES: readonly Case[] = [
  {
    meter: 'dsmr',
    settings: { recording: 'dsmr-v5-iskra' },
    protocol: 'dsmr',
    line: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    id: 'K8EG004046395507',
    comment: /^# meter K8EG004046395507 \(Iskraemeco MT382-1000\): \d+ frames? decoded, 0 rejected, 35 values in the last one$/m,
    values: { energy_import_tariff_1: 4.426, power_import: 244 },
  },
  {
    meter: 'sml',
    settings: {},
    protocol: 'sml',
    line: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
    id: '0901454D48000041F045',
    comment: /^# meter 0901454D48000041F045 \(EMH Metering\): \d+ frames? decoded, 0 rejected, 7 values in the last one$/m,
    values: { energy_import_tariff_1: 15338.5557, power: 563.5 },
  },
  {
    meter: 'd0',
    settings: { mode: 'C' },
    protocol: 'iec62056-21',
    line: { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 },
    id: '63355730',
    comment: /^# IEC 62056-21: identification \/ISk5MT174-0001, answered \/\?! in mode C, offers 9600 Bd$/m,
    values: { energy_import_total: 8048.375, power_import: 908 },
    extra: { iec62056: { mode: 'request', readoutIntervalSeconds: 60, maxBaudRate: 9600 } },
  },
];

describe('smi detect on a pty, then the gateway with the printed configuration', () => {
  let broker: Mosquitto;
  let ha: MqttRecorder;
  let pty: PtyPair | undefined;
  let sim: SimulatorProcess | undefined;
  let gw: GatewayProcess | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
    ha = await MqttRecorder.connect(broker.url, ['smi/#']);
  });

  afterEach(async () => {
    await gw?.stop();
    await sim?.stop();
    await pty?.stop();
    gw = sim = pty = undefined;
  });

  afterAll(async () => {
    await ha?.close();
    await broker?.stop();
  });

  it.each(CASES)('finds the $meter simulator and the gateway accepts what it prints', async (c) => {
    pty = await startPtyPair();
    sim = await runSimulatorProcess(c.meter, pty.meterSide, c.settings, 300);
    const r = runCli(['detect', '--port', pty.gatewaySide, '--listen', '2', '--name', `sim-${c.meter}`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^# smi detect: ${c.protocol} on ${pty.gatewaySide} at `, 'm'));
    expect(r.stdout).toMatch(c.comment);
    const doc = parse(r.stdout) as { meters: Record<string, unknown>[] };
    expect(doc.meters).toEqual([
      { name: `sim-${c.meter}`, protocol: c.protocol, transport: { type: 'serial', port: pty.gatewaySide, ...c.line }, ...(c.extra ?? {}) },
    ]);
    expect(validateConfig(doc).ok).toBe(true);

    const t0 = Date.now();
    gw = runGateway({ ...doc, mqtt: { url: broker.url, reconnectMs: 500 }, web: { enabled: false }, logLevel: 'debug' });
    const state = await ha.next(`smi/${c.id}/state`, t0, () => true, 15000);
    expect(JSON.parse(state.payload)).toMatchObject(c.values);
  });

  it('exits 1 and says why when nothing talks', async () => {
    pty = await startPtyPair();
    const r = runCli(['detect', '--port', pty.gatewaySide, '--listen', '0.3']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^# smi detect: no meter recognised on /m);
    expect(r.stdout).toMatch(/^#   300 7E1: no answer to \/\?!; nothing decoded \(0 bytes received\)$/m);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('#   '))).toHaveLength(6);
    expect(parse(r.stdout)).toBeNull();
  });

  it('--tcp: finds an SML meter behind a TCP serial bridge', async () => {
    const file = Buffer.from(readFileSync(join(ROOT, 'packages/gateway/assets/simulator/sml-emh-ehz.hex'), 'latin1').replace(/\s+/g, ''), 'hex');
    const sockets = new Set<Socket>();
    const bridge = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      const t = setInterval(() => s.write(file), 200);
      s.on('close', () => {
        clearInterval(t);
        sockets.delete(s);
      });
    });
    await new Promise<void>((r) => bridge.listen(0, '127.0.0.1', () => r()));
    const port = (bridge.address() as AddressInfo).port;
    try {
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        execFile(process.execPath, [buildGateway(), 'detect', '--tcp', `127.0.0.1:${port}`, '--listen', '1'], (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^# smi detect: sml on 127\.0\.0\.1:\d+$/m);
      const doc = parse(r.stdout) as { meters: Record<string, unknown>[] };
      expect(doc.meters).toEqual([{ name: 'meter1', protocol: 'sml', transport: { type: 'tcp', host: '127.0.0.1', port } }]);
      expect(validateConfig(doc).ok).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => bridge.close(r));
    }
  });

  it('protocol auto on a serial port: the gateway recognises an SML meter and publishes it', async () => {
    pty = await startPtyPair();
    const t0 = Date.now();
    gw = runGateway({
      meters: [{ name: 'auto', protocol: 'auto', transport: { type: 'serial', port: pty.gatewaySide } }],
      mqtt: { url: broker.url },
      web: { enabled: false },
      logLevel: 'debug',
    });
    await waitFor('auto-detect listening', () => /auto: auto-detect: listening at 115200 8N1 \(configured\)/.test(gw?.output() ?? ''), 15000);
    sim = await runSimulatorProcess('sml', pty.meterSide, {}, 300);
    const state = await ha.next('smi/0901454D48000041F045/state', t0, () => true, 15000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 15338.5557 });
    expect(gw.output()).toMatch(/auto: auto-detect: 115200 8N1: sml: meter 0901454D48000041F045/);
  });
});
