import type { MeterSnapshot, Reading } from '@smi/model';
import { HEAT_SNAPSHOT } from '../testing/snapshots';
import { HA_OPTS } from '../testing/options';
import { haDeviceDiscovery } from './device-discovery';
import { isHistoryReading } from './history';
import { haMeterDiscovery } from './sensor';
import { validateHaDeviceConfig } from './validate-device';
import { validateHaSensorConfig } from './validate';

const r = (obis: string | undefined, key: string, name: string, value: number | string = 1): Reading => ({
  ...(obis === undefined ? {} : { obis }),
  key,
  name,
  quantity: typeof value === 'number' ? 'energy' : 'unknown',
  value,
  ...(typeof value === 'number' ? { unit: 'kWh' } : {}),
});

const HISTORY: Reading[] = [
  r('1-0:1.8.0*1', 'obis_1_0_1_8_0_1', 'OBIS 1-0:1.8.0*1', 8000.5),
  r('1-0:1.8.0*2', 'obis_1_0_1_8_0_2', 'OBIS 1-0:1.8.0*2', 7900.25),
  r(undefined, 'd0_0_0_c_51_2_1', 'D0 0-0:C.51.2*1', '1140716101053'),
];
const SNAPSHOT: MeterSnapshot = { ...HEAT_SNAPSHOT, readings: [...HEAT_SNAPSHOT.readings, ...HISTORY] };
const topics = (opts = HA_OPTS): string[] => haMeterDiscovery(SNAPSHOT, opts).map((m) => m.topic.split('/')[3] ?? '');

describe('billing history in discovery', () => {
  it('recognises values of earlier billing periods by the OBIS *F suffix (and the D0 codes without OBIS)', () => {
    expect(HISTORY.map(isHistoryReading)).toEqual([true, true, true]);
    expect(isHistoryReading(r('1-0:1.8.0', 'energy_import_total', 'Energy import'))).toBe(false);
    expect(isHistoryReading(r(undefined, 'd0_0_0_c_51_2', 'D0 0-0:C.51.2'))).toBe(false);
    expect(isHistoryReading(r(undefined, 'x', 'Counter *2'))).toBe(false);
  });

  it('omits them by default', () => {
    expect(topics()).toEqual(HEAT_SNAPSHOT.readings.map((x) => x.key));
  });

  it('announces one per value with history: entities', () => {
    expect(topics({ ...HA_OPTS, history: 'entities' })).toEqual(SNAPSHOT.readings.map((x) => x.key));
  });

  it('groups them as attributes of one diagnostic entity with history: attributes', () => {
    const out = haMeterDiscovery(SNAPSHOT, { ...HA_OPTS, history: 'attributes' });
    expect(out.map((m) => m.topic.split('/')[3])).toEqual([...HEAT_SNAPSHOT.readings.map((x) => x.key), 'billing_history']);
    const last = out.at(-1);
    const c = JSON.parse(last?.payload ?? '{}') as Record<string, unknown>;
    expect(c).toMatchObject({
      name: 'Billing history',
      unique_id: 'smi_12345678_billing_history_smi',
      default_entity_id: 'sensor.meter_12345678_billing_history',
      state_topic: 'smi/12345678/state',
      value_template: '{{ 3 }}',
      json_attributes_topic: 'smi/12345678/state',
      json_attributes_template:
        '{{ {"obis_1_0_1_8_0_1": value_json.obis_1_0_1_8_0_1, "obis_1_0_1_8_0_2": value_json.obis_1_0_1_8_0_2, "d0_0_0_c_51_2_1": value_json.d0_0_0_c_51_2_1} | tojson }}',
      entity_category: 'diagnostic',
    });
    expect(c).not.toHaveProperty('state_class');
    expect(validateHaSensorConfig(c, last?.topic)).toEqual([]);
    const device = haDeviceDiscovery(SNAPSHOT, { ...HA_OPTS, history: 'attributes' });
    expect(Object.keys((JSON.parse(device.payload) as { components: object }).components).at(-1)).toBe('billing_history');
    expect(validateHaDeviceConfig(JSON.parse(device.payload), device.topic)).toEqual([]);
  });

  it('omits them when the values are not in one JSON payload (per-value topics)', () => {
    const perValue = {
      ...HA_OPTS,
      history: 'attributes' as const,
      stateTopic: (_m: unknown, x: Reading) => `smi/12345678/${x.key}`,
      valueTemplate: () => '{{ value }}',
    };
    expect(topics(perValue)).toEqual(HEAT_SNAPSHOT.readings.map((x) => x.key));
  });
});
