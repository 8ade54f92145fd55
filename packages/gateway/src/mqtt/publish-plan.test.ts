/**
 * The publish plan is pure: these tests feed it the discovery configs and states the gateway
 * renders for a real DSMR 5 frame (Iskra MT382 fixture) and check exactly what it would send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import { FIXTURES } from '../test-support/gateway-process';
import { MessageFactory, OutputConfigError, type OutboundMessage } from './messages';
import { applyLastSent, payloadDigest, planAnnouncement, type AnnounceForce, type AnnouncementPlan, type PayloadDigest } from './publish-plan';

const METER = 'K8EG004046395507';
const CONFIG = (key: string): string => `homeassistant/sensor/smi_${METER}/${key}/config`;
const AVAILABILITY = `smi/${METER}/availability`;
const STATE = `smi/${METER}/state`;
const QUIET: AnnounceForce = { configs: false, availability: false };

function factory(output: Record<string, string> = {}): MessageFactory {
  const r = validateConfig({ output });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return new MessageFactory(r.config, 'test');
}

function v5Snapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const events = d.value.push(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')));
  const ev = events[0];
  if (events.length !== 1 || !ev?.ok) throw new Error('the V5 fixture did not decode');
  return ev.snapshot;
}

/** What the publisher remembers between announcements of the meter. */
interface Memory {
  announced: ReadonlySet<string>;
  lastSent: Map<string, PayloadDigest>;
  onBroker: string[];
}

const fresh = (): Memory => ({ announced: new Set(), lastSent: new Map(), onBroker: [] });

/** Plans like the publisher does (configs rendered, states rendered) and applies the next state to `memory`. */
function announce(memory: Memory, snapshot: MeterSnapshot, force: AnnounceForce, online = true, f = factory()): AnnouncementPlan {
  const plan = planAnnouncement({
    configs: f.discoveryMessages(snapshot),
    states: f.stateMessages(snapshot),
    availabilityTopic: f.topics.meterAvailability(snapshot.meter.id),
    online,
    announced: memory.announced,
    onBroker: memory.onBroker,
    lastSent: memory.lastSent,
    force,
  });
  memory.announced = plan.nextState.announced;
  applyLastSent(memory.lastSent, plan.nextState.lastSent);
  return plan;
}

const topicsOf = (messages: readonly OutboundMessage[]): string[] => messages.map((m) => m.topic);
const energy = (m: OutboundMessage | undefined): unknown => (JSON.parse(m?.payload ?? '{}') as Record<string, unknown>)['energy_import_tariff_1'];

function withReadings(s: MeterSnapshot, keep: (key: string) => boolean, tariff1 = 4.426): MeterSnapshot {
  return { ...s, readings: s.readings.filter((r) => keep(r.key)).map((r) => (r.key === 'energy_import_tariff_1' ? { ...r, value: tariff1 } : r)) };
}

