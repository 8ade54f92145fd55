/**
 * Device-based discovery in the publish plan, with the real DSMR 5 frame (Iskra MT382 fixture):
 * one config per meter, the `migrate_discovery` handshake from per-entity configs (and back), and
 * the removal of a vanished reading as a `{ platform }` component.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import { validateHaDeviceConfig } from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import { FIXTURES } from '../test-support/gateway-process';
import { MessageFactory } from './messages';
import { planAnnouncement, type AnnouncementPlan } from './publish-plan';

const METER = 'K8EG004046395507';
const DEVICE = `homeassistant/device/smi_${METER}/config`;
const ENTITY = (key: string): string => `homeassistant/sensor/smi_${METER}/${key}/config`;
const MIGRATE = '{"migrate_discovery":true}';

function factory(discovery: 'entity' | 'device'): MessageFactory {
  const r = validateConfig({ homeassistant: { discovery } });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return new MessageFactory(r.config, 'test');
}

function v5Snapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const ev = d.value.push(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')))[0];
  if (!ev?.ok) throw new Error('the V5 fixture did not decode');
  return ev.snapshot;
}

function plan(f: MessageFactory, snapshot: MeterSnapshot, onBroker: string[], previous: ReadonlySet<string> = new Set()): AnnouncementPlan {
  const configs = f.discoveryMessages(snapshot, previous);
  return planAnnouncement({
    configs,
    states: f.stateMessages(snapshot),
    availabilityTopic: f.topics.meterAvailability(METER),
    online: true,
    announced: new Set(),
    onBroker,
    lastSent: new Map(),
    force: { configs: false, availability: false },
    handover: f.handoverTopics(METER, configs, onBroker),
  });
}

describe('device-based discovery in the publish plan', () => {
  const snapshot = v5Snapshot();
  const keys = snapshot.readings.map((r) => r.key);
  const device = factory('device');

  it('sends one valid device config with all 35 readings as components', () => {
    const p = plan(device, snapshot, []);
    expect(p.messages.map((m) => m.topic)).toEqual([DEVICE, `smi/${METER}/availability`, `smi/${METER}/state`]);
    const payload = JSON.parse(p.messages[0]?.payload ?? '') as { components: Record<string, unknown> };
    expect(Object.keys(payload.components)).toEqual(keys);
    expect(keys).toHaveLength(35);
    expect(validateHaDeviceConfig(payload, DEVICE)).toEqual([]);
  });

  it('migrates per-entity configs: migrate_discovery on each, the device config, then each cleared', () => {
    const old = [ENTITY('energy_import_tariff_1'), ENTITY('power_import'), ENTITY('energy_import')];
    const p = plan(device, snapshot, old);
    expect(p.messages.slice(0, 6).map((m) => [m.topic, m.payload === '' ? '' : m.payload === MIGRATE ? 'migrate' : 'config'])).toEqual([
      [ENTITY('energy_import_tariff_1'), 'migrate'],
      [ENTITY('power_import'), 'migrate'],
      [DEVICE, 'config'],
      [ENTITY('energy_import_tariff_1'), ''],
      [ENTITY('power_import'), ''],
      // a per-entity config whose reading the meter no longer sends is removed, not migrated
      [ENTITY('energy_import'), ''],
    ]);
    expect(p.messages.slice(0, 6).every((m) => m.retain && m.qos === 1)).toBe(true);
    expect(p.migrated).toEqual(old.slice(0, 2));
    expect(p.removed).toEqual(old);
  });

  it('migrates back: migrate_discovery on the device topic, per-entity configs, then the device topic cleared', () => {
    const p = plan(factory('entity'), snapshot, [DEVICE]);
    expect(p.messages[0]).toEqual({ topic: DEVICE, payload: MIGRATE, retain: true, qos: 1 });
    expect(p.messages.slice(1, 36).map((m) => m.topic)).toEqual(keys.map(ENTITY));
    expect(p.messages[36]).toEqual({ topic: DEVICE, payload: '', retain: true, qos: 1 });
    expect(p.migrated).toEqual([DEVICE]);
  });

  it('lists a vanished reading as { platform: sensor } so HA removes it', () => {
    const fewer = { ...snapshot, readings: snapshot.readings.filter((r) => r.key !== 'voltage_l3') };
    const p = plan(device, fewer, [DEVICE], new Set(keys));
    const payload = JSON.parse(p.messages[0]?.payload ?? '') as { components: Record<string, unknown> };
    expect(payload.components.voltage_l3).toEqual({ platform: 'sensor' });
    expect(Object.keys(payload.components)).toHaveLength(35);
    expect(p.removed).toEqual([]);
  });
});
