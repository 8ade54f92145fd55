import { DSMR_SNAPSHOT, HEAT_SNAPSHOT } from '../testing/snapshots';
import { HA_OPTS } from '../testing/options';
import { haDeviceComponentIds, haDeviceDiscovery, haEntityTopicOfComponent, haMigrationMessage } from './device-discovery';
import { haMeterDiscovery } from './sensor';
import { validateHaDeviceConfig } from './validate-device';

type Config = Record<string, unknown>;

describe('haDeviceDiscovery', () => {
  const message = haDeviceDiscovery(DSMR_SNAPSHOT, HA_OPTS);
  const payload = JSON.parse(message.payload) as { components: Record<string, Config> } & Config;

  it('publishes one retained QoS 1 message per meter on <prefix>/device/smi_<id>/config', () => {
    expect(message).toMatchObject({ topic: 'homeassistant/device/smi_E0025000012345678/config', retain: true, qos: 1 });
    expect(Object.keys(payload.components)).toEqual(DSMR_SNAPSHOT.readings.map((r) => r.key));
    expect(validateHaDeviceConfig(payload, message.topic)).toEqual([]);
  });

  it('carries device, origin and availability once and the per-entity identity in each component', () => {
    expect(payload).toMatchObject({
      device: { identifiers: ['smi_E0025000012345678'], via_device: 'smi_gateway_a1b2c3' },
      origin: { name: 'Smart Meter Interop', sw_version: '0.4.0' },
      availability_mode: 'all',
      availability: [{ topic: 'smi/gateway/availability' }, { topic: 'smi/E0025000012345678/availability' }],
    });
    expect(payload.components.energy_import_tariff_1).toEqual({
      platform: 'sensor',
      name: 'Energy import tariff 1',
      unique_id: 'smi_E0025000012345678_energy_import_tariff_1_smi',
      default_entity_id: 'sensor.meter_e0025000012345678_energy_import_tariff_1',
      state_topic: 'smi/E0025000012345678/state',
      value_template: '{{ value_json.energy_import_tariff_1 }}',
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      suggested_display_precision: 3,
    });
  });

  it('gives every component the unique_id and the discovery id of its per-entity config', () => {
    const entity = haMeterDiscovery(DSMR_SNAPSHOT, HA_OPTS);
    for (const [id, c] of Object.entries(payload.components)) {
      const topic = haEntityTopicOfComponent('homeassistant', DSMR_SNAPSHOT.meter, id);
      const same = entity.find((m) => m.topic === topic);
      expect([id, (JSON.parse(same?.payload ?? '{}') as Config).unique_id]).toEqual([id, c.unique_id]);
    }
  });

  it('lists a vanished component as { platform } alone, which removes it', () => {
    const m = haDeviceDiscovery(HEAT_SNAPSHOT, HA_OPTS, ['heat_energy', 'old_register']);
    const c = (JSON.parse(m.payload) as { components: Record<string, Config> }).components;
    expect(c.old_register).toEqual({ platform: 'sensor' });
    expect(c.heat_energy).toMatchObject({ unique_id: 'smi_12345678_heat_energy_smi' });
    expect(validateHaDeviceConfig(JSON.parse(m.payload), m.topic)).toEqual([]);
    expect(haDeviceComponentIds(m.payload)).toEqual(HEAT_SNAPSHOT.readings.map((r) => r.key));
  });

  it('reads live component ids back from a retained payload, abbreviated or not', () => {
    expect(haDeviceComponentIds('{"cmps":{"a":{"p":"sensor","uniq_id":"x"},"b":{"p":"sensor"}}}')).toEqual(['a']);
    expect(haDeviceComponentIds('')).toEqual([]);
    expect(haDeviceComponentIds('not json')).toEqual([]);
  });

  it('builds the migration handshake message', () => {
    expect(haMigrationMessage('homeassistant/sensor/smi_1/power/config')).toEqual({
      topic: 'homeassistant/sensor/smi_1/power/config',
      payload: '{"migrate_discovery":true}',
      retain: true,
      qos: 1,
    });
  });
});

describe('validateHaDeviceConfig', () => {
  const { topic, payload } = haDeviceDiscovery(HEAT_SNAPSHOT, HA_OPTS);
  const good = JSON.parse(payload) as Config & { components: Record<string, Config> };
  it.each<[string, unknown, string, string]>([
    ['no origin', { ...good, origin: undefined }, topic, 'origin'],
    ['no components', { ...good, components: {} }, topic, 'components'],
    ['a component without platform', { ...good, components: { a: { unique_id: 'x' } } }, topic, 'components.a'],
    ['a bad unit inside a component', { ...good, components: { v: { ...good.components.volume, unit_of_measurement: 'm3' } } }, topic, 'components.v'],
    ['a sensor topic', good, 'homeassistant/sensor/smi_1/config', 'topic'],
  ])('rejects %s', (_label, config, t, key) => {
    const errors = validateHaDeviceConfig(JSON.parse(JSON.stringify(config)) as unknown, t);
    expect(errors.map((e) => e.split(':')[0])).toContain(key);
  });
});
