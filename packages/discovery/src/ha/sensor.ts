import { QUANTITY_DEFINITIONS, type HaStateClass, type MeterSnapshot, type Reading } from '@smi/model';
import { retained, uniqueByTopic, type MqttMessage } from '../common/message';
import { haOrigin } from '../common/origin';
import { deviceClassRule } from './device-classes';
import { meterAvailability, meterDevice, meterDeviceName } from './device';
import { configTopic, DEFAULT_DISCOVERY_PREFIX, haUniqueId, meterDeviceId, meterObjectId } from './ids';
import { DEFAULT_HISTORY_MODE, haHistoryConfig, splitHistory } from './history';
import type { HaDiscoveryOptions, HaSensorConfig } from './types';

/** The HA classification of one reading: what table 1.8 allows for its quantity and actual unit. */
export interface HaSensorClass {
  readonly deviceClass?: string;
  readonly stateClass?: HaStateClass;
  readonly unit?: string;
  readonly precision?: number;
  readonly options?: readonly string[];
  readonly diagnostic: boolean;
}

/**
 * Classifies a reading from its quantity (QUANTITY_DEFINITIONS) and the unit it actually carries.
 *
 * - The unit is the reading's own (the value is in it); the model already converted it to the
 *   quantity's publishing unit when it could.
 * - A device class is kept only when HA accepts the (device_class, unit) pair; a reading without a
 *   unit, or with a unit the class does not take, is announced without a device class (HA would
 *   reject the whole entity otherwise, §1.8 rule 1). Classes that take no unit at all (`enum`,
 *   `timestamp`) keep the class and drop the unit instead.
 * - The state class is kept unless the device class forbids it (`enum`/`timestamp` allow none).
 * - `enum` needs its options; without them the class is dropped.
 * - Display precision only for numeric quantities.
 */
export function classifyReading(reading: Reading): HaSensorClass {
  const def = QUANTITY_DEFINITIONS[reading.quantity];
  let unit: string | undefined = reading.unit;
  let deviceClass = def.deviceClass;
  let stateClass = def.stateClass;
  const rule = deviceClass === undefined ? undefined : deviceClassRule(deviceClass);
  if (rule === undefined) {
    deviceClass = undefined;
  } else if (!rule.units.includes(unit ?? null)) {
    if (rule.units.every((u) => u === null)) unit = undefined;
    else deviceClass = undefined;
  }
  const options = deviceClass === 'enum' ? def.options : undefined;
  if (deviceClass === 'enum' && (options === undefined || options.length === 0)) deviceClass = undefined;
  if (deviceClass !== undefined && rule !== undefined && stateClass !== undefined && !rule.stateClasses.includes(stateClass)) {
    stateClass = undefined;
  }
  return {
    ...(deviceClass === undefined ? {} : { deviceClass }),
    ...(stateClass === undefined ? {} : { stateClass }),
    ...(unit === undefined ? {} : { unit }),
    ...(def.numeric && def.precision !== undefined ? { precision: def.precision } : {}),
    ...(deviceClass === 'enum' && options !== undefined ? { options } : {}),
    diagnostic: def.diagnostic === true,
  };
}

/** The entity part of the name; never starts with the device name (HA warns and strips it, §1.3). */
export function entityName(readingName: string, deviceName: string): string | null {
  const name = readingName.trim();
  const device = deviceName.trim();
  if (device === '' || !name.toLowerCase().startsWith(device.toLowerCase())) return name;
  const rest = name.slice(device.length).trim();
  return rest === '' ? null : rest;
}

export function defaultValueTemplate(key: string): string {
  return `{{ value_json.${key} }}`;
}

export interface HaConfigMessage<C> {
  readonly topic: string;
  readonly config: C;
}

/** Config of one reading's sensor entity and its discovery topic. */
export function haSensorConfig(snapshot: MeterSnapshot, reading: Reading, opts: HaDiscoveryOptions): HaConfigMessage<HaSensorConfig> {
  const { meter } = snapshot;
  const cls = classifyReading(reading);
  const config: HaSensorConfig = {
    name: entityName(reading.name, meterDeviceName(snapshot, opts)),
    unique_id: haUniqueId(meter, reading.key, opts.instance),
    default_entity_id: `sensor.${meterObjectId(meter, reading.key)}`,
    state_topic: opts.stateTopic(meter, reading),
    value_template: (opts.valueTemplate ?? defaultValueTemplate)(reading.key),
    ...(cls.deviceClass === undefined ? {} : { device_class: cls.deviceClass }),
    ...(cls.stateClass === undefined ? {} : { state_class: cls.stateClass }),
    ...(cls.unit === undefined ? {} : { unit_of_measurement: cls.unit }),
    ...(cls.precision === undefined ? {} : { suggested_display_precision: cls.precision }),
    ...(cls.options === undefined ? {} : { options: cls.options }),
    ...(cls.diagnostic ? { entity_category: 'diagnostic' as const } : {}),
    ...(reading.enabledByDefault === false ? { enabled_by_default: false as const } : {}),
    ...(opts.expireAfter !== undefined && opts.expireAfter > 0 ? { expire_after: Math.ceil(opts.expireAfter) } : {}),
    availability_mode: 'all',
    availability: meterAvailability(snapshot, opts),
    device: meterDevice(snapshot, opts),
    origin: haOrigin(opts.origin),
  };
  const topic = configTopic(opts.prefix ?? DEFAULT_DISCOVERY_PREFIX, 'sensor', meterDeviceId(meter), reading.key);
  return { topic, config };
}

/**
 * The sensor entities of one meter, in snapshot order: one per reading, except values of earlier
 * billing periods, which follow `opts.history` (omitted by default, or one `Billing history`
 * entity with them as attributes at the end, or one entity each). Readings with a repeated key
 * (a decoder bug) are announced once, first one wins.
 */
export function haMeterEntities(snapshot: MeterSnapshot, opts: HaDiscoveryOptions): HaConfigMessage<HaSensorConfig>[] {
  const mode = opts.history ?? DEFAULT_HISTORY_MODE;
  const { current, history } = mode === 'entities' ? { current: [...snapshot.readings], history: [] } : splitHistory(snapshot.readings);
  const seen = new Set<string>();
  const out: HaConfigMessage<HaSensorConfig>[] = [];
  for (const reading of current) {
    const entity = haSensorConfig(snapshot, reading, opts);
    if (seen.has(entity.topic)) continue;
    seen.add(entity.topic);
    out.push(entity);
  }
  const grouped = mode === 'attributes' ? haHistoryConfig(snapshot, history, opts) : undefined;
  if (grouped !== undefined && !seen.has(grouped.topic)) out.push(grouped);
  return out;
}

/**
 * Home Assistant per-entity discovery for one meter: one retained QoS 1 config per entity of
 * `haMeterEntities` on `<prefix>/sensor/smi_<meterTopicId>/<key>/config` (platform-conventions §1, §4).
 *
 * Every reading becomes a sensor of its `value`, including buffers (`entries`, e.g. the power
 * failure log): the sensor shows the value the decoder put next to the entries (their count);
 * the entries themselves are not an HA state (255-character limit) and stay available to
 * templates. A per-reading capture `time` (DSMR gas) is not a separate entity. Sub-meters (DSMR
 * channels) belong to the meter's device; their keys are already distinct (`gas_volume`).
 */
export function haMeterDiscovery(snapshot: MeterSnapshot, opts: HaDiscoveryOptions): MqttMessage[] {
  return uniqueByTopic(haMeterEntities(snapshot, opts).map(({ topic, config }) => retained(topic, JSON.stringify(config))));
}
