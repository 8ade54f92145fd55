/**
 * Wired M-Bus end to end: `smi simulate --meter mbus` plays two real slaves (Kamstrup Multical 601
 * heat meter at primary address 17, Itron CYBLE water meter reached by secondary address) on one
 * end of a socat pty pair; the gateway bundle polls them on the other end (2400 8E1) and publishes
 * to a real Mosquitto broker. Asserts what Home Assistant would receive.
 */
import { validateHaSensorConfig } from '@smi/discovery';
import { startLineHarness, type LineHarness } from './test-support/line-harness';
import type { MqttRecorder } from './test-support/mqtt-recorder';
import { runGateway, type GatewayProcess } from './test-support/gateway-process';
import { waitFor } from './test-support/ports';
import { runSimulatorCli, type SimulatorProcess } from './test-support/simulator-process';

jest.setTimeout(60000);

const PREFIX = 'homeassistant';
const HEAT = '06855817';
const WATER = '12000071';

describe('gateway: M-Bus heat and water meters polled over a serial line → Home Assistant', () => {
  let h: LineHarness;
  let ha: MqttRecorder;
  let gw: GatewayProcess | undefined;
  let sim: SimulatorProcess | undefined;

  beforeAll(async () => {
    h = await startLineHarness();
    ha = h.ha;
    const { broker, pty } = h;
    // two slaves; every readout comes as two telegrams ("more records follow", FCB toggling)
    sim = h.track(
      await runSimulatorCli([
        '--meter',
        'mbus',
        '--port',
        pty.meterSide,
        '--set',
        'frame=kamstrup-multical-601,itron-cyble-water',
        '--set',
        'address=17,2',
        '--set',
        'split=2',
      ]),
    );
    gw = h.track(
      runGateway({
        meters: [
          {
            name: 'heating',
            protocol: 'mbus',
            transport: { type: 'serial', port: pty.gatewaySide, baudRate: 2400, parity: 'even' },
            // 9 is not on the bus: logged, retried each round, never fatal
            mbus: { primaryAddresses: [17, 9], secondaryAddresses: ['12000071FFFFFFFF'], pollIntervalSeconds: 5 },
          },
        ],
        mqtt: { url: broker.url, reconnectMs: 500 },
        homeassistant: { reannounceDelayMs: 300 },
        web: { enabled: false },
        logLevel: 'debug',
      }),
    );
  });

  afterAll(() => h?.stop());

  it('publishes the heat meter with the values of the real Kamstrup frame and correct units and classes', async () => {
    const state = JSON.parse((await ha.next(`smi/${HEAT}/state`, 0, () => true, 15000)).payload) as Record<string, unknown>;
    expect(state).toMatchObject({
      energy: 37351, // kWh
      volume: 561.08, // m³
      flow_temperature: 101.69, // °C
      return_temperature: 46.16,
      temperature_difference: 55.53, // K
      power: 34700, // W (347 × 100 W)
      power_max: 44800,
      volume_flow: 0.543, // m³/h
      volume_flow_max: 0.628,
      energy_storage_1: 33361,
      date_time: expect.stringMatching(/^2011-01-05T15:26:00/),
      fabrication_number: HEAT,
    });
    const config = async (key: string): Promise<Record<string, unknown>> =>
      JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${HEAT}/${key}/config`, 0)).payload) as Record<string, unknown>;
    expect(await config('energy')).toMatchObject({
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      value_template: '{{ value_json.energy }}',
    });
    expect(await config('volume')).toMatchObject({ device_class: 'water', state_class: 'total', unit_of_measurement: 'm³' });
    expect(await config('flow_temperature')).toMatchObject({ device_class: 'temperature', state_class: 'measurement', unit_of_measurement: '°C' });
    expect(await config('power')).toMatchObject({ device_class: 'power', state_class: 'measurement', unit_of_measurement: 'W' });
    expect(await config('volume_flow')).toMatchObject({ device_class: 'volume_flow_rate', state_class: 'measurement', unit_of_measurement: 'm³/h' });
    const device = (await config('energy'))['device'] as Record<string, unknown>;
    expect(device).toMatchObject({ identifiers: [`smi_${HEAT}`], manufacturer: 'Kamstrup', serial_number: HEAT });
  });

  it('reads the water meter selected by its secondary address', async () => {
    const state = JSON.parse((await ha.next(`smi/${WATER}/state`, 0, () => true, 15000)).payload) as Record<string, unknown>;
    expect(state).toMatchObject({ volume: 123.49, fabrication_number: WATER });
    const volume = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${WATER}/volume/config`, 0)).payload) as Record<string, unknown>;
    expect(volume).toMatchObject({ device_class: 'water', state_class: 'total', unit_of_measurement: 'm³' });
    const configs = ha.messages.filter((m) => m.topic.startsWith(`${PREFIX}/`) && m.topic.endsWith('/config') && m.payload !== '');
    for (const c of configs)
      expect({ topic: c.topic, problems: validateHaSensorConfig(JSON.parse(c.payload), c.topic) }).toEqual({ topic: c.topic, problems: [] });
  });

  it('logs the missing slave, keeps polling every interval and counts no rejected frame', async () => {
    await waitFor('the missing slave in the log', () => /primary address 9: no answer to SND_NKE; trying again next round/.test(gw?.output() ?? ''), 15000);
    const first = ha.on(`smi/${HEAT}/state`)[0];
    // the next round, about 5 s after the first
    const second = await ha.next(`smi/${HEAT}/state`, (first?.at ?? 0) + 1, () => true, 15000);
    expect(JSON.parse(second.payload)).toMatchObject({ energy: 37351, volume: 561.08 });
    expect(gw?.proc.exitCode).toBeNull();
    expect(gw?.output()).not.toMatch(/rejected frame/);
    expect(sim?.output()).toMatch(/simulating M-Bus slaves/);
  });
});
