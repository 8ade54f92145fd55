/** Homie 4.0.0 output (openHAB's Homie binding) on a real broker: lifecycle, attributes, values, last will. */
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { FIXTURES, runGateway, type GatewayProcess } from './test-support/gateway-process';

jest.setTimeout(30000);

describe('Homie output', () => {
  let broker: Mosquitto;
  let rec: MqttRecorder;
  let gw: GatewayProcess | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
    rec = await MqttRecorder.connect(broker.url, ['homie/#']);
  });
  afterAll(async () => {
    await gw?.kill();
    await rec.close();
    await broker.stop();
  });

  it('announces each meter as a Homie device, init → attributes → values → ready, and lost when killed', async () => {
    gw = runGateway({
      meters: [{ protocol: 'dsmr', transport: { type: 'file', path: join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'), loop: true, intervalMs: 200 } }],
      mqtt: { url: broker.url },
      homeassistant: { enabled: false },
      homie: { enabled: true },
      web: { enabled: false },
    });
    const base = 'homie/k8eg004046395507';
    const ready = await rec.next(`${base}/$state`, 0, (m) => m.payload === 'ready', 15000);
    const seq = rec.messages.filter((m) => m.topic.startsWith(`${base}/`) && m.at <= ready.at);
    expect(seq[0]).toMatchObject({ topic: `${base}/$state`, payload: 'init' });
    expect(rec.last(`${base}/$homie`)?.payload).toBe('4.0.0');
    const nodes = (rec.last(`${base}/$nodes`)?.payload ?? '').split(',');
    expect(nodes).toContain('meter');
    const props = (rec.last(`${base}/meter/$properties`)?.payload ?? '').split(',');
    const energy = props.find((p) => p.includes('energy-import-tariff-1'));
    expect(energy).toBeDefined();
    expect(rec.last(`${base}/meter/${energy}/$datatype`)?.payload).toBe('float');
    expect(rec.last(`${base}/meter/${energy}/$unit`)?.payload).toBe('kWh');
    expect(rec.last(`${base}/meter/${energy}`)?.payload).toBe('4.426');
    // values of later telegrams do not repeat the init cycle
    const t = ready.at;
    await rec.next(`${base}/meter/${energy}`, t + 1, () => true, 5000);
    expect(rec.on(`${base}/$state`, t + 1).filter((m) => m.payload === 'init')).toHaveLength(0);

    const t0 = Date.now();
    await gw.kill();
    expect((await rec.next(`${base}/$state`, t0, (m) => m.payload === 'lost', 10000)).retain).toBe(false);
  });
});
