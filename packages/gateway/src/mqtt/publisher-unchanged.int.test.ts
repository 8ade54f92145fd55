/**
 * A known meter whose discovery input did not change gets no discovery rendering and no config
 * messages (the usual case: 1,000 meters at 1 Hz), while its states still go out; a changed
 * reading set and a leftover config retained on the broker are still handled (real Mosquitto).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot, Reading } from '@smi/model';
import { validateConfig } from '../config/load';
import { createLogger } from '../log';
import { FIXTURES } from '../test-support/gateway-process';
import { startMosquitto, type Mosquitto } from '../test-support/mosquitto';
import { MqttRecorder } from '../test-support/mqtt-recorder';
import { waitFor } from '../test-support/ports';
import { MessageFactory } from './messages';
import { MqttPublisher } from './publisher';

jest.setTimeout(30000);

const METER = 'K8EG004046395507';
const STATE = `smi/${METER}/state`;
const CONFIG = (object: string): string => `homeassistant/sensor/smi_${METER}/${object}/config`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function v5Snapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const [ev] = d.value.push(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')));
  if (!ev?.ok) throw new Error('the V5 fixture did not decode');
  return ev.snapshot;
}

/** The fixture's snapshot as a new object with another tariff-1 energy value (a decoder makes new objects per frame). */
function withEnergy(s: MeterSnapshot, kwh: number): MeterSnapshot {
  const readings: Reading[] = s.readings.map((r) => ({ ...r, ...(r.key === 'energy_import_tariff_1' ? { value: kwh } : {}) }));
  return { ...s, meter: { ...s.meter }, readings };
}

const energyOf = (payload: string): number => (JSON.parse(payload) as { energy_import_tariff_1: number }).energy_import_tariff_1;

describe('MQTT publisher: unchanged discovery', () => {
  let broker: Mosquitto;
  let ha: MqttRecorder;
  let publisher: MqttPublisher | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
    ha = await MqttRecorder.connect(broker.url, ['homeassistant/#', 'smi/#']);
  });

  afterAll(async () => {
    await publisher?.stop();
    await ha?.close();
    await broker?.stop();
  });

  it('renders discovery only when the reading set or the retained configs change; states always go out', async () => {
    const r = validateConfig({ mqtt: { url: broker.url } });
    if (!r.ok) throw new Error(r.problems.join('; '));
    const config = r.config;
    const messages = new MessageFactory(config, 'test');
    const renders = jest.spyOn(messages, 'discoveryMessages');
    publisher = new MqttPublisher(
      { url: broker.url, clientId: 'smi-unchanged-test', qos: 1, retain: true, reconnectMs: 200, homeAssistant: config.homeassistant },
      messages.topics,
      messages,
      createLogger('warn', [], () => undefined),
    );
    const base = v5Snapshot();
    publisher.start();
    await waitFor('connected', () => publisher?.connected);
    publisher.publishSnapshot(withEnergy(base, 4.426));
    await ha.next(CONFIG('energy_import_tariff_1'), 0);
    await ha.next(STATE, 0, (m) => energyOf(m.payload) === 4.426);
    expect(renders).toHaveBeenCalledTimes(1);
    // our own retained configs come back from the broker (our subscription): they change nothing
    await sleep(300);
    publisher.publishSnapshot(withEnergy(base, 4.427));
    await ha.next(STATE, 0, (m) => energyOf(m.payload) === 4.427);
    publisher.publishSnapshot(withEnergy(base, 4.428));
    await ha.next(STATE, 0, (m) => energyOf(m.payload) === 4.428);
    expect(renders).toHaveBeenCalledTimes(1);

    renders.mockClear();
    const t0 = Date.now();
    for (const kwh of [4.429, 4.43, 4.431]) publisher.publishSnapshot(withEnergy(base, kwh));
    await ha.next(STATE, t0, (m) => energyOf(m.payload) === 4.431);
    await sleep(200);
    expect(renders).not.toHaveBeenCalled();
    expect(ha.messages.filter((m) => m.at >= t0 && m.topic.startsWith('homeassistant/')).map((m) => m.topic)).toEqual([]);
    expect(ha.messages.filter((m) => m.at >= t0 && m.topic === STATE).map((m) => energyOf(m.payload))).toEqual([4.429, 4.43, 4.431]);

    // a config of an earlier run, retained on the broker for this meter's node: removed at the next snapshot
    const t1 = Date.now();
    await ha.publish(CONFIG('old_entity'), '{"name":"left over"}', true);
    await ha.next(CONFIG('old_entity'), t1);
    await sleep(100);
    publisher.publishSnapshot(withEnergy(base, 4.432));
    await ha.next(CONFIG('old_entity'), t1, (m) => m.payload === '');
    expect(renders).toHaveBeenCalledTimes(1);

    // a reading the meter no longer sends: its entity is removed
    const t2 = Date.now();
    publisher.publishSnapshot({ ...withEnergy(base, 4.433), readings: base.readings.filter((x) => x.key !== 'power_import') });
    await ha.next(CONFIG('power_import'), t2, (m) => m.payload === '');
    expect(renders).toHaveBeenCalledTimes(2);

    // another client changes one of our configs on the broker: ours is sent again at the next snapshot
    const t3 = Date.now();
    await ha.publish(CONFIG('energy_import_tariff_1'), '{"name":"changed by someone else"}', true);
    await ha.next(CONFIG('energy_import_tariff_1'), t3, (m) => m.payload.includes('someone else'));
    await sleep(100);
    publisher.publishSnapshot({ ...withEnergy(base, 4.434), readings: base.readings.filter((x) => x.key !== 'power_import') });
    const resent = await ha.next(CONFIG('energy_import_tariff_1'), t3, (m) => !m.payload.includes('someone else'));
    expect(JSON.parse(resent.payload)).toMatchObject({ state_topic: STATE });
    expect(renders).toHaveBeenCalledTimes(3);
  });
});
