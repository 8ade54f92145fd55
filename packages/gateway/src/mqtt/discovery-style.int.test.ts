/**
 * Home Assistant discovery styles on a real Mosquitto: a gateway that announced a meter with
 * per-entity configs restarts with `homeassistant.discovery: device` and moves the entities with
 * HA's `migrate_discovery` handshake (nothing is left to show up twice); then a reading vanishes
 * and is removed from the device config. Asserts the exact messages the broker delivers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import { createLogger } from '../log';
import { FIXTURES } from '../test-support/gateway-process';
import { startMosquitto, type Mosquitto } from '../test-support/mosquitto';
import { MqttRecorder, type Received } from '../test-support/mqtt-recorder';
import { waitFor } from '../test-support/ports';
import { MessageFactory } from './messages';
import { MqttPublisher } from './publisher';

jest.setTimeout(30000);

const METER = 'K8EG004046395507';
const NODE = `homeassistant/sensor/smi_${METER}`;
const DEVICE = `homeassistant/device/smi_${METER}/config`;
const MIGRATE = '{"migrate_discovery":true}';

function v5Snapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const ev = d.value.push(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')))[0];
  if (!ev?.ok) throw new Error('the V5 fixture did not decode');
  return ev.snapshot;
}

function publisherFor(url: string, discovery: 'entity' | 'device', log: string[]): MqttPublisher {
  const r = validateConfig({ mqtt: { url, reconnectMs: 200 }, homeassistant: { discovery } });
  if (!r.ok) throw new Error(r.problems.join('; '));
  const messages = new MessageFactory(r.config, 'test');
  return new MqttPublisher(
    { url, clientId: `smi-style-${discovery}`, qos: 1, retain: true, reconnectMs: 200, homeAssistant: r.config.homeassistant },
    messages.topics,
    messages,
    createLogger('info', [], (line) => log.push(line)),
  );
}

/** Meter discovery traffic only (the gateway device keeps its per-entity configs in both styles). */
const meterDiscovery = (messages: readonly Received[], since: number): Received[] =>
  messages.filter((m) => m.at >= since && (m.topic.startsWith(`${NODE}/`) || m.topic === DEVICE));

const components = (m: Received | undefined): Record<string, unknown> => (JSON.parse(m?.payload ?? '{}') as { components: Record<string, unknown> }).components;

describe('discovery styles on a real Mosquitto', () => {
  let broker: Mosquitto;
  let ha: MqttRecorder;
  let publisher: MqttPublisher | undefined;
  const snapshot = v5Snapshot();
  const keys = snapshot.readings.map((r) => r.key);

  beforeAll(async () => {
    broker = await startMosquitto();
    ha = await MqttRecorder.connect(broker.url, ['homeassistant/#']);
  });

  afterAll(async () => {
    await publisher?.stop();
    await ha?.close();
    await broker?.stop();
  });

  it('per-entity → device: migrates every entity, then removes a vanished one', async () => {
    const log: string[] = [];
    publisher = publisherFor(broker.url, 'entity', log);
    publisher.start();
    await waitFor('connected', () => publisher?.connected);
    publisher.publishSnapshot(snapshot);
    await waitFor('35 per-entity configs', () => meterDiscovery(ha.messages, 0).length === 35 || undefined);
    expect(meterDiscovery(ha.messages, 0).map((m) => m.topic)).toEqual(keys.map((k) => `${NODE}/${k}/config`));
    await publisher.stop();

    // the same gateway restarts in device mode
    const t0 = Date.now();
    publisher = publisherFor(broker.url, 'device', log);
    publisher.start();
    await waitFor('connected', () => publisher?.connected);
    publisher.publishSnapshot(snapshot);
    await waitFor('the migration', () => meterDiscovery(ha.messages, t0).length === 71 || undefined);
    await new Promise((r) => setTimeout(r, 300));
    const seen = meterDiscovery(ha.messages, t0);
    expect(seen.map((m) => [m.topic, m.payload === '' ? '' : m.payload === MIGRATE ? 'migrate' : 'config'])).toEqual([
      ...keys.map((k) => [`${NODE}/${k}/config`, 'migrate']),
      [DEVICE, 'config'],
      ...keys.map((k) => [`${NODE}/${k}/config`, '']),
    ]);
    expect(seen.every((m) => m.retain === false)).toBe(true); // live delivery to a subscriber
    expect(Object.keys(components(seen[35]))).toEqual(keys);
    expect(components(seen[35]).energy_import_tariff_1).toMatchObject({
      platform: 'sensor',
      unique_id: `smi_${METER}_energy_import_tariff_1_smi`,
      device_class: 'energy',
      unit_of_measurement: 'kWh',
    });
    expect(log.filter((l) => l.includes('to device-based discovery'))).toHaveLength(35);

    // what a Home Assistant starting now finds retained: the device config only, no per-entity meter config
    const late = await MqttRecorder.connect(broker.url, ['homeassistant/#']);
    await new Promise((r) => setTimeout(r, 500));
    await late.close();
    expect(late.messages.filter((m) => m.topic.startsWith(`${NODE}/`))).toEqual([]);
    expect(late.messages.filter((m) => m.topic === DEVICE)).toHaveLength(1);

    // a reading vanishes: the device config lists it as { platform } alone, once
    const t1 = Date.now();
    publisher.publishSnapshot({ ...snapshot, readings: snapshot.readings.filter((r) => r.key !== 'voltage_l3') });
    const removal = await ha.next(DEVICE, t1);
    expect(components(removal).voltage_l3).toEqual({ platform: 'sensor' });
    expect(Object.keys(components(removal))).toHaveLength(35);
    // the next announcement no longer needs the removal entry
    await new Promise((r) => setTimeout(r, 300));
    const t2 = Date.now();
    publisher.publishSnapshot({ ...snapshot, readings: snapshot.readings.filter((r) => r.key !== 'voltage_l3') });
    const after = await ha.next(DEVICE, t2);
    expect(components(after)).not.toHaveProperty('voltage_l3');
    expect(Object.keys(components(after))).toHaveLength(34);
    await new Promise((r) => setTimeout(r, 300));
    expect(meterDiscovery(ha.messages, t1)).toEqual([removal, after]);
  });

  it('device → per-entity: migrates back through the device topic', async () => {
    await publisher?.stop();
    const log: string[] = [];
    const t0 = Date.now();
    const fewer = { ...snapshot, readings: snapshot.readings.filter((r) => r.key !== 'voltage_l3') };
    publisher = publisherFor(broker.url, 'entity', log);
    publisher.start();
    await waitFor('connected', () => publisher?.connected);
    publisher.publishSnapshot(fewer);
    await waitFor('the migration back', () => meterDiscovery(ha.messages, t0).length === 36 || undefined);
    await new Promise((r) => setTimeout(r, 300));
    const seen = meterDiscovery(ha.messages, t0);
    expect(seen.map((m) => [m.topic, m.payload === '' ? '' : m.payload === MIGRATE ? 'migrate' : 'config'])).toEqual([
      [DEVICE, 'migrate'],
      ...fewer.readings.map((r) => [`${NODE}/${r.key}/config`, 'config']),
      [DEVICE, ''],
    ]);
    expect(log.filter((l) => l.includes(`moved ${DEVICE} to entity-based discovery`))).toHaveLength(1);
  });
});
