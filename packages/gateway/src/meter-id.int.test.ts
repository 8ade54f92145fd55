/** A configured meter id replaces the derived one (Nordic P1 meters send no equipment id). */
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { FIXTURES, runGateway, type GatewayProcess } from './test-support/gateway-process';

jest.setTimeout(30000);

describe('meters[].id', () => {
  let broker: Mosquitto;
  let rec: MqttRecorder;
  let gw: GatewayProcess | undefined;
  beforeAll(async () => {
    broker = await startMosquitto();
    rec = await MqttRecorder.connect(broker.url, ['homeassistant/#', 'smi/#']);
  });
  afterAll(async () => {
    await gw?.stop();
    await rec.close();
    await broker.stop();
  });

  it('publishes a Kamstrup P1 meter under the configured id', async () => {
    gw = runGateway({
      meters: [{ id: 'house-kamstrup', protocol: 'dsmr', transport: { type: 'file', path: join(FIXTURES, 'dsmr/amshan-kamstrup-kam5-p1.txt') } }],
      mqtt: { url: broker.url },
      web: { enabled: false },
    });
    const state = await rec.next('smi/house-kamstrup/state', 0, () => true, 15000);
    expect(JSON.parse(state.payload)).toHaveProperty('energy_import_total');
    const cfg = await rec.next('homeassistant/sensor/smi_house-kamstrup/energy_import_total/config', 0);
    expect(JSON.parse(cfg.payload)).toMatchObject({
      unique_id: 'smi_house-kamstrup_energy_import_total_smi',
      device: { identifiers: ['smi_house-kamstrup'], manufacturer: 'Kamstrup' },
    });
    expect(rec.messages.some((m) => m.topic.startsWith('smi/KAM/'))).toBe(false);
  });

  it('refuses an id that is not topic-safe', async () => {
    const { validateConfig } = await import('./config/load');
    const r = validateConfig({ meters: [{ id: 'a/b', transport: { type: 'tcp', host: 'h', port: 1 } }] });
    expect(r).toMatchObject({ ok: false });
    expect(r.ok ? 'accepted' : r.problems[0]).toMatch(/^meters\.0\.id: only letters/);
  });
});
