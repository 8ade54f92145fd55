import { topicId, type MeterInfo } from '@smi/model';

/**
 * Identifier rules for Home Assistant discovery (platform-conventions §0, §1.1, §4.6).
 *
 * - Discovery topic: `<prefix>/<component>/smi_<meterTopicId>/<key>/config`; both levels only
 *   `[a-zA-Z0-9_-]` (HA's TOPIC_MATCHER), via the model's `topicId`.
 * - Device identifier: `smi_<meterTopicId>`; gateway device: `smi_gateway_<installId>`.
 * - unique_id: `smi_<meterTopicId>_<key>_<instance>`. The instance discriminator is the gateway's
 *   MQTT base topic (passed as `instance`, sanitised with `topicId`), the choice zigbee2mqtt makes
 *   (`<device>_<object>_<base topic>`): two gateways on one broker necessarily use different base
 *   topics (their state topics would collide otherwise), and unlike a generated install id the
 *   base topic lives in the user's configuration, so it survives a reinstall or a move from the
 *   add-on to Docker. It changes only when the user changes the base topic, which moves every
 *   state topic anyway.
 * - default_entity_id: a lower-case hint `sensor.meter_<meter id>_<key>`; HA resolves clashes. The
 *   older `object_id` hint is not sent (deprecated in HA 2025.10, removed in 2026.4).
 */
export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';

export function meterTopicId(meter: MeterInfo): string {
  return topicId(meter.id);
}

/** `smi_<meterTopicId>`: HA device identifier and discovery node_id of a meter. */
export function meterDeviceId(meter: MeterInfo): string {
  return `smi_${meterTopicId(meter)}`;
}

/** `smi_gateway_<installId>`: HA device identifier and node_id of the gateway. */
export function gatewayDeviceId(installId: string): string {
  return `smi_gateway_${topicId(installId)}`;
}

export function haUniqueId(meter: MeterInfo, key: string, instance: string): string {
  return `${meterDeviceId(meter)}_${topicId(key)}_${topicId(instance)}`;
}

/** Entity id part: lower-case `[a-z0-9_]`, what HA's `slugify` keeps. */
export function entitySlug(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug === '' ? 'unknown' : slug;
}

export function meterObjectId(meter: MeterInfo, key: string): string {
  return `meter_${entitySlug(meter.id)}_${entitySlug(key)}`;
}

export function configTopic(prefix: string, component: 'sensor' | 'binary_sensor', nodeId: string, objectId: string): string {
  return `${prefix}/${component}/${topicId(nodeId)}/${topicId(objectId)}/config`;
}
