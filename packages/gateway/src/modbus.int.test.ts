/**
 * Modbus end to end: an Eastron SDM630 played by `smi simulate --meter modbus` on one end of a
 * socat pty pair (RTU, 9600 8N1, two units) and by the simulator's Modbus TCP server; the gateway
 * bundle polls both and publishes to a real Mosquitto broker. Asserts what Home Assistant would
 * receive: the discovery config fields and the state values of the simulated registers. A simulated
 * SunSpec inverter over TCP is read without a device profile (models found from the SunS marker).
 */
import { EASTRON_SDM630 } from '@smi/decoder';
import { validateHaSensorConfig } from '@smi/discovery';
import { silentLogger } from './log';
import { profileSlave, runModbusTcpServer, sunSpecInverterSlave, type RunningModbusTcpServer } from './simulators/modbus';
import { startLineHarness, type LineHarness } from './test-support/line-harness';
import type { MqttRecorder } from './test-support/mqtt-recorder';
import { runGateway, type GatewayProcess } from './test-support/gateway-process';
import { waitFor } from './test-support/ports';
import { runSimulatorCli, type SimulatorProcess } from './test-support/simulator-process';

jest.setTimeout(60000);

const PREFIX = 'homeassistant';
const RTU_1 = 'eastron-sdm630-1';
const RTU_2 = 'eastron-sdm630-2';
const TCP = 'garage-sdm630';
const INVERTER = 'SIM00042';

/** The simulator's register values (MODBUS_SIM_VALUES) as the gateway publishes them. */
const EXPECTED_STATE = {
  voltage_l1: 230.1,
  voltage_l2: 231.2,
  voltage_l3: 229.8,
  current_l1: 1.5,
  current_l2: 2.25,
  current_l3: 0.5,
  current_neutral: 1.25,
  power_l1: 345,
  power_l2: -100,
  power_l3: 115,
  power: 360,
  power_factor_l1: 0.98,
  power_factor_l2: -0.9,
  power_factor: 0.62,
  frequency: 50,
  energy_import_total: 12345.67,
  energy_export_total: 1234.5,
  energy_absolute_total: 13580.17,
};

