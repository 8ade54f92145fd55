import { deviceClassRule, HA_BINARY_SENSOR_DEVICE_CLASSES, HA_KNOWN_UNITS, HA_SENSOR_DEVICE_CLASSES, HA_STATE_CLASSES } from './device-classes';

/**
 * The platform-conventions §5 checklist for one per-entity discovery config, plus the key rules
 * of §1.4–1.8. Returns one problem per line, each starting with the offending key
 * (`unit_of_measurement: …`); an empty list means the config is fine. Strict on purpose: it is a
 * test oracle for our own output, so it also rejects unit spellings HA would accept only without
 * a device class (`m3`, `VAr`) and keys HA would silently drop (typos such as `unit_of_measure`).
 *
 * With `topic`, the discovery topic is checked too and decides the component (`sensor` or
 * `binary_sensor`); without it the config is checked as a `sensor`.
 */

type Json = Readonly<Record<string, unknown>>;
type Component = 'sensor' | 'binary_sensor';

const TOPIC = /^(.+)\/(sensor|binary_sensor)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;
const ID = /^[a-zA-Z0-9_-]+$/;
const ENTITY_OBJECT_ID = /^[a-z0-9_]+$/;
const TEMPLATE_KEY = /value_json\.([^\s}|)]+)/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const COMMON_KEYS = [
  'name',
  'unique_id',
  'default_entity_id',
  'state_topic',
  'value_template',
  'device_class',
  'entity_category',
  'enabled_by_default',
  'expire_after',
  'force_update',
  'availability_mode',
  'availability',
  'availability_topic',
  'availability_template',
  'payload_available',
  'payload_not_available',
  'device',
  'origin',
  'json_attributes_topic',
  'json_attributes_template',
  'icon',
  'qos',
  'encoding',
];
const KEYS: Readonly<Record<Component, ReadonlySet<string>>> = {
  sensor: new Set([...COMMON_KEYS, 'state_class', 'unit_of_measurement', 'suggested_display_precision', 'options', 'last_reset_value_template']),
  binary_sensor: new Set([...COMMON_KEYS, 'payload_on', 'payload_off', 'off_delay']),
};

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

