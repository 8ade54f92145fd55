import type { MeterSnapshot, Reading } from '@smi/model';
import { DSMR_SNAPSHOT, HEAT_SNAPSHOT } from '../testing/snapshots';
import { HA_OPTS } from '../testing/options';
import { classifyReading, entityName, haMeterDiscovery } from './sensor';
import { validateHaSensorConfig } from './validate';

type Config = Record<string, unknown>;

function configs(snapshot: MeterSnapshot, opts = HA_OPTS): Map<string, Config> {
  return new Map(haMeterDiscovery(snapshot, opts).map((m) => [m.topic, JSON.parse(m.payload) as Config]));
}

const P = 'homeassistant/sensor/smi_E0025000012345678';
const DSMR_DEVICE = {
  identifiers: ['smi_E0025000012345678'],
  name: 'Electricity meter E0025000012345678',
  manufacturer: 'Iskraemeco',
  model: 'AM550',
  serial_number: 'E0025000012345678',
  via_device: 'smi_gateway_a1b2c3',
};
const AVAILABILITY = {
  availability_mode: 'all',
  availability: [{ topic: 'smi/gateway/availability' }, { topic: 'smi/E0025000012345678/availability' }],
};
const ORIGIN = { name: 'Smart Meter Interop', sw_version: '0.4.0', support_url: 'https://example.invalid/smi' };