describe('planAnnouncement (what MqttPublisher.announce sends)', () => {
  const snapshot = v5Snapshot();
  const configTopics = snapshot.readings.map((r) => CONFIG(r.key));

  it('first announce: every discovery config, then the meter availability, then the state', () => {
    const memory = fresh();
    const plan = announce(memory, snapshot, QUIET);
    expect(configTopics).toHaveLength(35);
    expect(topicsOf(plan.messages)).toEqual([...configTopics, AVAILABILITY, STATE]);
    expect(plan.messages.slice(0, 35).every((m) => m.retain && m.qos === 1 && m.payload.startsWith('{'))).toBe(true);
    expect(JSON.parse(plan.messages[3]?.payload ?? '')).toMatchObject({
      unique_id: `smi_${METER}_energy_import_tariff_1_smi`,
      unit_of_measurement: 'kWh',
      device_class: 'energy',
      state_topic: STATE,
    });
    expect(plan.messages[35]).toEqual({ topic: AVAILABILITY, payload: 'online', retain: true, qos: 1 });
    expect(energy(plan.messages[36])).toBe(4.426);
    expect(plan.removed).toEqual([]);
    expect([...memory.announced]).toEqual(configTopics);
    // configs and availability are remembered by their payloads' digests; the state (always sent) is not digested
    expect(memory.lastSent.size).toBe(36);
    expect(memory.lastSent.get(AVAILABILITY)).toBe(payloadDigest('online'));
    expect(memory.lastSent.get(CONFIG('power_import'))).toBe(payloadDigest(plan.messages[8]?.payload ?? ''));
    expect(plan.nextState.lastSent.has(STATE)).toBe(true);
    expect(plan.nextState.lastSent.get(STATE)).toBeUndefined();
    expect(memory.lastSent.has(STATE)).toBe(false);
  });

  it('a retained state leaves its topic unknown: a later message there that is not forced is sent, even with the same payload', () => {
    const memory = fresh();
    memory.lastSent.set(STATE, payloadDigest('online')); // e.g. left from an earlier message on that topic
    const plain = (states: OutboundMessage[], availabilityTopic = AVAILABILITY): AnnouncementPlan => {
      const plan = planAnnouncement({
        configs: undefined,
        states,
        availabilityTopic,
        online: true,
        announced: memory.announced,
        onBroker: [],
        lastSent: memory.lastSent,
        force: QUIET,
      });
      applyLastSent(memory.lastSent, plan.nextState.lastSent);
      return plan;
    };
    const state: OutboundMessage = { topic: STATE, payload: 'online', retain: true, qos: 0 };
    expect(plain([state]).messages).toEqual([{ topic: AVAILABILITY, payload: 'online', retain: true, qos: 1 }, state]);
    expect(memory.lastSent.has(STATE)).toBe(false);
    // the same text on the state topic, not forced (availability published there): sent, not taken for a repeat
    expect(plain([], STATE).messages).toEqual([{ topic: STATE, payload: 'online', retain: true, qos: 1 }]);
    expect(memory.lastSent.get(STATE)).toBe(payloadDigest('online'));
    // and that one is digested, so it dedups as before
    expect(plain([], STATE).messages).toEqual([]);
  });

  it('an unchanged retained config or availability is not sent again; the state always is', () => {
    const memory = fresh();
    announce(memory, snapshot, QUIET);
    const plan = announce(
      memory,
      withReadings(snapshot, () => true, 4.5),
      QUIET,
    );
    expect(topicsOf(plan.messages)).toEqual([STATE]);
    expect(energy(plan.messages[0])).toBe(4.5);
    expect(plan.nextState.lastSent.size).toBe(1);
    // a config whose payload differs from what we sent last (an older gateway version) goes out again, alone
    memory.lastSent.set(CONFIG('voltage_l1'), payloadDigest('{"name":"old"}'));
    expect(topicsOf(announce(memory, snapshot, QUIET).messages)).toEqual([CONFIG('voltage_l1'), STATE]);
  });

  it('a reading that vanished removes its config with an empty retained payload, before availability and state', () => {
    const memory = fresh();
    announce(memory, snapshot, QUIET);
    const gone = ['voltage_l3', 'current_l3'];
    const plan = announce(
      memory,
      withReadings(snapshot, (k) => !gone.includes(k)),
      QUIET,
    );
    expect(plan.messages).toEqual([
      { topic: CONFIG('voltage_l3'), payload: '', retain: true, qos: 1 },
      { topic: CONFIG('current_l3'), payload: '', retain: true, qos: 1 },
      expect.objectContaining({ topic: STATE }),
    ]);
    expect(plan.removed).toEqual([CONFIG('voltage_l3'), CONFIG('current_l3')]);
    expect(memory.announced.size).toBe(33);
    expect(memory.announced.has(CONFIG('voltage_l3'))).toBe(false);
    expect(memory.lastSent.has(CONFIG('voltage_l3'))).toBe(false);
    // removed once: the next announce sends only the state
    expect(
      topicsOf(
        announce(
          memory,
          withReadings(snapshot, (k) => !gone.includes(k)),
          QUIET,
        ).messages,
      ),
    ).toEqual([STATE]);
  });

  it('a config left retained on the broker by an earlier run is removed; current ones seen there are kept', () => {
    const memory = fresh();
    const leftover = CONFIG('energy_import');
    memory.onBroker = [CONFIG('energy_import_tariff_1'), leftover, CONFIG('power_import')];
    const plan = announce(memory, snapshot, QUIET);
    expect(topicsOf(plan.messages)).toEqual([...configTopics, leftover, AVAILABILITY, STATE]);
    expect(plan.messages[35]).toEqual({ topic: leftover, payload: '', retain: true, qos: 1 });
    expect(plan.removed).toEqual([leftover]);
  });

  it('forced re-announce (reconnect) resends configs and availability; a birth with retained configs resends availability only', () => {
    const memory = fresh();
    const first = announce(memory, snapshot, QUIET);
    const reconnect = announce(memory, snapshot, { configs: true, availability: true });
    expect(reconnect.messages).toEqual(first.messages);
    expect(reconnect.removed).toEqual([]);
    // forced configs and availability are still digested, so they dedup afterwards
    expect(memory.lastSent.get(CONFIG('power_import'))).toBe(payloadDigest(reconnect.messages[8]?.payload ?? ''));
    expect(memory.lastSent.size).toBe(36);
    const birth = announce(memory, snapshot, { configs: false, availability: true });
    expect(topicsOf(birth.messages)).toEqual([AVAILABILITY, STATE]);
  });

  it('configs that cannot be rendered send and remove nothing and keep what was announced', () => {
    const memory = fresh();
    announce(memory, snapshot, QUIET);
    const broken = factory({ topic: 'smi/{{ meter.id }}/state', payload: '{{ no_such_function() }}' });
    expect(() => broken.discoveryMessages(snapshot)).toThrow(OutputConfigError);
    expect(() => broken.stateMessages(snapshot)).toThrow(OutputConfigError);
    memory.onBroker = [CONFIG('energy_import')];
    const before = memory.announced;
    // what the publisher passes after the render failure was logged: no configs, no states
    const plan = planAnnouncement({
      configs: undefined,
      states: [],
      availabilityTopic: AVAILABILITY,
      online: true,
      announced: memory.announced,
      onBroker: memory.onBroker,
      lastSent: memory.lastSent,
      force: { configs: true, availability: true },
    });
    expect(plan.messages).toEqual([{ topic: AVAILABILITY, payload: 'online', retain: true, qos: 1 }]);
    expect(plan.removed).toEqual([]);
    expect(plan.nextState.announced).toBe(before);
  });

  it('an offline meter announces availability offline; its configs stay', () => {
    const memory = fresh();
    announce(memory, snapshot, QUIET);
    const plan = announce(memory, snapshot, QUIET, false);
    expect(topicsOf(plan.messages)).toEqual([AVAILABILITY, STATE]);
    expect(plan.messages[0]).toEqual({ topic: AVAILABILITY, payload: 'offline', retain: true, qos: 1 });
    expect(plan.removed).toEqual([]);
    expect(memory.lastSent.get(AVAILABILITY)).toBe(payloadDigest('offline'));
    // back online: the availability changes again
    expect(announce(memory, snapshot, QUIET).messages[0]).toEqual({ topic: AVAILABILITY, payload: 'online', retain: true, qos: 1 });
  });

  it('states that are not retained are sent every time and never remembered', () => {
    const r = validateConfig({ mqtt: { retain: false } });
    if (!r.ok) throw new Error(r.problems.join('; '));
    const memory = fresh();
    const plan = announce(memory, snapshot, QUIET, true, new MessageFactory(r.config, 'test'));
    expect(plan.messages[36]).toMatchObject({ topic: STATE, retain: false });
    expect(memory.lastSent.has(STATE)).toBe(false);
    expect(memory.lastSent.size).toBe(36);
  });

  it('payload digests: equal texts agree, every config of a meter and every one-character change differ', () => {
    const plan = announce(fresh(), snapshot, QUIET);
    const payloads = plan.messages.map((m) => m.payload);
    expect(new Set(payloads.map(payloadDigest)).size).toBe(new Set(payloads).size);
    const config = plan.messages[8]?.payload ?? '';
    expect(payloadDigest(config.slice())).toBe(payloadDigest(config));
    const variants = new Set<number>([payloadDigest(config)]);
    for (let i = 0; i < config.length; i++)
      variants.add(payloadDigest(config.slice(0, i) + String.fromCharCode(config.charCodeAt(i) ^ 1) + config.slice(i + 1)));
    expect(variants.size).toBe(config.length + 1);
    expect(Number.isSafeInteger(payloadDigest(config))).toBe(true);
    expect(payloadDigest('online')).not.toBe(payloadDigest('offline'));
  });
});
