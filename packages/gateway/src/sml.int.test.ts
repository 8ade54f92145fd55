/**
 * End to end: `smi simulate --meter sml` plays the real EMH eHZ SML file on one end of a socat
 * pty pair (every third file with a flipped byte), the gateway bundle reads the other end and
 * publishes to a real Mosquitto broker.
 */
import { validateHaSensorConfig } from '@smi/discovery';
import type { Mosquitto } from './test-support/mosquitto';
import { startLineHarness, type LineHarness } from './test-support/line-harness';
import type { MqttRecorder } from './test-support/mqtt-recorder';
import type { PtyPair } from './test-support/socat';
import { runGateway, type GatewayProcess } from './test-support/gateway-process';
import { runSimulatorProcess, type SimulatorProcess } from './test-support/simulator-process';

jest.setTimeout(60000);

const METER = '0901454D48000041F045';
const PREFIX = 'homeassistant';
const STATE = `smi/${METER}/state`;
/** What the EMH file holds (asserted by the source: 1-0:1.8.1 = 15338.5557 kWh, manufacturer EMH). */
const VALUES = {
  manufacturer_text: 'EMH',
  server_id: METER,
  energy_import_total: 15338.5557,
  energy_import_tariff_1: 15338.5557,
  energy_import_tariff_2: 0,
  power: 563.5,
};

describe('gateway: simulated SML meter on a pty → Home Assistant on a real broker', () => {
  let broker: Mosquitto;
  let pty: PtyPair;
  let ha: MqttRecorder;
  let gw: GatewayProcess | undefined;
  let sim: SimulatorProcess | undefined;

  let h: LineHarness | undefined;

  beforeAll(async () => {
    h = await startLineHarness();
    ({ broker, pty, ha } = h);
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.stop();
    await h?.stop();
  });

  it('publishes the EMH values with their Home Assistant classes, and rejects corrupt files as bad-crc', async () => {
    gw = runGateway({
      meters: [{ name: 'ehz', protocol: 'sml', transport: { type: 'serial', port: pty.gatewaySide, baudRate: 9600 } }],
      mqtt: { url: broker.url, reconnectMs: 500 },
      homeassistant: { reannounceDelayMs: 300 },
      web: { enabled: false },
      logLevel: 'debug',
    });
    await ha.next('smi/gateway/availability', 0, (m) => m.payload === 'online', 15000);
    const t0 = Date.now();
    sim = await runSimulatorProcess('sml', pty.meterSide, { corrupt: '3' }, 300);

    const state = await ha.next(STATE, t0);
    expect(JSON.parse(state.payload)).toMatchObject(VALUES);

    const energy = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${METER}/energy_import_tariff_1/config`, t0)).payload) as Record<string, unknown>;
    expect(energy).toMatchObject({
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      state_topic: STATE,
      value_template: '{{ value_json.energy_import_tariff_1 }}',
      device: expect.objectContaining({ identifiers: [`smi_${METER}`], manufacturer: 'EMH Metering' }),
    });
    const power = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${METER}/power/config`, t0)).payload) as Record<string, unknown>;
    expect(power).toMatchObject({ device_class: 'power', state_class: 'measurement', unit_of_measurement: 'W' });
    const configs = ha.messages.filter((m) => m.topic.startsWith(`${PREFIX}/sensor/smi_${METER}/`) && m.payload !== '');
    for (const c of configs) expect(validateHaSensorConfig(JSON.parse(c.payload), c.topic)).toEqual([]);

    // every third file is corrupt: counted by kind, never published
    // the stats message is rate limited (one per 10 s per meter): the second rejection comes with the next one
    const stats = await ha.next('smi/gateway/stats', t0, (m) => ((JSON.parse(m.payload) as { rejected: number }).rejected ?? 0) >= 2, 15000);
    const s = JSON.parse(stats.payload) as { frames: number; rejected: number; errors: Record<string, number> };
    expect(s.errors).toEqual({ 'bad-crc': s.rejected });
    expect(s.frames).toBeGreaterThanOrEqual(s.rejected);
    expect(gw.output()).toMatch(/rejected frame \(bad-crc\) at sml-file/);
    for (const m of ha.on(STATE, t0)) expect(JSON.parse(m.payload)).toMatchObject(VALUES);
    expect(ha.last(`smi/${METER}/availability`)?.payload).toBe('online');
  });
});