describe('haMeterDiscovery (DSMR meter with gas channel)', () => {
  const out = haMeterDiscovery(DSMR_SNAPSHOT, HA_OPTS);
  const byTopic = configs(DSMR_SNAPSHOT);

  it('publishes one retained QoS 1 config per reading on <prefix>/sensor/smi_<id>/<key>/config', () => {
    expect(out.map((m) => m.topic)).toEqual(DSMR_SNAPSHOT.readings.map((r) => `${P}/${r.key}/config`));
    expect(out.every((m) => m.retain && m.qos === 1)).toBe(true);
  });

  it('passes the validator for every config', () => {
    for (const m of out) expect([m.topic, validateHaSensorConfig(JSON.parse(m.payload), m.topic)]).toEqual([m.topic, []]);
  });

  it('announces an energy register exactly as platform-conventions §1.10', () => {
    expect(byTopic.get(`${P}/energy_import_tariff_1/config`)).toEqual({
      name: 'Energy import tariff 1',
      unique_id: 'smi_E0025000012345678_energy_import_tariff_1_smi',
      default_entity_id: 'sensor.meter_e0025000012345678_energy_import_tariff_1',
      state_topic: 'smi/E0025000012345678/state',
      value_template: '{{ value_json.energy_import_tariff_1 }}',
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      suggested_display_precision: 3,
      ...AVAILABILITY,
      device: DSMR_DEVICE,
      origin: ORIGIN,
    });
  });

  it('announces power, voltage and current as measurements', () => {
    expect(byTopic.get(`${P}/power_import/config`)).toMatchObject({
      device_class: 'power',
      state_class: 'measurement',
      unit_of_measurement: 'W',
      suggested_display_precision: 0,
    });
    expect(byTopic.get(`${P}/voltage_l1/config`)).toMatchObject({
      name: 'Voltage L1',
      device_class: 'voltage',
      state_class: 'measurement',
      unit_of_measurement: 'V',
      suggested_display_precision: 1,
    });
    expect(byTopic.get(`${P}/current_l1/config`)).toMatchObject({ device_class: 'current', unit_of_measurement: 'A' });
  });

  it('announces the gas register in m³ (U+00B3) under the meter device', () => {
    const gas = byTopic.get(`${P}/gas_volume/config`);
    expect(gas).toMatchObject({
      name: 'Gas volume',
      unique_id: 'smi_E0025000012345678_gas_volume_smi',
      device_class: 'gas',
      state_class: 'total',
      unit_of_measurement: 'm\u00b3',
      suggested_display_precision: 3,
      device: DSMR_DEVICE,
    });
  });

  it('announces the tariff as enum with options and no unit or state class', () => {
    const tariff = byTopic.get(`${P}/tariff/config`);
    expect(tariff).toMatchObject({ device_class: 'enum', options: ['0', '1', '2', '3', '4'] });
    expect(tariff).not.toHaveProperty('state_class');
    expect(tariff).not.toHaveProperty('unit_of_measurement');
    expect(tariff).not.toHaveProperty('entity_category');
  });

  it('announces the meter time as a diagnostic timestamp without state class', () => {
    const time = byTopic.get(`${P}/meter_time/config`);
    expect(time).toMatchObject({ device_class: 'timestamp', entity_category: 'diagnostic' });
    expect(time).not.toHaveProperty('state_class');
    expect(time).not.toHaveProperty('suggested_display_precision');
  });

  it('announces the equipment id as a diagnostic text sensor', () => {
    const id = byTopic.get(`${P}/equipment_id/config`);
    expect(id).toMatchObject({ name: 'Equipment identifier', entity_category: 'diagnostic' });
    for (const key of ['device_class', 'state_class', 'unit_of_measurement', 'suggested_display_precision']) {
      expect(id).not.toHaveProperty(key);
    }
  });

  it('announces counters without unit; the buffer as a disabled sensor of its value', () => {
    expect(byTopic.get(`${P}/power_failures/config`)).toMatchObject({ state_class: 'total_increasing', suggested_display_precision: 0 });
    expect(byTopic.get(`${P}/power_failures/config`)).not.toHaveProperty('enabled_by_default');
    const log = byTopic.get(`${P}/power_failure_log/config`);
    expect(log).toMatchObject({ enabled_by_default: false, value_template: '{{ value_json.power_failure_log }}' });
    expect(log).not.toHaveProperty('device_class');
  });

  it('makes unique ids unique and stable', () => {
    const ids = [...byTopic.values()].map((c) => c.unique_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(haMeterDiscovery(DSMR_SNAPSHOT, HA_OPTS)).toEqual(out);
  });

  it('never starts a name with the device name', () => {
    for (const c of byTopic.values()) expect(String(c.name).startsWith('Electricity meter')).toBe(false);
  });
});

describe('haMeterDiscovery (M-Bus heat meter)', () => {
  const byTopic = configs(HEAT_SNAPSHOT);
  const H = 'homeassistant/sensor/smi_12345678';

  it('validates every config', () => {
    for (const [topic, c] of byTopic) expect([topic, validateHaSensorConfig(c, topic)]).toEqual([topic, []]);
  });

  it('maps heat quantities onto HA classes', () => {
    expect(byTopic.get(`${H}/heat_energy/config`)).toMatchObject({ device_class: 'energy', state_class: 'total', unit_of_measurement: 'kWh' });
    expect(byTopic.get(`${H}/volume_flow/config`)).toMatchObject({ device_class: 'volume_flow_rate', state_class: 'measurement', unit_of_measurement: 'm³/h' });
    expect(byTopic.get(`${H}/flow_temperature/config`)).toMatchObject({ device_class: 'temperature', unit_of_measurement: '°C' });
    expect(byTopic.get(`${H}/operating_time/config`)).toMatchObject({ device_class: 'duration', unit_of_measurement: 's' });
    // a volume of unknown medium: HA's generic volume class (a real heat meter's volume is water_volume)
    expect(byTopic.get(`${H}/volume/config`)).toMatchObject({ device_class: 'volume', state_class: 'total', unit_of_measurement: 'm³' });
    const dt = byTopic.get(`${H}/temperature_difference/config`);
    expect(dt).toMatchObject({ state_class: 'measurement', unit_of_measurement: 'K' });
    expect(dt).not.toHaveProperty('device_class');
  });

  it('builds the device block from the FLAG id and the firmware reading', () => {
    expect(byTopic.get(`${H}/heat_energy/config`)?.device).toEqual({
      identifiers: ['smi_12345678'],
      name: 'Heat meter 12345678',
      manufacturer: 'Kamstrup',
      model: 'MULTICAL 603',
      serial_number: '12345678',
      sw_version: '2.01',
      via_device: 'smi_gateway_a1b2c3',
    });
  });
});

describe('options', () => {
  it('honours prefix, value template, per-reading state topics, expire_after and device name', () => {
    const out = haMeterDiscovery(HEAT_SNAPSHOT, {
      ...HA_OPTS,
      prefix: 'ha-test',
      instance: 'home/smi',
      stateTopic: (meter, reading) => `home/smi/${meter.id}/${reading.key}`,
      valueTemplate: () => '{{ value }}',
      expireAfter: 900,
      deviceName: () => 'Heating',
    });
    const first = out[0];
    expect(first?.topic).toBe('ha-test/sensor/smi_12345678/heat_energy/config');
    expect(JSON.parse(first?.payload ?? '{}')).toMatchObject({
      unique_id: 'smi_12345678_heat_energy_home_smi',
      state_topic: 'home/smi/12345678/heat_energy',
      value_template: '{{ value }}',
      expire_after: 900,
      device: { name: 'Heating' },
    });
    for (const m of out) expect(validateHaSensorConfig(JSON.parse(m.payload), m.topic)).toEqual([]);
  });

  it('sends expire_after only as a positive integer', () => {
    const payload = (expireAfter: number) => JSON.parse(haMeterDiscovery(HEAT_SNAPSHOT, { ...HA_OPTS, expireAfter })[0]?.payload ?? '{}') as Config;
    expect(payload(12.5).expire_after).toBe(13);
    expect(payload(0)).not.toHaveProperty('expire_after');
  });

  it('sanitises meter ids into topic ids', () => {
    const snapshot: MeterSnapshot = { ...HEAT_SNAPSHOT, meter: { id: '1 ESY:116.1234' } };
    const [m] = haMeterDiscovery(snapshot, HA_OPTS);
    expect(m?.topic).toBe('homeassistant/sensor/smi_1_ESY_116_1234/heat_energy/config');
    const c = JSON.parse(m?.payload ?? '{}') as Config;
    expect(c).toMatchObject({ unique_id: 'smi_1_ESY_116_1234_heat_energy_smi', default_entity_id: 'sensor.meter_1_esy_116_1234_heat_energy' });
    expect(validateHaSensorConfig(c, m?.topic)).toEqual([]);
  });

  it('announces a repeated key once', () => {
    const r = HEAT_SNAPSHOT.readings[0] as Reading;
    expect(haMeterDiscovery({ ...HEAT_SNAPSHOT, readings: [r, { ...r, value: 1 }] }, HA_OPTS)).toHaveLength(1);
  });
});

describe('classifyReading', () => {
  const base = { key: 'x', name: 'X', value: 1 } as const;
  it.each<[string, Reading, object]>([
    ['power without unit drops the class, keeps the state class', { ...base, quantity: 'power' }, { stateClass: 'measurement', precision: 0 }],
    [
      'energy in a unit HA refuses for energy drops the class',
      { ...base, quantity: 'energy', unit: 'varh' },
      { stateClass: 'total', unit: 'varh', precision: 3 },
    ],
    [
      'power factor has no unit and keeps its class',
      { ...base, quantity: 'power_factor' },
      { deviceClass: 'power_factor', stateClass: 'measurement', precision: 3 },
    ],
    [
      'reactive power keeps lower-case var',
      { ...base, quantity: 'reactive_power', unit: 'var' },
      { deviceClass: 'reactive_power', stateClass: 'measurement', unit: 'var', precision: 0 },
    ],
    ['reactive energy has no class (older HA)', { ...base, quantity: 'reactive_energy', unit: 'varh' }, { stateClass: 'total', unit: 'varh', precision: 0 }],
    [
      'a timestamp with a stray unit keeps the class and drops the unit',
      { ...base, quantity: 'timestamp', unit: 's' },
      { deviceClass: 'timestamp', diagnostic: true },
    ],
    ['unknown OBIS is diagnostic text', { ...base, quantity: 'unknown' }, { diagnostic: true }],
  ])('%s', (_label, reading, expected) => {
    expect(classifyReading(reading)).toEqual({ diagnostic: false, ...expected });
  });
});

describe('entityName', () => {
  it.each([
    ['Energy import', 'Electricity meter 1', 'Energy import'],
    ['Electricity meter 1 energy', 'Electricity meter 1', 'energy'],
    ['Electricity meter 1', 'Electricity meter 1', null],
  ])('%s on %s → %s', (name, device, expected) => expect(entityName(name, device)).toBe(expected));
});
