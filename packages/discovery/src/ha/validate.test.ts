import { DSMR_SNAPSHOT } from '../testing/snapshots';
import { HA_OPTS } from '../testing/options';
import { haMeterDiscovery } from './sensor';
import { validateHaSensorConfig } from './validate';

type Config = Record<string, unknown>;

const GOOD_TOPIC = 'homeassistant/sensor/smi_E0025000012345678/energy_import_tariff_1/config';
const energy = haMeterDiscovery(DSMR_SNAPSHOT, HA_OPTS).find((m) => m.topic === GOOD_TOPIC);
const GOOD: Config = JSON.parse(energy?.payload ?? '{}') as Config;

function without(key: string): Config {
  const copy = { ...GOOD };
  delete copy[key];
  return copy;
}

const ENUM: Config = {
  ...without('unit_of_measurement'),
  device_class: 'enum',
  options: ['1', '2'],
  state_class: undefined,
  suggested_display_precision: undefined,
};

describe('validateHaSensorConfig', () => {
  it('accepts a generated config', () => {
    expect(GOOD).toMatchObject({ device_class: 'energy', unit_of_measurement: 'kWh', state_class: 'total' });
    expect(validateHaSensorConfig(GOOD, GOOD_TOPIC)).toEqual([]);
    expect(validateHaSensorConfig(JSON.parse(JSON.stringify(ENUM)))).toEqual([]);
  });

  // [case, config, topic, key the first problem must name]
  it.each<[string, unknown, string, string]>([
    ['ASCII m3 on gas', { ...GOOD, device_class: 'gas', unit_of_measurement: 'm3' }, GOOD_TOPIC, 'unit_of_measurement'],
    ['m3 even without a device class', { ...without('device_class'), unit_of_measurement: 'm3' }, GOOD_TOPIC, 'unit_of_measurement'],
    [
      'VAr instead of var',
      { ...GOOD, device_class: 'reactive_power', state_class: 'measurement', unit_of_measurement: 'VAr' },
      GOOD_TOPIC,
      'unit_of_measurement',
    ],
    ['kW on energy', { ...GOOD, unit_of_measurement: 'kW' }, GOOD_TOPIC, 'unit_of_measurement'],
    ['A on power', { ...GOOD, device_class: 'power', state_class: 'measurement', unit_of_measurement: 'A' }, GOOD_TOPIC, 'unit_of_measurement'],
    ['lower-case kwh', { ...GOOD, unit_of_measurement: 'kwh' }, GOOD_TOPIC, 'unit_of_measurement'],
    ['energy without unit', without('unit_of_measurement'), GOOD_TOPIC, 'unit_of_measurement'],
    ['blank unit', { ...without('device_class'), unit_of_measurement: ' ' }, GOOD_TOPIC, 'unit_of_measurement'],
    ['measurement on energy', { ...GOOD, state_class: 'measurement' }, GOOD_TOPIC, 'state_class'],
    ['unknown state class', { ...GOOD, state_class: 'totally' }, GOOD_TOPIC, 'state_class'],
    [
      'state class on a timestamp',
      { ...without('unit_of_measurement'), device_class: 'timestamp', state_class: 'measurement', suggested_display_precision: undefined },
      GOOD_TOPIC,
      'state_class',
    ],
    ['unknown device class', { ...GOOD, device_class: 'electricity' }, GOOD_TOPIC, 'device_class'],
    [
      'last_reset with total_increasing',
      { ...GOOD, state_class: 'total_increasing', last_reset_value_template: '{{ 0 }}' },
      GOOD_TOPIC,
      'last_reset_value_template',
    ],
    ['entity_category config', { ...GOOD, entity_category: 'config' }, GOOD_TOPIC, 'entity_category'],
    ['options without enum', { ...GOOD, options: ['a'] }, GOOD_TOPIC, 'options'],
    ['enum without options', { ...ENUM, options: undefined }, GOOD_TOPIC, 'options'],
    ['enum with a unit', { ...ENUM, unit_of_measurement: 'kWh' }, GOOD_TOPIC, 'unit_of_measurement'],
    ['device without identifiers', { ...GOOD, device: { name: 'x' } }, GOOD_TOPIC, 'device'],
    ['device with empty identifiers', { ...GOOD, device: { identifiers: [] } }, GOOD_TOPIC, 'device'],
    ['no device', without('device'), GOOD_TOPIC, 'device'],
    ['bad configuration_url', { ...GOOD, device: { identifiers: ['x'], configuration_url: 'not a url' } }, GOOD_TOPIC, 'device'],
    ['origin without name', { ...GOOD, origin: { sw_version: '1' } }, GOOD_TOPIC, 'origin'],
    ['OBIS dots in the topic', GOOD, 'homeassistant/sensor/smi_1/1.8.0/config', 'topic'],
    ['colon in the node id', GOOD, 'homeassistant/sensor/smi:1/energy/config', 'topic'],
    ['unsupported component', GOOD, 'homeassistant/light/smi_1/energy/config', 'topic'],
    ['missing unique_id', without('unique_id'), GOOD_TOPIC, 'unique_id'],
    ['unique_id with spaces', { ...GOOD, unique_id: 'smi 1' }, GOOD_TOPIC, 'unique_id'],
    ['missing name', without('name'), GOOD_TOPIC, 'name'],
    ['name starting with the device name', { ...GOOD, name: 'Electricity meter E0025000012345678 energy' }, GOOD_TOPIC, 'name'],
    ['wildcard state topic', { ...GOOD, state_topic: 'smi/+/state' }, GOOD_TOPIC, 'state_topic'],
    ['dotted key in value_template', { ...GOOD, value_template: '{{ value_json.1.8.0 }}' }, GOOD_TOPIC, 'value_template'],
    ['negative precision', { ...GOOD, suggested_display_precision: -1 }, GOOD_TOPIC, 'suggested_display_precision'],
    ['fractional expire_after', { ...GOOD, expire_after: 1.5 }, GOOD_TOPIC, 'expire_after'],
    ['availability and availability_topic', { ...GOOD, availability_topic: 'smi/a' }, GOOD_TOPIC, 'availability'],
    ['availability entry without topic', { ...GOOD, availability: [{ payload_available: 'on' }] }, GOOD_TOPIC, 'availability'],
    ['bad availability mode', { ...GOOD, availability_mode: 'every' }, GOOD_TOPIC, 'availability_mode'],
    ['typo in a key', { ...GOOD, unit_of_measure: 'kWh' }, GOOD_TOPIC, 'unit_of_measure'],
    ['object_id (removed in HA 2026.4)', { ...GOOD, object_id: 'meter_1' }, GOOD_TOPIC, 'object_id'],
    ['default_entity_id with capitals', { ...GOOD, default_entity_id: 'sensor.Meter_1' }, GOOD_TOPIC, 'default_entity_id'],
    [
      'default_entity_id of another domain',
      { ...GOOD, default_entity_id: 'binary_sensor.meter_e0025000012345678_energy_import_tariff_1' },
      GOOD_TOPIC,
      'default_entity_id',
    ],
    ['enabled_by_default as text', { ...GOOD, enabled_by_default: 'false' }, GOOD_TOPIC, 'enabled_by_default'],
    ['unit on a binary sensor', { ...GOOD }, 'homeassistant/binary_sensor/smi_1/x/config', 'state_class'],
    ['not an object', [GOOD], GOOD_TOPIC, 'config'],
  ])('rejects %s', (_label, config, topic, key) => {
    const errors = validateHaSensorConfig(JSON.parse(JSON.stringify(config)) as unknown, topic);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.split(':')[0])).toContain(key);
  });
});
