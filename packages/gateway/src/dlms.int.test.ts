/**
 * Encrypted DLMS/COSEM pushes and encrypted P1 end to end: `smi simulate` plays real encrypted
 * frames (L+G E570 over HDLC, Netz NÖ Kaifa MA309 over wired M-Bus, a Sagemcom T210-D-r telegram
 * in the Smarty envelope) on socat ptys; the gateway bundle decrypts them with the keys in its
 * configuration and publishes to a real Mosquitto broker. Wrong keys are counted by error kind and
 * nothing is published. `smi decode --key` decrypts an encrypted P1 capture.
 */
import { mkdtempSync, readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '@smi/decoder';
import { validateHaSensorConfig } from '@smi/discovery';
import { ENCRYPTED_P1_DEMO_KEY, encryptedP1Simulator } from './simulators/encrypted-p1';
import type { Mosquitto } from './test-support/mosquitto';
import { startLineHarness, type LineHarness } from './test-support/line-harness';
import type { MqttRecorder } from './test-support/mqtt-recorder';
import type { PtyPair } from './test-support/socat';
import { FIXTURES, runCli, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { waitFor } from './test-support/ports';
import { runSimulatorCli, type SimulatorProcess } from './test-support/simulator-process';

jest.setTimeout(60000);

const PREFIX = 'homeassistant';
const E570 = 'LGZ1030769231253';
const EVN = '181220000009';
const SMARTY = 'EST-53710000_A';
const E570_KEY = '10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F'; // spelled with spaces, as grid operators print it
const EVN_KEY = '0x36C66639E48A8CA4D6BC8B282A793BBB';
const P1_KEY = '00112233445566778899aabbccddeeff';
const WRONG_KEY = 'FFEEDDCCBBAA99887766554433221100';
const LINE_8E1 = { baudRate: 2400, parity: 'even' };

const gatewayConfig = (broker: Mosquitto, meters: unknown[]): unknown => ({
  meters,
  mqtt: { url: broker.url, reconnectMs: 500 },
  homeassistant: { reannounceDelayMs: 300 },
  web: { enabled: false },
  logLevel: 'debug',
});

describe('gateway: encrypted DLMS and P1 meters → Home Assistant', () => {
  let broker: Mosquitto;
  let ptys: PtyPair[] = [];
  let ha: MqttRecorder;
  const sims: SimulatorProcess[] = [];
  let gw: GatewayProcess | undefined;

  let h: LineHarness | undefined;

  beforeAll(async () => {
    h = await startLineHarness(4);
    broker = h.broker;
    ptys = [...h.ptys];
    ha = h.ha;
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all(sims.map((s) => s.stop()));
    await h?.stop();
  });

  it('decrypts the L+G E570 (HDLC), the EVN Kaifa (M-Bus carrier) and the Smarty P1 meter with the configured keys', async () => {
    const [cii, evn, p1] = ptys as [PtyPair, PtyPair, PtyPair];
    gw = runGateway(
      gatewayConfig(broker, [
        { name: 'cii', protocol: 'dlms', key: E570_KEY, transport: { type: 'serial', port: cii.gatewaySide, ...LINE_8E1 } },
        { name: 'evn', protocol: 'dlms', key: EVN_KEY, transport: { type: 'serial', port: evn.gatewaySide, ...LINE_8E1 } },
        { name: 'smarty', protocol: 'dsmr', key: P1_KEY, transport: { type: 'serial', port: p1.gatewaySide, baudRate: 115200 } },
      ]),
    );
    // the meters start pushing once the gateway listens, so it never joins in the middle of a frame
    await waitFor('three serial ports open', () => (gw?.output().match(/serial .* open/g) ?? []).length >= 3, 10000);
    sims.push(
      ...(await Promise.all([
        runSimulatorCli(['--meter', 'dlms', '--port', cii.meterSide, '--interval-ms', '1500']),
        runSimulatorCli(['--meter', 'dlms', '--port', evn.meterSide, '--interval-ms', '1500', '--set', 'frame=evn-kaifa-ma309']),
        runSimulatorCli(['--meter', 'encrypted-p1', '--port', p1.meterSide, '--interval-ms', '1500', '--set', `key=${P1_KEY}`]),
      ])),
    );
    const e570 = JSON.parse((await ha.next(`smi/${E570}/state`, 0, () => true, 15000)).payload) as Record<string, unknown>;
    expect(e570).toMatchObject({
      energy_import_total: 862.055,
      energy_export_total: 641.361,
      power_import: 0,
      power_export: 0,
      current_l1: 0,
      logical_device_name: E570,
    });
    const energy = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${E570}/energy_import_total/config`, 0)).payload) as Record<string, unknown>;
    expect(energy).toMatchObject({ device_class: 'energy', state_class: 'total', unit_of_measurement: 'kWh' });
    expect(energy['device']).toMatchObject({ manufacturer: 'Landis+Gyr', serial_number: E570 });

    const kaifa = JSON.parse((await ha.next(`smi/${EVN}/state`, 0, () => true, 15000)).payload) as Record<string, unknown>;
    expect(kaifa).toMatchObject({
      energy_import_total: 12.937,
      energy_export_total: 0,
      voltage_l1: 233.7,
      current_l1: 0,
      power_factor: 1,
      meter_time: '2021-09-27T09:47:15+02:00',
    });
    const voltage = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${EVN}/voltage_l1/config`, 0)).payload) as Record<string, unknown>;
    expect(voltage).toMatchObject({ device_class: 'voltage', state_class: 'measurement', unit_of_measurement: 'V' });
    const power = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${EVN}/power_import/config`, 0)).payload) as Record<string, unknown>;
    expect(power).toMatchObject({ device_class: 'power', state_class: 'measurement', unit_of_measurement: 'W' });

    const smarty = JSON.parse((await ha.next(`smi/${SMARTY}/state`, 0, () => true, 15000)).payload) as Record<string, unknown>;
    expect(smarty).toMatchObject({ energy_import_total: 6545.766, energy_import_tariff_1: 5017.12, power_import: 286, energy_export_total: 0.058 });

    // later pushes carry new invocation counters: decoded again, never refused as replayed
    const first = ha.on(`smi/${E570}/state`)[0]?.at ?? 0;
    await ha.next(`smi/${E570}/state`, first + 1, () => true, 10000);
    await ha.next(`smi/${EVN}/state`, first + 1, () => true, 10000);
    expect(gw.output()).not.toMatch(/rejected frame/);

    const configs = ha.messages.filter((m) => m.topic.startsWith(`${PREFIX}/`) && m.topic.endsWith('/config') && m.payload !== '');
    for (const c of configs)
      expect({ topic: c.topic, problems: validateHaSensorConfig(JSON.parse(c.payload), c.topic) }).toEqual({ topic: c.topic, problems: [] });
  });

  it('counts wrong keys as decrypt-failed (no tag) and auth-failed (tag) and publishes nothing', async () => {
    await gw?.stop();
    const [cii, , p1, e450] = ptys as [PtyPair, PtyPair, PtyPair, PtyPair];
    const t0 = Date.now();
    gw = runGateway(
      gatewayConfig(broker, [
        { name: 'cii', protocol: 'dlms', key: WRONG_KEY, transport: { type: 'serial', port: cii.gatewaySide, ...LINE_8E1 } },
        { name: 'e450', protocol: 'dlms', key: WRONG_KEY, authKey: WRONG_KEY, transport: { type: 'serial', port: e450.gatewaySide, ...LINE_8E1 } },
        { name: 'smarty', protocol: 'dsmr', key: WRONG_KEY, transport: { type: 'serial', port: p1.gatewaySide, baudRate: 115200 } },
      ]),
    );
    await ha.next('smi/gateway/availability', t0, (m) => m.payload === 'online', 10000);
    // the L+G E450 push with a GCM tag (SC 30; its key was never published): written as the meter would
    const e450Frames = hexToBytes(readFileSync(join(FIXTURES, 'dlms-hdlc-cii/scs-lg_e450-encrypted-data-no-pushlist.hex'), 'latin1')) as Uint8Array;
    await waitFor('the E450 port open', () => (gw?.output().match(/serial .* open/g) ?? []).length >= 3, 10000);
    const fd = openSync(e450.meterSide, 'w');
    try {
      writeSync(fd, e450Frames);
    } finally {
      closeSync(fd);
    }
    type Stats = { frames: number; rejected: number; errors: Record<string, number> };
    const stats = await ha.next(
      'smi/gateway/stats',
      t0,
      (m) => {
        const s = JSON.parse(m.payload) as Stats;
        return (s.errors['decrypt-failed'] ?? 0) >= 1 && (s.errors['auth-failed'] ?? 0) >= 2;
      },
      15000,
    );
    const s = JSON.parse(stats.payload) as Stats;
    expect(s.frames).toBe(0);
    expect(ha.messages.filter((m) => m.at >= t0 && m.topic.endsWith('/state'))).toEqual([]);
    // E570: no GCM tag, so a wrong key shows in the content; E450 (with authKey) and Smarty: the tag fails
    await waitFor('the E450 rejection', () => /e450: rejected frame \(auth-failed\)/.test(gw?.output() ?? ''), 5000);
    expect(gw.output()).toMatch(/cii: rejected frame \(decrypt-failed\)/);
    expect(gw.output()).toMatch(/smarty: rejected frame \(auth-failed\)/);
    expect(gw.output()).not.toMatch(/FFEEDDCC|ffeeddcc/i); // the key never reaches the log
  });
});

describe('smi decode: encrypted P1 capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smi-p1-'));
  const capture = join(dir, 'smarty.bin');
  const sim = encryptedP1Simulator({ settings: { recording: 'dsmr-sagemcom-t210-d-r,dsmr-v5-iskra' } });
  writeFileSync(capture, Buffer.concat([sim.push?.() as Uint8Array, sim.push?.() as Uint8Array]));

  it("decodes to the telegrams' values with --protocol dsmr --key", () => {
    const r = runCli(['decode', '--protocol', 'dsmr', '--key', ENCRYPTED_P1_DEMO_KEY, capture]);
    expect(r.status).toBe(0);
    const [sagemcom, iskra] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { meter: { id: string }; readings: { key: string; value: unknown; unit?: string }[] });
    const get = (f: typeof sagemcom, key: string): unknown => f?.readings.find((x) => x.key === key);
    expect(sagemcom?.meter.id).toBe(SMARTY);
    expect(get(sagemcom, 'energy_import_total')).toMatchObject({ value: 6545.766, unit: 'kWh' });
    expect(get(sagemcom, 'power_import')).toMatchObject({ value: 286, unit: 'W' });
    expect(iskra?.meter.id).toBe('K8EG004046395507');
    expect(get(iskra, 'energy_import_tariff_1')).toMatchObject({ value: 4.426, unit: 'kWh' });
  });

  it('recognises the envelope with --protocol auto', () => {
    const r = runCli(['decode', '--summary', '--key', ENCRYPTED_P1_DEMO_KEY, capture]);
    expect(JSON.parse(r.stdout)).toMatchObject({ frames: 2, rejected: 0 });
  });

  it.each([
    [['--key', WRONG_KEY], 'auth-failed'],
    [[], 'missing-key'],
  ])('names the error kind with %j and exits 1', (keyArgs, kind) => {
    const r = runCli(['decode', '--protocol', 'dsmr', ...keyArgs, capture]);
    expect(r.status).toBe(1);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { error: string }).error),
    ).toEqual([kind, kind]);
  });
});
