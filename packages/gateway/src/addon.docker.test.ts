/**
 * The Home Assistant add-on as the Supervisor runs it: the image built from the committed
 * addon/smart-meter-interop/Dockerfile (scripts/test-all.sh builds it on the local stand-in for
 * Home Assistant's Debian base image), started like the Supervisor starts an add-on: on a network
 * with Home Assistant's addresses (172.30.32.0/23), `supervisor` resolving to the Supervisor's
 * services API (a stand-in on the host), SUPERVISOR_TOKEN, /data/options.json, Docker's init.
 * A real Mosquitto receives discovery and states; a container at the ingress proxy's address
 * (172.30.32.2) reads the web page, anything else is refused.
 */
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateHaSensorConfig } from '@smi/discovery';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { freePort } from './test-support/ports';
import {
  REPO_ROOT,
  docker,
  containerIp,
  removeQuietly,
  startFakeSupervisor,
  startMosquittoOn,
  startTelegramServer,
  waitForState,
  type FakeSupervisor,
  type HostBroker,
} from './test-support/docker';

jest.setTimeout(120000);
const IMAGE = process.env['SMI_ADDON_IMAGE'] ?? 'smi-addon:test';
const NETWORK = 'smi-test-hassio';
const HOST = '172.30.32.1'; // the network's gateway: this machine, as seen from the containers
const INGRESS_PROXY = '172.30.32.2';
const ADDON_IP = '172.30.33.10'; // the Supervisor gives add-ons addresses in 172.30.33.0/24
const ADDON = `smi-test-addon-${process.pid}`;
const PROXY = `smi-test-ingress-${process.pid}`;
const TOKEN = 'supervisor-token-for-the-test';
const METER = '1SAG3101021605'; // dsmr-fluvius.txt
const manifest = parse(readFileSync(join(REPO_ROOT, 'addon/smart-meter-interop/config.yaml'), 'utf8')) as Record<string, unknown>;

