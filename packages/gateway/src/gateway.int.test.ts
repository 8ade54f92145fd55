/**
 * End to end: a real Mosquitto broker, a socat pty pair as the meter's serial cable, the gateway
 * bundle as a child process in between. Asserts what the broker delivered, as Home Assistant
 * would receive it.
 */
import { openSync, closeSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc16Arc } from '@smi/decoder';
import { validateHaSensorConfig } from '@smi/discovery';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { startPtyPair, type PtyPair } from './test-support/socat';
import { FIXTURES, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { waitFor } from './test-support/ports';

jest.setTimeout(60000);

const V5 = readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'));
const METER = 'K8EG004046395507';
const PREFIX = 'homeassistant';
const STATE = `smi/${METER}/state`;

/** Rewrites a telegram's body and recomputes its CRC (a real meter's telegram with fewer objects). */
function withoutLines(telegram: Buffer, drop: RegExp): Buffer {
  const text = telegram.toString('latin1');
  const body = text
    .slice(0, text.indexOf('!') + 1)
    .split('\r\n')
    .filter((l) => !drop.test(l))
    .join('\r\n');
  const crc = crc16Arc(Buffer.from(body, 'latin1')).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.from(`${body}${crc}\r\n`, 'latin1');
}

function writeMeter(pty: PtyPair, bytes: Buffer): void {
  const fd = openSync(pty.meterSide, 'w');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

describe('gateway: DSMR meter on a serial port → Home Assistant discovery on a real broker', () => {
  let broker: Mosquitto;
  let pty: PtyPair;
  let ha: MqttRecorder;
  let gw: GatewayProcess | undefined;

  const config = (): unknown => ({
    meters: [{ name: 'p1', protocol: 'dsmr', transport: { type: 'serial', port: pty.gatewaySide, baudRate: 115200 } }],
    mqtt: { url: broker.url, reconnectMs: 500 },
    homeassistant: { reannounceDelayMs: 300 },
    web: { enabled: false },
    logLevel: 'debug',
  });

  beforeAll(async () => {
    broker = await startMosquitto();
    pty = await startPtyPair();
    ha = await MqttRecorder.connect(broker.url, [`${PREFIX}/#`, 'smi/#']);
  });

  afterAll(async () => {
    await gw?.kill();
    await ha?.close();
    await pty?.stop();
    await broker?.stop();
  });

  it('announces the gateway, then the meter with exact discovery configs and state', async () => {
    gw = runGateway(config());
    await ha.next('smi/gateway/availability', 0, (m) => m.payload === 'online');
    // serial port open: the gateway logs it; then the meter speaks
    await waitFor('serial port open', () => /serial .* open/.test(gw?.output() ?? ''), 10000);
    const t0 = Date.now();
    writeMeter(pty, V5);

    const state = await ha.next(STATE, t0);
    const values = JSON.parse(state.payload) as Record<string, unknown>;
    expect(state.retain).toBe(false); // live message (not a retained replay)
    expect(values).toMatchObject({
      energy_import_tariff_1: 4.426,
      energy_import_tariff_2: 2.399,
      energy_export_tariff_1: 2.444,
      energy_export_tariff_2: 0,
      power_import: 244,
      power_export: 0,
      tariff: '2',
      voltage_l1: 230,
      voltage_l3: 229,
      current_l1: 0.48,
      power_failures: 13,
      long_power_failures: 0,
      gas_volume: 0.107,
      equipment_id: METER,
      meter_time: '2017-01-02T19:20:02+01:00',
    });

    const energyTopic = `${PREFIX}/sensor/smi_${METER}/energy_import_tariff_1/config`;
    const energy = await ha.next(energyTopic, t0);
    expect(energy.retain).toBe(false);
    expect(JSON.parse(energy.payload)).toEqual({
      name: 'Energy import tariff 1',
      unique_id: `smi_${METER}_energy_import_tariff_1_smi`,
      default_entity_id: `sensor.meter_${METER.toLowerCase()}_energy_import_tariff_1`,
      state_topic: STATE,
      value_template: '{{ value_json.energy_import_tariff_1 }}',
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      suggested_display_precision: 3,
      availability_mode: 'all',
      availability: [{ topic: 'smi/gateway/availability' }, { topic: `smi/${METER}/availability` }],
      device: expect.objectContaining({ identifiers: [`smi_${METER}`], manufacturer: 'Iskraemeco', serial_number: METER, via_device: 'smi_gateway_smi' }),
      origin: expect.objectContaining({ name: 'Smart Meter Interop' }),
    });

    const gas = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${METER}/gas_volume/config`, t0)).payload) as Record<string, unknown>;
    expect(gas).toMatchObject({ device_class: 'gas', unit_of_measurement: 'm³', state_class: 'total', value_template: '{{ value_json.gas_volume }}' });
    const power = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${METER}/power_import/config`, t0)).payload) as Record<string, unknown>;
    expect(power).toMatchObject({ device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' });

    // every config the broker delivered satisfies the platform conventions
    const configs = await ha.settled((m) => m.topic.startsWith(`${PREFIX}/`) && m.topic.endsWith('/config') && m.payload !== '', 31);
    expect(configs.length).toBeGreaterThan(30);
    for (const c of configs)
      expect({ topic: c.topic, problems: validateHaSensorConfig(JSON.parse(c.payload), c.topic) }).toEqual({ topic: c.topic, problems: [] });
    // the meter's availability (QoS 1) goes out after its configs: it may still be on its way
    await ha.next(`smi/${METER}/availability`, t0);
    expect(ha.last(`smi/${METER}/availability`)?.payload).toBe('online');
  });

  it('retains discovery configs and availability on the broker', async () => {
    const late = await MqttRecorder.connect(broker.url, [`${PREFIX}/sensor/smi_${METER}/+/config`, `smi/${METER}/availability`, 'smi/gateway/availability']);
    try {
      const cfg = await late.next(`${PREFIX}/sensor/smi_${METER}/energy_import_tariff_1/config`, 0);
      expect(cfg.retain).toBe(true);
      expect((await late.next(`smi/${METER}/availability`, 0)).payload).toBe('online');
      expect((await late.next('smi/gateway/availability', 0)).payload).toBe('online');
    } finally {
      await late.close();
    }
  });

  it('re-announces availability and state when Home Assistant says online', async () => {
    const t0 = Date.now();
    await ha.publish(`${PREFIX}/status`, 'online');
    const avail = await ha.next('smi/gateway/availability', t0, (m) => m.payload === 'online');
    const state = await ha.next(STATE, t0);
    expect(avail.at - t0).toBeGreaterThanOrEqual(250); // after the configured delay, not at once
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426 });
    expect(ha.on(`smi/${METER}/availability`, t0).map((m) => m.payload)).toContain('online');
  });

  it('counts a corrupt telegram by error kind and never publishes it', async () => {
    const t0 = Date.now();
    const corrupt = Buffer.from(V5.toString('latin1').replace('1-0:1.8.1(000004.426*kWh)', '1-0:1.8.1(999994.426*kWh)'), 'latin1');
    writeMeter(pty, corrupt);
    const stats = await ha.next('smi/gateway/stats', t0, (m) => (JSON.parse(m.payload) as { rejected: number }).rejected === 1);
    expect(JSON.parse(stats.payload)).toMatchObject({ frames: 1, rejected: 1, errors: { 'bad-crc': 1 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(ha.on(STATE, t0)).toHaveLength(0);
    expect(gw?.output()).toMatch(/rejected frame \(bad-crc\)/);
  });

  it('removes entities whose objects the meter stopped sending', async () => {
    const t0 = Date.now();
    writeMeter(pty, withoutLines(V5, /^0-1:/));
    const removal = await ha.next(`${PREFIX}/sensor/smi_${METER}/gas_volume/config`, t0);
    expect(removal.payload).toBe('');
    const state = JSON.parse((await ha.next(STATE, t0)).payload) as Record<string, unknown>;
    expect(state).not.toHaveProperty('gas_volume');
    expect(state).toMatchObject({ energy_import_tariff_1: 4.426 });
  });

  it('publishes offline through the last will when the gateway is killed', async () => {
    const t0 = Date.now();
    await gw?.kill();
    const will = await ha.next('smi/gateway/availability', t0, (m) => m.payload === 'offline');
    expect(will.payload).toBe('offline');
  });

  it('keeps running while the broker is down and reconnects', async () => {
    // fresh gateway; stop the broker under it; start a new broker on the same port
    gw = runGateway(config());
    await ha.next('smi/gateway/availability', Date.now() - 100, (m) => m.payload === 'online');
    await ha.close();
    await broker.stop();
    await new Promise((r) => setTimeout(r, 700));
    expect(gw.proc.exitCode).toBeNull();
    expect(gw.output()).toMatch(/MQTT: connection to .* lost/);

    broker = await startMosquitto(broker.port);
    ha = await MqttRecorder.connect(broker.url, [`${PREFIX}/#`, 'smi/#']);
    const t0 = Date.now();
    await ha.next('smi/gateway/availability', t0, (m) => m.payload === 'online', 15000);
    // the new broker has no retained configs: after the next telegram the gateway announces again
    writeMeter(pty, V5);
    const cfg = await ha.next(`${PREFIX}/sensor/smi_${METER}/energy_import_tariff_1/config`, t0);
    expect(JSON.parse(cfg.payload)).toMatchObject({ unique_id: `smi_${METER}_energy_import_tariff_1_smi` });
  });
});
