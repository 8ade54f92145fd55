/**
 * End to end: `smi simulate --meter d0` plays an IEC 62056-21 mode C meter (the real Iskra
 * MT174 readout) on one end of a socat pty pair; the gateway bundle asks it on the other end,
 * switches 300 → 9600 Bd after the option select, and publishes to a real Mosquitto broker.
 *
 * A socat pty takes every baud rate it is given (tcsetattr succeeds, `stty` reads it back) but
 * bytes pass at any setting: the switch is asserted on the port's settings and in the log,
 * not by garbled bytes.
 */
import { execFileSync } from 'node:child_process';
import { validateHaSensorConfig } from '@smi/discovery';
import type { Mosquitto } from './test-support/mosquitto';
import { startLineHarness, type LineHarness } from './test-support/line-harness';
import type { MqttRecorder } from './test-support/mqtt-recorder';
import type { PtyPair } from './test-support/socat';
import { runGateway, type GatewayProcess } from './test-support/gateway-process';
import { runSimulatorProcess, type SimulatorProcess } from './test-support/simulator-process';
import { waitFor } from './test-support/ports';

jest.setTimeout(90000);

const METER = '63355730';
const PREFIX = 'homeassistant';
const STATE = `smi/${METER}/state`;

const speedOf = (path: string): string => /speed (\d+) baud/.exec(execFileSync('stty', ['-F', path], { encoding: 'utf8' }))?.[1] ?? '?';

describe('gateway: simulated IEC 62056-21 mode C meter on a pty → Home Assistant on a real broker', () => {
  let broker: Mosquitto;
  let pty: PtyPair;
  let ha: MqttRecorder;
  let gw: GatewayProcess | undefined;
  let sim: SimulatorProcess | undefined;

  const config = (iec62056: Record<string, unknown>): unknown => ({
    meters: [
      { name: 'mt174', protocol: 'iec62056-21', transport: { type: 'serial', port: pty.gatewaySide, baudRate: 300, dataBits: 7, parity: 'even' }, iec62056 },
    ],
    mqtt: { url: broker.url, reconnectMs: 500 },
    homeassistant: { reannounceDelayMs: 300 },
    web: { enabled: false },
    logLevel: 'debug',
    timezone: 'Europe/Ljubljana', // the meter clock has no offset; the gateway adds the zone's
  });

  let h: LineHarness | undefined;

  beforeAll(async () => {
    h = await startLineHarness();
    ({ broker, pty, ha } = h);
    sim = await runSimulatorProcess('d0', pty.meterSide, { mode: 'C', address: METER });
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.stop();
    await h?.stop();
  });

  it('asks with the address, switches to 9600 Bd, and publishes the MT174 readout with its classes', async () => {
    const t0 = Date.now();
    gw = runGateway(config({ mode: 'request', address: METER, readoutIntervalSeconds: 12, maxBaudRate: 9600 }));
    const state = await ha.next(STATE, t0, () => true, 20000);
    const values = JSON.parse(state.payload) as Record<string, unknown>;
    expect(values).toMatchObject({
      meter_number: METER,
      energy_import_total: 8048.375,
      energy_import_tariff_1: 8048.375,
      energy_export_total: 0,
      power_import: 908,
      demand_peak_month: 2468,
      energy_import_tariff_1_f7: 6334.294,
      firmware_version: '1.03',
      time: '2017-03-18T20:14:55+01:00',
    });

    // the baud switch happened on the gateway's port: the pty reports the new speed
    expect(gw.output()).toMatch(/mt174: switching the port from 300 to 9600 Bd/);
    expect(speedOf(pty.gatewaySide)).toBe('9600');

    const energy = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${METER}/energy_import_total/config`, t0)).payload) as Record<string, unknown>;
    expect(energy).toMatchObject({
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      value_template: '{{ value_json.energy_import_total }}',
      device: expect.objectContaining({
        identifiers: [`smi_${METER}`],
        manufacturer: 'Iskraemeco',
        model: 'MT174-0001',
        serial_number: METER,
        sw_version: '1.03',
      }),
    });
    const power = JSON.parse((await ha.next(`${PREFIX}/sensor/smi_${METER}/power_import/config`, t0)).payload) as Record<string, unknown>;
    expect(power).toMatchObject({ device_class: 'power', state_class: 'measurement', unit_of_measurement: 'W' });
    const configs = await ha.settled((m) => m.topic.startsWith(`${PREFIX}/sensor/smi_${METER}/`) && m.payload !== '', 25);
    expect(configs.length).toBe(25); // billing history (1.8.0*01 …) is not announced by default (homeassistant.history)
    for (const c of configs) expect(validateHaSensorConfig(JSON.parse(c.payload), c.topic)).toEqual([]);

    // the next readout starts again at 300 Bd and switches up once more
    const second = await ha.next(STATE, state.at + 1, () => true, 20000);
    expect(JSON.parse(second.payload)).toMatchObject({ energy_import_total: 8048.375 });
    const switches = gw.output().match(/switching the port from \d+ to \d+ Bd/g);
    expect(switches?.slice(0, 3)).toEqual([
      'switching the port from 300 to 9600 Bd',
      'switching the port from 9600 to 300 Bd',
      'switching the port from 300 to 9600 Bd',
    ]);
    expect(gw.output()).not.toMatch(/rejected frame/);
    expect(await gw.stop()).toBe(0);
  });

  it('counts unanswered requests (another device address) as truncated and publishes nothing', async () => {
    await gw?.stop();
    const t0 = Date.now();
    gw = runGateway(config({ address: '11111111', readoutIntervalSeconds: 5 }));
    const stats = await ha.next('smi/gateway/stats', t0, (m) => ((JSON.parse(m.payload) as { rejected: number }).rejected ?? 0) >= 1, 20000);
    expect(JSON.parse(stats.payload)).toMatchObject({ frames: 0, errors: { truncated: 1 } });
    await waitFor('rejection in the log', () => /rejected frame \(truncated\) at iec62056-21-session/.test(gw?.output() ?? ''), 5000);
    expect(ha.on(STATE, t0)).toHaveLength(0);
    expect(await gw.stop()).toBe(0);
  });
});