describe(`Home Assistant add-on image ${IMAGE}`, () => {
  let broker: HostBroker | undefined;
  let supervisor: FakeSupervisor | undefined;
  let meter: Awaited<ReturnType<typeof startTelegramServer>> | undefined;
  let ha: MqttRecorder | undefined;

  beforeAll(async () => {
    await removeQuietly('container', ADDON, PROXY);
    await removeQuietly('network', NETWORK);
    await docker(['network', 'create', '--subnet', '172.30.32.0/23', '--gateway', HOST, NETWORK]);
    broker = await startMosquittoOn(HOST, await freePort());
    supervisor = await startFakeSupervisor(HOST, 80, TOKEN, { host: HOST, port: String(broker.port), ssl: false, protocol: '3.1.1', addon: 'core_mosquitto' });
    meter = await startTelegramServer(HOST, readFileSync(join(REPO_ROOT, 'packages/gateway/assets/simulator/dsmr-fluvius.txt')));
  });

  afterAll(async () => {
    await removeQuietly('container', ADDON, PROXY);
    await removeQuietly('network', NETWORK);
    await ha?.client.endAsync(true); // a graceful end can wait for the vanished add-on's in-flight QoS 1 messages
    await meter?.stop();
    await supervisor?.stop();
    await broker?.stop();
  });

  it('is labelled as a Home Assistant app and starts without a shell entrypoint', async () => {
    const config = JSON.parse(await docker(['image', 'inspect', '-f', '{{json .Config}}', IMAGE])) as {
      Labels: Record<string, string>;
      Entrypoint: string[] | null;
      Cmd: string[];
    };
    expect(config.Labels).toMatchObject({ 'io.hass.type': 'app', 'io.hass.name': manifest['name'] });
    expect(config.Entrypoint ?? []).toEqual([]); // the base image's s6 /init is not used
    // node with the memory flags of docs/performance.md (as docker/Dockerfile)
    expect(config.Cmd).toEqual(['node', '--max-semi-space-size=2', '--heap-growing-percent=30', '--optimize-for-size', '/app/dist/smi.js', 'run', '--addon']);
  });

  it('reads /data/options.json, takes the broker from the Supervisor and announces the meter', async () => {
    if (!broker || !meter || !supervisor) throw new Error('setup failed');
    const data = mkdtempSync(join(tmpdir(), 'smi-addon-data-'));
    chmodSync(data, 0o755);
    const options = {
      meters: [{ name: 'p1', protocol: 'dsmr', host: HOST, tcp_port: meter.port }],
      mqtt: {},
      discovery_prefix: 'homeassistant',
      log_level: 'info',
    };
    writeFileSync(join(data, 'options.json'), JSON.stringify(options));
    ha = await MqttRecorder.connect(broker.url, ['homeassistant/#', 'smi/#']);
    // What the Supervisor does for this manifest: init: true (the default) → Docker's init;
    // the hassio network; the `supervisor` host name; the token; /data.
    await docker([
      'run',
      '-d',
      '--name',
      ADDON,
      '--init',
      '--network',
      NETWORK,
      '--ip',
      ADDON_IP,
      '--add-host',
      `supervisor:${HOST}`,
      '-e',
      `SUPERVISOR_TOKEN=${TOKEN}`,
      '-v',
      `${data}:/data`,
      // the image's own HEALTHCHECK, asked every second instead of every 30 s
      '--health-interval',
      '1s',
      '--health-start-period',
      '1s',
      IMAGE,
    ]);
    expect(await containerIp(ADDON, NETWORK)).toBe(ADDON_IP);
    await ha.next('smi/gateway/availability', 0, (m) => m.payload === 'online', 30000);
    expect(supervisor.seenAuth).toContain(`Bearer ${TOKEN}`);
    const state = await ha.next(`smi/${METER}/state`, 0, () => true, 20000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 0.034, energy_import_tariff_2: 15.758, voltage_l1: 234.7 });
    const cfg = await ha.next(`homeassistant/sensor/smi_${METER}/energy_import_tariff_2/config`, 0);
    expect(validateHaSensorConfig(JSON.parse(cfg.payload), cfg.topic)).toEqual([]);
    expect(JSON.parse(cfg.payload)).toMatchObject({ device_class: 'energy', unit_of_measurement: 'kWh', state_topic: `smi/${METER}/state` });
    expect(await docker(['logs', ADDON])).not.toContain(TOKEN);
    // its HEALTHCHECK asks /healthz on loopback, which the ingress allow-list lets through
    await waitForState(ADDON, 'healthy', (s) => s.Health?.Status === 'healthy', 30000);
    // Home Assistant (re)subscribing later gets the configuration from the broker's retained store.
    const later = await MqttRecorder.connect(broker.url, [`homeassistant/sensor/smi_${METER}/+/config`]);
    try {
      const retained = await later.next(cfg.topic, 0);
      expect(retained).toMatchObject({ retain: true, payload: cfg.payload });
    } finally {
      await later.close();
    }
  });

  it('serves the ingress page to the Supervisor’s proxy address only', async () => {
    const fetchFrom = `fetch('http://${ADDON_IP}:8099/api/meters').then(async r => { console.log(r.status, await r.text()); })`;
    const viaProxy = await docker([
      'run',
      '--rm',
      '--name',
      PROXY,
      '--network',
      NETWORK,
      '--ip',
      INGRESS_PROXY,
      '--entrypoint',
      'node',
      IMAGE,
      '-e',
      fetchFrom,
    ]);
    expect(viaProxy.split(' ')[0]).toBe('200');
    expect(viaProxy).toContain(METER);
    const direct = await fetch(`http://${ADDON_IP}:8099/api/meters`);
    expect(direct.status).toBe(403); // this machine is 172.30.32.1, not the proxy
  });

  it('stops on SIGTERM within seconds with exit code 0', async () => {
    const started = Date.now();
    await docker(['stop', '-t', '10', ADDON], 20000);
    const state = await waitForState(ADDON, 'exited', (s) => s.Status === 'exited', 5000);
    expect(state.ExitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