function isTopic(v: unknown): v is string {
  return isNonEmptyString(v) && !/[+#\0]/.test(v);
}

function checkTopic(topic: string, errors: string[]): Component {
  const m = TOPIC.exec(topic);
  if (!m) {
    errors.push(`topic: '${topic}' is not <prefix>/<sensor|binary_sensor>/[<node_id>/]<object_id>/config with ids [a-zA-Z0-9_-]`);
    return 'sensor';
  }
  return m[2] === 'binary_sensor' ? 'binary_sensor' : 'sensor';
}

function checkIds(c: Json, component: Component, errors: string[]): void {
  if (!isNonEmptyString(c.unique_id) || !ID.test(c.unique_id)) errors.push('unique_id: required, [a-zA-Z0-9_-] only');
  if (c.object_id !== undefined) errors.push('object_id: removed from Home Assistant in 2026.4; send default_entity_id only');
  if (c.default_entity_id !== undefined) {
    const ok =
      typeof c.default_entity_id === 'string' &&
      c.default_entity_id.startsWith(`${component}.`) &&
      ENTITY_OBJECT_ID.test(c.default_entity_id.slice(component.length + 1));
    if (!ok) errors.push(`default_entity_id: must be ${component}.<[a-z0-9_]>`);
  }
}

function checkName(c: Json, errors: string[]): void {
  if (!('name' in c)) {
    errors.push('name: required (entity part, or null for the main entity)');
    return;
  }
  if (c.name === null) return;
  if (!isNonEmptyString(c.name)) {
    errors.push('name: must be a non-empty string or null');
    return;
  }
  const device = isObject(c.device) && typeof c.device.name === 'string' ? c.device.name.trim() : '';
  if (device !== '' && c.name.toLowerCase().startsWith(device.toLowerCase())) {
    errors.push('name: starts with the device name (HA prefixes it itself)');
  }
}

function checkTemplate(c: Json, errors: string[]): void {
  if (c.value_template === undefined) return;
  if (!isNonEmptyString(c.value_template)) {
    errors.push('value_template: must be a non-empty string');
    return;
  }
  for (const m of c.value_template.matchAll(TEMPLATE_KEY)) {
    if (!IDENTIFIER.test(m[1] ?? '')) errors.push(`value_template: key '${m[1] ?? ''}' is not identifier-safe`);
  }
}

function checkSensorClasses(c: Json, errors: string[]): void {
  const dc = c.device_class;
  const unit = c.unit_of_measurement;
  const sc = c.state_class;
  const rule = typeof dc === 'string' ? deviceClassRule(dc) : undefined;
  if (dc !== undefined && rule === undefined) {
    errors.push(`device_class: '${String(dc)}' is not one of ${Object.keys(HA_SENSOR_DEVICE_CLASSES).join(', ')}`);
  }
  if (unit !== undefined) {
    if (!isNonEmptyString(unit)) errors.push('unit_of_measurement: must be a non-blank string');
    else if (!HA_KNOWN_UNITS.has(unit)) errors.push(`unit_of_measurement: '${unit}' is not an HA unit string`);
  }
  if (rule !== undefined && !rule.units.includes(typeof unit === 'string' ? unit : null)) {
    errors.push(
      unit === undefined
        ? `unit_of_measurement: device_class '${String(dc)}' needs one of ${rule.units.join(', ')}`
        : `unit_of_measurement: '${String(unit)}' is not valid together with device class '${String(dc)}'`,
    );
  }
  if (sc !== undefined) {
    if (typeof sc !== 'string' || !(HA_STATE_CLASSES as readonly string[]).includes(sc)) {
      errors.push(`state_class: '${String(sc)}' is not one of ${HA_STATE_CLASSES.join(', ')}`);
    } else if (rule !== undefined && !(rule.stateClasses as readonly string[]).includes(sc)) {
      errors.push(`state_class: '${sc}' is impossible with device class '${String(dc)}'`);
    }
  }
  if (c.last_reset_value_template !== undefined && sc !== 'total') {
    errors.push('last_reset_value_template: only with state_class total');
  }
  if (c.options !== undefined || dc === 'enum') {
    const opts = c.options;
    if (dc !== 'enum') errors.push('options: only with device_class enum');
    else if (!Array.isArray(opts) || opts.length === 0 || !opts.every((o) => typeof o === 'string')) {
      errors.push('options: device_class enum needs a non-empty list of strings');
    } else if (new Set(opts).size !== opts.length) errors.push('options: duplicates');
  }
  const precision = c.suggested_display_precision;
  if (precision !== undefined && (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 0)) {
    errors.push('suggested_display_precision: must be an integer >= 0');
  }
}

function checkBinarySensor(c: Json, errors: string[]): void {
  if (c.device_class !== undefined && !(typeof c.device_class === 'string' && HA_BINARY_SENSOR_DEVICE_CLASSES.has(c.device_class))) {
    errors.push(`device_class: '${String(c.device_class)}' is not a binary_sensor class SMI uses`);
  }
  for (const key of ['payload_on', 'payload_off']) {
    if (c[key] !== undefined && !isNonEmptyString(c[key])) errors.push(`${key}: must be a non-empty string`);
  }
}

function checkAvailability(c: Json, errors: string[]): void {
  if (c.availability !== undefined && c.availability_topic !== undefined) {
    errors.push('availability: availability and availability_topic are mutually exclusive');
  }
  if (c.availability_topic !== undefined && !isTopic(c.availability_topic)) errors.push('availability_topic: not a topic');
  if (c.availability !== undefined) {
    const list = c.availability;
    if (!Array.isArray(list) || list.length === 0) errors.push('availability: must be a non-empty list');
    else if (!list.every((e) => isObject(e) && isTopic(e.topic))) errors.push('availability: every entry needs a topic');
  }
  const mode = c.availability_mode;
  if (mode !== undefined && !(mode === 'latest' || mode === 'all' || mode === 'any')) {
    errors.push('availability_mode: must be latest, all or any');
  }
}

function checkDevice(c: Json, errors: string[]): void {
  const d = c.device;
  if (!isObject(d)) {
    errors.push('device: required object');
    return;
  }
  const ids = d.identifiers;
  const idList = typeof ids === 'string' ? [ids] : Array.isArray(ids) ? ids : [];
  const hasIds = idList.length > 0 && idList.every(isNonEmptyString);
  const hasConnections = Array.isArray(d.connections) && d.connections.length > 0;
  if (!hasIds && !hasConnections) errors.push('device: must have at least one identifying value in identifiers and/or connections');
  if (ids !== undefined && !hasIds) errors.push('device: identifiers must be non-empty strings');
  if (d.configuration_url !== undefined && !(typeof d.configuration_url === 'string' && URL.canParse(d.configuration_url))) {
    errors.push('device: configuration_url must be a valid URL');
  }
  if (d.via_device !== undefined && !isNonEmptyString(d.via_device)) errors.push('device: via_device must be an identifier');
}

function checkMisc(c: Json, errors: string[]): void {
  const cat = c.entity_category;
  if (cat === 'config') errors.push('entity_category: config cannot be used on sensors and binary sensors');
  else if (cat !== undefined && cat !== 'diagnostic') errors.push(`entity_category: '${String(cat)}' is not diagnostic`);
  const exp = c.expire_after;
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= 0)) {
    errors.push('expire_after: must be a positive integer (seconds)');
  }
  for (const key of ['enabled_by_default', 'force_update']) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') errors.push(`${key}: must be a boolean`);
  }
  if (c.origin !== undefined && !(isObject(c.origin) && isNonEmptyString(c.origin.name))) {
    errors.push('origin: needs a name');
  }
  if (!isTopic(c.state_topic)) errors.push('state_topic: required, no wildcards');
}

export function validateHaSensorConfig(config: unknown, topic?: string): string[] {
  const errors: string[] = [];
  const component = topic === undefined ? 'sensor' : checkTopic(topic, errors);
  if (!isObject(config)) return [...errors, 'config: not a JSON object'];
  for (const key of Object.keys(config)) {
    if (!KEYS[component].has(key)) errors.push(`${key}: not a ${component} key SMI may send`);
  }
  checkIds(config, component, errors);
  checkName(config, errors);
  checkTemplate(config, errors);
  if (component === 'sensor') checkSensorClasses(config, errors);
  else checkBinarySensor(config, errors);
  checkAvailability(config, errors);
  checkDevice(config, errors);
  checkMisc(config, errors);
  return errors;
}
