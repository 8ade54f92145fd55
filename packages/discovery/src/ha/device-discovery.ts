import { topicId, type MeterInfo, type MeterSnapshot } from '@smi/model';
import { retained, type MqttMessage } from '../common/message';
import { haOrigin } from '../common/origin';
import { meterAvailability, meterDevice } from './device';
import { configTopic, DEFAULT_DISCOVERY_PREFIX, meterDeviceId } from './ids';
import { haMeterEntities } from './sensor';
import type { HaDeviceDiscoveryConfig, HaDiscoveryOptions, HaSensorComponent } from './types';

/**
 * Home Assistant device-based discovery (HA ≥ 2024.12, platform-conventions §1.2): one retained
 * message per meter on `<prefix>/device/smi_<meterTopicId>/config` with the device, origin and
 * availability once and one `components` entry per entity of `haMeterEntities` (every reading,
 * with the billing history as `history` says).
 *
 * Identities are those of the per-entity form: HA processes each component as if it came on
 * `<prefix>/<platform>/<device object_id>/<component id>/config`, and the device object id is
 * the per-entity node id `smi_<meter>` and the component id the reading key, so unique ids and
 * discovery ids do not change when a user switches styles (the `migrate_discovery` handshake,
 * `haMigrationMessage`, moves the entities instead of duplicating them).
 *
 * `previous`: component ids announced before (by this run or found retained on the broker).
 * Those not announced now are listed as `{ "platform": "sensor" }`, which makes HA remove that
 * entity. Full key names, like the per-entity form (§1.7).
 */
export function haDeviceDiscovery(snapshot: MeterSnapshot, opts: HaDiscoveryOptions, previous: Iterable<string> = []): MqttMessage {
  const components: Record<string, HaSensorComponent | { readonly platform: 'sensor' }> = {};
  for (const { topic, config } of haMeterEntities(snapshot, opts)) {
    const id = topic.split('/').at(-2) ?? topicId(config.unique_id);
    const { device: _device, origin: _origin, availability_mode: _mode, availability: _availability, ...entity } = config;
    components[id] = { platform: 'sensor', ...entity };
  }
  for (const id of previous) {
    if (!Object.hasOwn(components, id)) components[id] = { platform: 'sensor' };
  }
  const payload: HaDeviceDiscoveryConfig = {
    device: meterDevice(snapshot, opts),
    origin: haOrigin(opts.origin),
    availability_mode: 'all',
    availability: meterAvailability(snapshot, opts),
    components,
  };
  return retained(haDeviceConfigTopic(opts.prefix ?? DEFAULT_DISCOVERY_PREFIX, snapshot.meter), JSON.stringify(payload));
}

/** `<prefix>/device/smi_<meterTopicId>/config`. */
export function haDeviceConfigTopic(prefix: string, meter: MeterInfo): string {
  return `${prefix}/device/${meterDeviceId(meter)}/config`;
}

/** The per-entity config topic a component of a device config corresponds to (same discovery id). */
export function haEntityTopicOfComponent(prefix: string, meter: MeterInfo, componentId: string): string {
  return configTopic(prefix, 'sensor', meterDeviceId(meter), componentId);
}

/**
 * The ids of the live components of a retained device config payload (removal stubs, which carry
 * only `platform`, are not live). Empty for an empty or malformed payload.
 */
export function haDeviceComponentIds(payload: string): string[] {
  if (payload === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const components = (parsed as { components?: unknown; cmps?: unknown }).components ?? (parsed as { cmps?: unknown }).cmps;
  if (typeof components !== 'object' || components === null || Array.isArray(components)) return [];
  return Object.entries(components as Record<string, unknown>)
    .filter(([, c]) => typeof c === 'object' && c !== null && Object.keys(c).some((k) => k !== 'platform' && k !== 'p'))
    .map(([id]) => id);
}

/**
 * The first step of HA's discovery migration (platform-conventions §1.2): `{"migrate_discovery": true}`
 * retained on a config topic of the style being left. HA then keeps the entity (registry entry,
 * history) for the config that follows in the other style with the same discovery id; the old
 * topic is cleared with an empty retained payload afterwards.
 */
export function haMigrationMessage(topic: string): MqttMessage {
  return retained(topic, HA_MIGRATION_PAYLOAD);
}

export const HA_MIGRATION_PAYLOAD = '{"migrate_discovery":true}';
