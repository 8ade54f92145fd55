import { buildReading } from './reading';

describe('buildReading', () => {
  it('converts meter units to the publishing unit of the quantity', () => {
    expect(buildReading({ obis: '1-0:1.7.0', value: 0.244, unit: 'kW' })).toMatchObject({ key: 'power_import', value: 244, unit: 'W', quantity: 'power' });
    expect(buildReading({ obis: '1-0:1.8.0', value: 6545766, unit: 'Wh' })).toMatchObject({ value: 6545.766, unit: 'kWh' });
    expect(buildReading({ obis: '0-1:24.2.1', value: 0.107, unit: 'm3' }, { medium: 'gas' })).toMatchObject({ key: 'gas_volume', value: 0.107, unit: 'm³' });
    expect(buildReading({ obis: '1-0:3.7.0', value: 0.5, unit: 'kVAr' })).toMatchObject({ value: 500, unit: 'var' });
  });

  it('follows the unit when the code cannot take it (DSMR 3 limiter in A)', () => {
    expect(buildReading({ obis: '0-0:17.0.0', value: 16, unit: 'A' })).toMatchObject({ quantity: 'current', value: 16, unit: 'A' });
  });

  it('types unknown codes by their unit', () => {
    expect(buildReading({ obis: '1-0:96.99.9', value: 12, unit: 'kWh' })).toMatchObject({ quantity: 'energy', unit: 'kWh', value: 12 });
    expect(buildReading({ obis: '1-0:96.99.9', value: 'x' })).toMatchObject({ quantity: 'unknown', value: 'x' });
  });

  it('keeps text values and optional fields', () => {
    const r = buildReading({ obis: '0-0:96.1.1', value: 'K8EG004046395507', raw: '4B38', channel: 2, time: '2017-01-02T19:20:02+01:00' });
    expect(r).toEqual({
      obis: '0-0:96.1.1',
      key: 'equipment_id',
      name: 'Equipment identifier',
      quantity: 'identifier',
      value: 'K8EG004046395507',
      raw: '4B38',
      channel: 2,
      time: '2017-01-02T19:20:02+01:00',
    });
    expect(r).not.toHaveProperty('unit');
  });
});
