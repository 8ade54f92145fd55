import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot, Reading } from '@smi/model';
import type { ErrorKind } from '../common';
import { hexBytes as hex } from '../common/testing';
import { encodeLongFrame } from './frame';
import { decodeMbusFrame } from './snapshot';

const fixture = (name: string): Uint8Array => hex(readFileSync(join(__dirname, '../../fixtures/mbus', `${name}.hex`), 'utf8'));

function snapshot(name: string): MeterSnapshot {
  const r = decodeMbusFrame(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.kind} ${r.error.message}`);
  return r.value;
}

function reading(s: MeterSnapshot, key: string): Reading {
  const r = s.readings.find((x) => x.key === key);
  if (!r) throw new Error(`no reading ${key} in ${s.readings.map((x) => x.key).join(', ')}`);
  return r;
}

describe('M-Bus snapshots', () => {
  it('heat meter: fx:mbus/kamstrup_multical_601.hex (libmbus: 37351 kWh, 561.08 m³, 101.69 °C, 34.7 kW)', () => {
    const s = snapshot('kamstrup_multical_601');
    expect(s.protocol).toBe('mbus');
    expect(s.meter).toEqual({
      id: '06855817',
      manufacturerId: 'KAM',
      manufacturer: 'Kamstrup',
      version: '8',
      medium: 'heat',
      identification: '068558172C2D0804',
    });
    expect(reading(s, 'energy')).toMatchObject({ quantity: 'heat_energy', value: 37351, unit: 'kWh', raw: '37351' });
    expect(reading(s, 'volume')).toMatchObject({ quantity: 'water_volume', value: 561.08, unit: 'm³' });
    expect(reading(s, 'flow_temperature')).toMatchObject({ quantity: 'temperature', value: 101.69, unit: '°C' });
    expect(reading(s, 'return_temperature')).toMatchObject({ value: 46.16, unit: '°C' });
    expect(reading(s, 'temperature_difference')).toMatchObject({ quantity: 'temperature_difference', value: 55.53, unit: 'K' });
    expect(reading(s, 'power')).toMatchObject({ quantity: 'power', value: 34700, unit: 'W' });
    expect(reading(s, 'power_max')).toMatchObject({ value: 44800, name: 'Power (maximum)' });
    expect(reading(s, 'volume_flow')).toMatchObject({ quantity: 'volume_flow', value: 0.543, unit: 'm³/h' });
    expect(reading(s, 'on_time')).toMatchObject({ quantity: 'duration', value: 985 * 3600, unit: 's' });
    expect(reading(s, 'energy_tariff_1')).toMatchObject({ value: 0, name: 'Energy (tariff 1)' });
    expect(reading(s, 'volume_subunit_1')).toMatchObject({ channel: 1 });
    expect(reading(s, 'date_time')).toMatchObject({ quantity: 'timestamp', value: '2011-01-05T15:26:00' });
    expect(reading(s, 'energy_storage_1')).toMatchObject({ value: 33361, enabledByDefault: false });
    expect(reading(s, 'date_storage_1')).toMatchObject({ value: '2010-12-31' });
    expect(reading(s, 'fabrication_number')).toMatchObject({ quantity: 'identifier', value: '06855817' });
  });

  it('water and gas meters: volume becomes water_volume / gas_volume (fx:mbus/itron_cyble_m-bus_v1.4_*.hex)', () => {
    const w = snapshot('itron_cyble_m-bus_v1.4_water');
    expect(w.meter).toMatchObject({ id: '12000071', manufacturerId: 'ACW', manufacturer: 'Itron', medium: 'water' });
    expect(reading(w, 'volume')).toMatchObject({ quantity: 'water_volume', value: 123.49, unit: 'm³' });
    expect(reading(w, 'plain_cust_id')).toMatchObject({ value: 'TEST CYBLE' });
    const g = snapshot('itron_cyble_m-bus_v1.4_gas');
    expect(g.meter.medium).toBe('gas');
    expect(reading(g, 'volume')).toMatchObject({ quantity: 'gas_volume', value: 0.26, unit: 'm³' });
    expect(reading(g, 'volume_storage_1')).toMatchObject({ value: 0.25 });
  });

  it('electricity meter: 10 Wh registers, forward energy in kWh (fx:mbus/filler.hex: 5000 Wh = 5 kWh)', () => {
    const s = snapshot('filler');
    expect(s.meter).toMatchObject({ id: '17677731', manufacturerId: 'KAM', medium: 'electricity' });
    expect(reading(s, 'energy_forward')).toMatchObject({ quantity: 'energy', value: 5, unit: 'kWh' });
  });

  it('electricity meter with FD voltage/current records (fx:mbus/eastron_sdm630.hex)', () => {
    const s = snapshot('eastron_sdm630');
    expect(reading(s, 'voltage')).toMatchObject({ quantity: 'voltage', value: 1234.56, unit: 'V' });
    expect(reading(s, 'current')).toMatchObject({ quantity: 'current', value: 123.456, unit: 'A' });
    expect(reading(s, 'voltage_2').key).toBe('voltage_2');
  });

  it('energy in J becomes kWh (fx:mbus/sontex_supercal_531_telegram1.hex, VIF 0E = MJ)', () => {
    const s = snapshot('sontex_supercal_531_telegram1');
    const e = s.readings.find((r) => r.quantity === 'heat_energy');
    expect(e?.unit).toBe('kWh');
  });

  it('fixed data structure CI 73 (fx:mbus/sen_pollusonic_2.hex: 6531 kWh and 69 l; manual_frame2.hex: 1 l, 135 historic)', () => {
    const s = snapshot('sen_pollusonic_2');
    expect(s.meter).toEqual({ id: '90919293', medium: 'heat' });
    expect(reading(s, 'energy')).toMatchObject({ quantity: 'heat_energy', value: 6531, unit: 'kWh' });
    expect(reading(s, 'volume')).toMatchObject({ quantity: 'water_volume', value: 0.069, unit: 'm³' });
    const m = snapshot('manual_frame2');
    expect(m.meter).toEqual({ id: '12345678', medium: 'water' });
    expect(reading(m, 'volume')).toMatchObject({ value: 0.001, unit: 'm³' });
    expect(reading(m, 'volume_historic_storage_1')).toMatchObject({ value: 0.135, raw: '135' });
  });

  it('keeps manufacturer data as a disabled reading and more-records-follow as no reading (fx:mbus/elv_temp_humid.hex)', () => {
    const s = snapshot('elv_temp_humid');
    expect(s.readings.some((r) => r.key === 'manufacturer_data')).toBe(false);
    expect(reading(s, 'plain_rh')).toMatchObject({ quantity: 'unknown', value: 45.64 });
    expect(reading(s, 'plain_rh_min')).toMatchObject({ value: 45.52 });
    expect(reading(s, 'external_temperature_max')).toMatchObject({ value: 23.39, unit: '°C' });
    expect(reading(s, 'averaging_duration')).toMatchObject({ value: 86400, unit: 's' });
  });

  it('can prefix the id with the manufacturer', () => {
    const r = decodeMbusFrame(fixture('kamstrup_multical_601'), { idWithManufacturer: true });
    expect(r.ok && r.value.meter.id).toBe('KAM-06855817');
  });

  it('decodes short-header (CI 7A) and header-less (CI 78) telegrams, falling back to the fabrication number or address', () => {
    const short = decodeMbusFrame(encodeLongFrame(0x08, 0x05, 0x7a, hex('2A 00 0000 04 06 E7 91 00 00')));
    expect(short.ok && short.value.meter.id).toBe('address-5');
    expect(short.ok && short.value.readings[0]).toMatchObject({ key: 'energy', value: 37351, unit: 'kWh' });
    const none = decodeMbusFrame(encodeLongFrame(0x08, 0x05, 0x78, hex('0C 78 17 58 85 06 04 06 E7 91 00 00')));
    expect(none.ok && none.value.meter.id).toBe('06855817');
  });

  it('reads MSB-first variants CI 76 and 77 (no fixture: built from the LSB-first frames, unverified on real meters)', () => {
    const v = decodeMbusFrame(encodeLongFrame(0x08, 0x11, 0x76, hex('06 85 58 17 2C 2D 08 04 04 00 00 00 04 06 00 00 91 E7')));
    expect(v.ok && v.value.meter).toMatchObject({ id: '06855817', manufacturerId: 'KAM', medium: 'heat' });
    expect(v.ok && v.value.readings[0]).toMatchObject({ key: 'energy', value: 37351 });
    const f = decodeMbusFrame(encodeLongFrame(0x08, 0x01, 0x77, hex('90 91 92 93 10 00 05 69 00 00 65 31 00 00 00 69')));
    expect(f.ok && f.value.meter.id).toBe('90919293');
    expect(f.ok && f.value.readings[0]).toMatchObject({ key: 'energy', value: 6531, unit: 'kWh' });
  });

  const k = fixture('kamstrup_multical_601');
  const broken: readonly (readonly [string, Uint8Array, ErrorKind])[] = [
    ['a short frame', hex('10 7B 01 7C 16'), 'unsupported'],
    ['a master request (SND_UD)', encodeLongFrame(0x53, 0x01, 0x51, hex('01 7A 05')), 'unsupported'],
    ['an unknown CI', encodeLongFrame(0x08, 0x01, 0x90, hex('00')), 'unsupported'],
    ['an application error report (CI 70)', encodeLongFrame(0x08, 0x01, 0x70, hex('01')), 'bad-value'],
    ['a variable header cut short', encodeLongFrame(0x08, 0x01, 0x72, hex('17 58 85 06 2D 2C')), 'truncated'],
    ['a fixed structure of the wrong size', encodeLongFrame(0x08, 0x01, 0x73, hex('93 92 91 90 10 00')), 'truncated'],
    ['a record cut by the end of the frame', encodeLongFrame(0x08, 0x01, 0x72, Uint8Array.from([...k.slice(7, 19), 0x04, 0x06, 0xe7])), 'truncated'],
    ['a bad checksum', Uint8Array.from([...k.slice(0, -2), 0x00, 0x16]), 'bad-crc'],
  ];
  it.each(broken)('rejects %s', (_name, bytes, kind) => {
    const r = decodeMbusFrame(bytes);
    expect(r.ok ? 'decoded' : r.error.kind).toBe(kind);
  });
});
