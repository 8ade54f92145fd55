import { describeObis, isKnownObis } from './registry';

describe('OBIS registry', () => {
  it.each([
    ['1-0:1.8.0', 'energy_import_total', 'energy'],
    ['1-0:1.8.2', 'energy_import_tariff_2', 'energy'],
    ['1-0:2.8.1', 'energy_export_tariff_1', 'energy'],
    ['1-0:1.7.0', 'power_import', 'power'],
    ['1-0:16.7.0', 'power', 'power'],
    ['1-0:32.7.0', 'voltage_l1', 'voltage'],
    ['1-0:71.7.0', 'current_l3', 'current'],
    ['1-0:56.7.0', 'power_l2', 'power'],
    ['0-0:96.14.0', 'tariff', 'tariff'],
    ['0-0:1.0.0', 'meter_time', 'timestamp'],
    ['0-0:96.7.21', 'power_failures', 'count'],
    ['1-0:1.6.0', 'demand_peak_month', 'power'],
  ])('%s → %s (%s)', (code, key, quantity) => {
    expect(describeObis(code)).toMatchObject({ key, quantity });
  });

  it('names channel readings by the channel medium, numbering channels above 1', () => {
    expect(describeObis('0-1:24.2.1', { medium: 'gas' })).toMatchObject({ key: 'gas_volume', quantity: 'gas_volume' });
    expect(describeObis('0-2:24.2.1', { medium: 'water' })).toMatchObject({
      key: 'water_volume_2',
      name: 'Water volume (channel 2)',
      quantity: 'water_volume',
    });
    expect(describeObis('0-1:24.2.1', { medium: 'heat' })).toMatchObject({ key: 'heat_energy', quantity: 'heat_energy' });
    expect(describeObis('0-3:96.1.0')).toMatchObject({ key: 'channel_equipment_id_3' });
  });

  it('keeps billing periods apart and disabled', () => {
    expect(describeObis('1-0:1.8.0*1')).toMatchObject({ key: 'energy_import_total_f1', enabledByDefault: false });
  });

  it('gives unknown codes a stable generic definition', () => {
    expect(describeObis('1-0:96.5.5')).toEqual({ key: 'obis_1_0_96_5_5', name: 'OBIS 1-0:96.5.5', quantity: 'unknown', enabledByDefault: false });
    expect(isKnownObis('1-0:96.5.5')).toBe(false);
    expect(isKnownObis('1-0:1.8.0')).toBe(true);
  });

  it('has unique keys across the electricity table', () => {
    const codes = [
      '1.8.0',
      '2.8.0',
      '1.8.1',
      '1.8.2',
      '2.8.1',
      '2.8.2',
      '1.7.0',
      '2.7.0',
      '16.7.0',
      '21.7.0',
      '22.7.0',
      '36.7.0',
      '32.7.0',
      '31.7.0',
      '13.7.0',
      '14.7.0',
      '3.8.0',
      '4.8.0',
    ];
    const keys = codes.map((c) => describeObis(`1-0:${c}`).key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