describe('gateway: Eastron SDM630 over Modbus RTU and Modbus TCP → Home Assistant', () => {
  let h: LineHarness;
  let ha: MqttRecorder;
  let gw: GatewayProcess | undefined;
  let sim: SimulatorProcess | undefined;
  let tcp: RunningModbusTcpServer | undefined;
  let sunspec: RunningModbusTcpServer | undefined;

  beforeAll(async () => {
    h = await startLineHarness();
    ha = h.ha;
    const { broker, pty } = h;
    sim = h.track(await runSimulatorCli(['--meter', 'modbus', '--port', pty.meterSide, '--set', 'profile=eastron-sdm630', '--set', 'unit=1,2']));
    tcp = h.track(await runModbusTcpServer(profileSlave(EASTRON_SDM630, [5]), 0, '127.0.0.1', silentLogger));
    sunspec = h.track(await runModbusTcpServer(sunSpecInverterSlave([1]), 0, '127.0.0.1', silentLogger));
    gw = h.track(
      runGateway({
        meters: [
          {
            name: 'house',
            protocol: 'modbus',
            transport: { type: 'serial', port: pty.gatewaySide, baudRate: 9600 },
            // 3 is not on the bus: logged, retried each round, never fatal
            modbus: { unitIds: [1, 2, 3], profile: 'eastron-sdm630', pollIntervalSeconds: 3, timeoutMs: 300, retries: 1 },
          },
          {
            name: 'garage',
            id: TCP,
            protocol: 'modbus',
            transport: { type: 'tcp', host: '127.0.0.1', port: tcp.port },
            modbus: { unitId: 5, profile: 'eastron-sdm630', pollIntervalSeconds: 3 },
          },
          {
            name: 'pv',
            protocol: 'modbus',
            transport: { type: 'tcp', host: '127.0.0.1', port: sunspec.port },
            modbus: { unitId: 1, profile: 'sunspec', pollIntervalSeconds: 3 },
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

  it('publishes both RTU units with the simulated register values', async () => {
    for (const id of [RTU_1, RTU_2]) {
      const state = JSON.parse((await ha.next(`smi/${id}/state`, 0, () => true, 20000)).payload) as Record<string, unknown>;
      expect(state).toMatchObject(EXPECTED_STATE);
    }
  });

  it('announces each entity with its device class, state class and unit, as the model decides', async () => {
    const config = async (key: string): Promise<Record<string, unknown>> =>
      JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${RTU_1}/${key}/config`, 0, () => true, 20000)).payload) as Record<string, unknown>;
    expect(await config('energy_import_total')).toMatchObject({
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      value_template: '{{ value_json.energy_import_total }}',
    });
    expect(await config('energy_export_total')).toMatchObject({ device_class: 'energy', unit_of_measurement: 'kWh' });
    expect(await config('power_l2')).toMatchObject({ device_class: 'power', state_class: 'measurement', unit_of_measurement: 'W' });
    expect(await config('voltage_l1')).toMatchObject({ device_class: 'voltage', state_class: 'measurement', unit_of_measurement: 'V' });
    expect(await config('current_l3')).toMatchObject({ device_class: 'current', state_class: 'measurement', unit_of_measurement: 'A' });
    expect(await config('frequency')).toMatchObject({ device_class: 'frequency', state_class: 'measurement', unit_of_measurement: 'Hz' });
    expect(await config('power_factor')).toMatchObject({ device_class: 'power_factor', state_class: 'measurement' });
    const device = (await config('voltage_l1'))['device'] as Record<string, unknown>;
    expect(device).toMatchObject({ identifiers: [`smi_${RTU_1}`], model: 'Eastron SDM630' });
    const configs = ha.messages.filter((m) => m.topic.startsWith(`${PREFIX}/`) && m.topic.endsWith('/config') && m.payload !== '');
    for (const c of configs)
      expect({ topic: c.topic, problems: validateHaSensorConfig(JSON.parse(c.payload), c.topic) }).toEqual({ topic: c.topic, problems: [] });
  });

  it('publishes the SDM630 read over Modbus TCP under its configured id', async () => {
    const state = JSON.parse((await ha.next(`smi/${TCP}/state`, 0, () => true, 20000)).payload) as Record<string, unknown>;
    expect(state).toMatchObject(EXPECTED_STATE);
    const energy = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${TCP}/energy_import_total/config`, 0)).payload) as Record<string, unknown>;
    expect(energy).toMatchObject({ device_class: 'energy', state_class: 'total', unit_of_measurement: 'kWh' });
  });

  it('discovers the SunSpec inverter from its SunS marker and publishes model 103 with scale factors applied', async () => {
    const state = JSON.parse((await ha.next(`smi/${INVERTER}/state`, 0, () => true, 20000)).payload) as Record<string, unknown>;
    expect(state).toMatchObject({ current: 21.3, voltage_l2: 231.2, power: 4850, frequency: 50.01, power_factor: 0.99, energy_export_total: 1000 });
    const energy = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${INVERTER}/energy_export_total/config`, 0)).payload) as Record<string, unknown>;
    expect(energy).toMatchObject({ device_class: 'energy', state_class: 'total', unit_of_measurement: 'kWh' });
    expect(energy['device']).toMatchObject({ identifiers: [`smi_${INVERTER}`], manufacturer: 'SMI', model: 'SMI Simulated Inverter 3P' });
    expect(gw?.output()).toMatch(/pv: Modbus unit 1: SunSpec at 40000, models 1, 103; reading model 103 of SMI Simulated Inverter 3P SIM00042/);
  });

  it('logs the missing unit, keeps polling every interval and counts no rejected frame', async () => {
    await waitFor(
      'the missing unit in the log',
      () => /Modbus unit 3: no answer to the read of 80 registers at 0; trying again next round/.test(gw?.output() ?? ''),
      20000,
    );
    const first = ha.on(`smi/${RTU_1}/state`)[0];
    const second = await ha.next(`smi/${RTU_1}/state`, (first?.at ?? 0) + 1, () => true, 20000);
    expect(JSON.parse(second.payload)).toMatchObject({ energy_import_total: 12345.67 });
    expect(gw?.proc.exitCode).toBeNull();
    expect(gw?.output()).not.toMatch(/rejected frame/);
    expect(sim?.output()).toMatch(/simulating Modbus RTU Eastron SDM630 \(unit 1, 2\)/);
  });
});
