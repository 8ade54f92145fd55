/**
 * Home Assistant add-on mode: options from /data/options.json, the broker from the Supervisor's
 * services API (a local HTTP server stands in for the Supervisor, which cannot run here), a real
 * Mosquitto, and the ingress-only web page.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addonConfigDocument } from './addon';
import { validateConfig } from './config/load';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { runSmi, type GatewayProcess } from './test-support/gateway-process';
import { waitFor } from './test-support/ports';
import { expectValid } from './test-support/config-result';

jest.setTimeout(30000);

describe('add-on options → configuration', () => {
  it('maps meters, keys and the Supervisor broker, and the user broker wins', () => {
    const options = {
      meters: [
        { name: 'p1', protocol: 'dsmr', port: '/dev/ttyUSB0', baudrate: 115200 },
        { name: 'cii', protocol: 'dlms', host: '192.168.1.9', tcp_port: 8088, key: '00112233445566778899AABBCCDDEEFF' },
      ],
      mqtt: {},
      discovery_prefix: 'homeassistant',
      log_level: 'warning',
    };
    const doc = addonConfigDocument(options, { host: 'core-mosquitto', port: '1883', username: 'addons', password: 'pw' });
    const config = expectValid(validateConfig(doc));
    expect(config.mqtt).toMatchObject({ url: 'mqtt://core-mosquitto:1883', username: 'addons', password: 'pw' });
    expect(config.meters[0]).toMatchObject({ protocol: 'dsmr', transport: { type: 'serial', port: '/dev/ttyUSB0', baudRate: 115200 } });
    expect(config.meters[1]).toMatchObject({
      protocol: 'dlms',
      transport: { type: 'tcp', host: '192.168.1.9', port: 8088 },
      key: '00112233445566778899AABBCCDDEEFF',
    });
    expect(config.web).toMatchObject({ port: 8099, allowedClients: ['172.30.32.2'] });
    expect(config.logLevel).toBe('warn');
    expect(config.stateDir).toBe('/data/state');
    const own = validateConfig(addonConfigDocument({ ...options, mqtt: { server: 'mqtt://mine:1884', user: 'me' } }, { host: 'core-mosquitto', port: 1883 }));
    expect(own.ok && own.config.mqtt).toMatchObject({ url: 'mqtt://mine:1884', username: 'me' });
  });
});

describe('add-on options for polled meters (Modbus, M-Bus)', () => {
  const base = { mqtt: {}, discovery_prefix: 'homeassistant', log_level: 'info' };

  it('maps addresses, profile and poll interval into the modbus and mbus blocks', () => {
    const doc = addonConfigDocument(
      {
        ...base,
        meters: [
          { name: 'wallbox', protocol: 'modbus', host: '192.168.1.50', tcp_port: 502, modbus_profile: 'eastron-sdm630', addresses: '1', poll_interval: 5 },
          { name: 'subs', protocol: 'modbus', port: '/dev/ttyUSB1', baudrate: 9600, modbus_profile: 'abb-b23', addresses: '1, 2,3' },
          { name: 'heat', protocol: 'mbus', port: '/dev/ttyUSB2', addresses: '5,12345678FFFFFFFF', poll_interval: 300 },
          { name: 'listen', protocol: 'mbus', port: '/dev/ttyUSB3' },
        ],
      },
      undefined,
    );
    const config = expectValid(validateConfig(doc));
    expect(config.meters.map((m) => [m.modbus, m.mbus])).toEqual([
      [{ unitId: 1, profile: 'eastron-sdm630', pollIntervalSeconds: 5, timeoutMs: 1000, retries: 2 }, undefined],
      [{ unitIds: [1, 2, 3], profile: 'abb-b23', pollIntervalSeconds: 10, timeoutMs: 1000, retries: 2 }, undefined],
      [undefined, { primaryAddresses: [5], secondaryAddresses: ['12345678FFFFFFFF'], pollIntervalSeconds: 300 }],
      [undefined, undefined],
    ]);
  });

  it('leaves a wrong address or a missing profile to the configuration schema, which names the field', () => {
    const problems = (meter: Record<string, unknown>): string[] => {
      const r = validateConfig(addonConfigDocument({ ...base, meters: [{ protocol: 'modbus', host: 'h', tcp_port: 502, ...meter }] }, undefined));
      return r.ok ? [] : r.problems;
    };
    expect(problems({ modbus_profile: 'eastron-sdm630', addresses: '1,x' })).toEqual([
      'meters.0.modbus.unitIds.1: Invalid input: expected number, received string',
    ]);
    expect(problems({ addresses: '1' })).toEqual(['meters.0.modbus.profile: Too small: expected string to have >=1 characters']);
  });
});

describe('smi run --addon', () => {
  let broker: Mosquitto;
  let supervisor: Server;
  let gw: GatewayProcess | undefined;
  let ha: MqttRecorder | undefined;
  const seenAuth: string[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    supervisor = createServer((req, res) => {
      seenAuth.push(req.headers.authorization ?? '');
      if (req.url === '/services/mqtt' && req.headers.authorization === 'Bearer test-token') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ result: 'ok', data: { host: '127.0.0.1', port: String(broker.port), ssl: false, protocol: '3.1.1', addon: 'core_mosquitto' } }),
        );
      } else {
        res.statusCode = 403;
        res.end(JSON.stringify({ result: 'error', message: 'No access to mqtt service!' }));
      }
    });
    await new Promise<void>((r) => supervisor.listen(0, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await gw?.stop();
    await ha?.close();
    await new Promise<void>((r) => supervisor.close(() => r()));
    await broker.stop();
  });

  it('takes the broker from the Supervisor, publishes discovery there and serves the page to ingress only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-addon-'));
    const optionsFile = join(dir, 'options.json');
    writeFileSync(optionsFile, JSON.stringify({ meters: [], mqtt: {}, discovery_prefix: 'homeassistant', log_level: 'info' }));
    ha = await MqttRecorder.connect(broker.url, ['homeassistant/#', 'smi/#']);
    const port = (supervisor.address() as { port: number }).port;
    gw = runSmi(['run', '--addon', optionsFile], { SUPERVISOR_TOKEN: 'test-token', SMI_SUPERVISOR_URL: `http://127.0.0.1:${port}` });
    await ha.next('smi/gateway/availability', 0, (m) => m.payload === 'online', 15000);
    expect(seenAuth).toContain('Bearer test-token');
    const state = await ha.next('smi/K8EG004046395507/state', 0, () => true, 15000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426 });
    await waitFor('web server', () => gw?.output().includes(':8099/'), 10000);
    const res = await fetch('http://127.0.0.1:8099/api/meters');
    expect(res.status).toBe(403); // only the Supervisor's ingress proxy may connect
    expect(gw.output()).not.toContain('test-token');
  });
});
