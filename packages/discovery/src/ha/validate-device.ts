import { validateHaSensorConfig } from './validate';

type Json = Readonly<Record<string, unknown>>;

const TOPIC = /^(.+)\/device\/([a-zA-Z0-9_-]+)\/config$/;
const ID = /^[a-zA-Z0-9_-]+$/;
const SHARED = new Set(['device', 'origin', 'availability_mode', 'availability', 'components', 'state_topic', 'qos', 'encoding']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The §5 checklist for a device-based discovery payload (`<prefix>/device/<id>/config`, §1.2):
 * device and `origin.name` required, a non-empty `components` map with `platform` in every entry,
 * component ids `[a-zA-Z0-9_-]`; a component with more than `platform` must be a valid sensor
 * config once the shared options are merged in (checked by `validateHaSensorConfig` as if it came
 * on `<prefix>/sensor/<id>/<component>/config`, which is how HA processes it). Problems start with
 * the key (`components.power: unit_of_measurement: …`); empty means fine.
 */
export function validateHaDeviceConfig(config: unknown, topic: string): string[] {
  const errors: string[] = [];
  const m = TOPIC.exec(topic);
  if (!m) errors.push(`topic: '${topic}' is not <prefix>/device/<id>/config with an id [a-zA-Z0-9_-]`);
  if (!isObject(config)) return [...errors, 'config: not a JSON object'];
  for (const key of Object.keys(config)) if (!SHARED.has(key)) errors.push(`${key}: not a device discovery key SMI may send`);
  if (!isObject(config.origin) || typeof config.origin.name !== 'string' || config.origin.name === '') {
    errors.push('origin: required in device discovery, with a name');
  }
  if (!isObject(config.device)) errors.push('device: required object');
  const components = config.components;
  if (!isObject(components) || Object.keys(components).length === 0) return [...errors, 'components: required, at least one'];
  const prefix = m?.[1] ?? 'homeassistant';
  const node = m?.[2] ?? 'node';
  const { components: _c, ...shared } = config;
  for (const [id, c] of Object.entries(components)) {
    if (!ID.test(id)) errors.push(`components.${id}: id must be [a-zA-Z0-9_-]`);
    if (!isObject(c) || c.platform !== 'sensor') {
      errors.push(`components.${id}: platform: must be sensor`);
      continue;
    }
    const { platform: _p, ...entity } = c;
    if (Object.keys(entity).length === 0) continue; // removal of that component
    for (const e of validateHaSensorConfig({ ...shared, ...entity }, `${prefix}/sensor/${node}/${id}/config`)) errors.push(`components.${id}: ${e}`);
  }
  return errors;
}
