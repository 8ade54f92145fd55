import { templateContext } from './context';
import { DSMR_SNAPSHOT, EXTRAS, HEAT_SNAPSHOT } from './testing/snapshots';

describe('templateContext', () => {
  const ctx = templateContext(DSMR_SNAPSHOT, EXTRAS);

  it('exposes meter, protocol, times and topic parts', () => {
    expect(ctx.meter).toEqual({
      id: 'E0025000012345678',
      manufacturer_id: 'ISk',
      manufacturer: null,
      model: 'AM550',
      version: '5.0',
      medium: 'electricity',
      identification: null,
    });
    expect([ctx.protocol, ctx.time, ctx.received_at]).toEqual(['dsmr', '2026-03-01T10:15:00+01:00', '2026-03-01T09:15:02.123Z']);
    expect([ctx.base_topic, ctx.meter_topic_id, ctx.gateway_id]).toEqual(['smi', 'E0025000012345678', 'a1b2c3']);
    expect(ctx.devices).toEqual([{ channel: 1, medium: 'gas', id: 'G0012345678901234' }]);
  });

  it('lists readings with nulls for absent fields', () => {
    expect(ctx.readings).toHaveLength(DSMR_SNAPSHOT.readings.length);
    expect(ctx.readings.find((r) => r.key === 'gas_volume')).toEqual({
      key: 'gas_volume',
      name: 'Gas volume',
      obis: '0-1:24.2.1',
      quantity: 'gas_volume',
      value: 4567.891,
      unit: 'm³',
      channel: 1,
      time: '2026-03-01T10:10:00+01:00',
      raw: null,
      entries: null,
    });
    expect(ctx.readings.find((r) => r.key === 'power_failure_log')?.entries).toEqual([{ time: '2025-11-02T03:10:00+01:00', value: 240, unit: 's' }]);
  });

  it('maps keys to values and units', () => {
    expect(ctx.values).toMatchObject({ energy_import_tariff_1: 1234.567, tariff: '2', power_failures: 4 });
    expect(Object.keys(ctx.values)).toEqual(DSMR_SNAPSHOT.readings.map((r) => r.key));
    expect(ctx.units).toEqual({ energy_import_tariff_1: 'kWh', energy_export_tariff_1: 'kWh', power_import: 'W', voltage_l1: 'V', gas_volume: 'm³' });
  });

  it('handles a snapshot without time, devices or units', () => {
    const heat = templateContext(HEAT_SNAPSHOT, EXTRAS);
    expect([heat.time, heat.devices, heat.values.error_flags, heat.meter.manufacturer_id]).toEqual([null, [], null, 'KAM']);
  });
});
