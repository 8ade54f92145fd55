/**
 * The shipped Docker image, started with testcontainers: embedded defaults serve the simulated
 * meter over MQTT and HTTP, and the CLI works inside the image.
 */
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { validateHaSensorConfig } from '@smi/discovery';
import { MqttRecorder } from './test-support/mqtt-recorder';

jest.setTimeout(120000);
const IMAGE = process.env['SMI_IMAGE'] ?? 'smart-meter-interop:test';

describe(`Docker image ${IMAGE}`, () => {
  let container: StartedTestContainer | undefined;
  let rec: MqttRecorder | undefined;

  afterAll(async () => {
    await rec?.close();
    await container?.stop();
  });

  it('runs the embedded defaults: simulated meter, embedded broker, web page', async () => {
    container = await new GenericContainer(IMAGE)
      .withExposedPorts(1883, 8080)
      .withEnvironment({ TZ: 'Europe/Amsterdam' })
      .withWaitStrategy(Wait.forLogMessage(/web page with live values/))
      .start();
    const mqttUrl = `mqtt://${container.getHost()}:${container.getMappedPort(1883)}`;
    rec = await MqttRecorder.connect(mqttUrl, ['homeassistant/#', 'smi/#']);
    const state = await rec.next('smi/K8EG004046395507/state', 0, () => true, 20000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426, power_import: 244, gas_volume: 0.107 });
    const cfg = await rec.next('homeassistant/sensor/smi_K8EG004046395507/energy_import_tariff_1/config', 0);
    expect(validateHaSensorConfig(JSON.parse(cfg.payload), cfg.topic)).toEqual([]);
    const status = (await (await fetch(`http://${container.getHost()}:${container.getMappedPort(8080)}/api/status`)).json()) as { mqtt: { connected: boolean } };
    expect(status.mqtt.connected).toBe(true);
  });

  it('runs the CLI inside the image', async () => {
    if (!container) throw new Error('container not started');
    const r = await container.exec(['node', '/app/dist/smi.js', 'decode', '--summary', '/app/assets/simulator/dsmr-fluvius.txt']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.output.trim())).toEqual({ frames: 1, rejected: 0, readings: 36, errors: {} });
  });
});
