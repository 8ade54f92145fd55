/**
 * The embedded default: no meter and no broker configured → a simulated DSMR meter replaying
 * real telegrams and an embedded MQTT broker that any client can connect to, plus the web page.
 */
import { validateHaSensorConfig } from '@smi/discovery';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { freePort, waitFor } from './test-support/ports';
import { runGateway, type GatewayProcess } from './test-support/gateway-process';

jest.setTimeout(30000);

describe('embedded default (simulated meter + embedded broker)', () => {
  let gw: GatewayProcess | undefined;
  let client: MqttRecorder | undefined;

  afterAll(async () => {
    await client?.close();
    await gw?.stop();
  });

  it('serves simulated meters over its own broker and on the web page', async () => {
    const mqttPort = await freePort();
    const webPort = await freePort();
    // only the ports differ from the defaults, so the test does not collide with a running gateway
    gw = runGateway({ mqtt: { embeddedBroker: { host: '127.0.0.1', port: mqttPort } }, web: { host: '127.0.0.1', port: webPort } });
    await waitFor('embedded broker', () => gw?.output().includes(`embedded MQTT broker listening on 127.0.0.1:${mqttPort}`), 15000);
    await waitFor('web server', () => gw?.output().includes(`http://127.0.0.1:${webPort}/`), 15000);

    client = await MqttRecorder.connect(`mqtt://127.0.0.1:${mqttPort}`, ['homeassistant/#', 'smi/#']);
    const iskra = await client.next('smi/K8EG004046395507/state', 0, () => true, 15000);
    expect(JSON.parse(iskra.payload)).toMatchObject({ energy_import_tariff_1: 4.426, power_import: 244 });
    const fluvius = await client.next('smi/1SAG3101021605/state', 0, () => true, 25000);
    expect(JSON.parse(fluvius.payload)).toMatchObject({ energy_import_tariff_2: 15.758, demand_average: 2351, gas_volume: 112.384, water_volume_2: 872.234 });
    const configs = await client.settled((m) => m.topic.endsWith('/config') && m.payload !== '', 21);
    expect(configs.length).toBeGreaterThan(20);
    for (const c of configs) expect(validateHaSensorConfig(JSON.parse(c.payload), c.topic)).toEqual([]);

    const meters = (await (await fetch(`http://127.0.0.1:${webPort}/api/meters`)).json()) as { meter: { id: string } }[];
    expect(meters.map((m) => m.meter.id).sort()).toEqual(['1SAG3101021605', 'K8EG004046395507']);
    const status = (await (await fetch(`http://127.0.0.1:${webPort}/api/status`)).json()) as { mqtt: { connected: boolean; embeddedBroker: boolean } };
    expect(status.mqtt).toMatchObject({ connected: true, embeddedBroker: true });
    const page = await (await fetch(`http://127.0.0.1:${webPort}/`)).text();
    expect(page).toContain('<title>Smart Meter Interop</title>');

    expect(await gw.stop()).toBe(0);
  });
});
