import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '../common';
import { hexBytes as hex } from '../common/testing';
import type { MbusVariableTelegram } from './application';
import { parseRecords, type MbusDataRecord, type MbusRecord } from './records';
import { decodeMbusTelegram } from './snapshot';

function telegram(name: string): MbusVariableTelegram {
  const t = decodeMbusTelegram(hex(readFileSync(join(__dirname, '../../fixtures/mbus', `${name}.hex`), 'utf8')));
  if (!t.ok || t.value.kind !== 'variable') throw new Error(`${name} did not decode`);
  return t.value;
}

function data(records: readonly MbusRecord[], i: number): MbusDataRecord {
  const r = records[i];
  if (!r || r.type !== 'data') throw new Error(`record ${i} is not a data record`);
  return r;
}

function one(bytes: string): MbusDataRecord {
  const r = parseRecords(hex(bytes), 0);
  if (!r.ok) throw new Error(r.error.message);
  return data(r.value.records, 0);
}

describe('data records', () => {
  it('reads storage, tariff and subunit from DIF/DIFEs (fx:mbus/kamstrup_multical_601.hex)', () => {
    const r = telegram('kamstrup_multical_601').records;
    expect([data(r, 11).tariff, data(r, 12).tariff]).toEqual([1, 2]);
    expect([data(r, 13).subunit, data(r, 14).subunit, data(r, 15).subunit]).toEqual([1, 2, 3]);
    expect(data(r, 17)).toMatchObject({ key: 'energy', storage: 1, value: 33361000, unit: 'Wh' });
    expect(data(r, 8)).toMatchObject({ key: 'power', function: 'maximum', value: 44800, unit: 'W' });
  });

  it('chains DIFEs: storage 8 and 10 (fx:mbus/ZRM_Minol-Minocal-C2.hex), storage 510 (fx:mbus/landisplusgyr_ultraheat_t230.hex)', () => {
    const z = telegram('ZRM_Minol-Minocal-C2').records;
    expect([data(z, 2).storage, data(z, 4).storage, data(z, 15).storage]).toEqual([8, 10, 32]);
    const t = telegram('landisplusgyr_ultraheat_t230').records;
    expect(data(t, 32)).toMatchObject({ storage: 510, value: '2027-01-01T00:00:00' });
  });

  it('reads the FB extension table (fx:mbus/engelmann_sensostar2c.hex: 0.1 MWh)', () => {
    const r = telegram('engelmann_sensostar2c').records.filter((x): x is MbusDataRecord => x.type === 'data' && x.vib.table === 'fb');
    expect(r.length).toBeGreaterThan(0);
    expect(r[0]).toMatchObject({ key: 'energy', unit: 'MWh', quantity: 'energy' });
  });

  it('reads FD voltage and current and the EMU manufacturer VIFE tail (fx:mbus/EMU_EMU-Professional-375-M-Bus.hex)', () => {
    const r = telegram('EMU_EMU-Professional-375-M-Bus').records;
    expect(data(r, 13)).toMatchObject({ key: 'voltage_mfr_01', value: 225.7, unit: 'V' });
    expect(data(r, 22)).toMatchObject({ key: 'current_mfr_01', value: -0.066, unit: 'A' });
    expect(data(r, 5)).toMatchObject({ key: 'power_mfr_01', value: -2, unit: 'W' });
  });

  it('reads plain-text VIF units with a scaling VIFE (fx:mbus/elv_temp_humid.hex: 45.64 %RH)', () => {
    const r = telegram('elv_temp_humid').records;
    expect(data(r, 1)).toMatchObject({ quantity: 'unknown', meterUnit: '%RH', value: 45.64, key: 'plain_rh' });
    expect(data(r, 2).function).toBe('minimum');
    expect(telegram('elv_temp_humid').moreRecordsFollow).toBe(true);
  });

  it('reads forward/backward VIFEs 3B/3C (fx:mbus/EDC.hex)', () => {
    const r = telegram('EDC').records;
    expect(data(r, 0)).toMatchObject({ key: 'energy_forward', value: 35000 });
    expect(data(r, 1)).toMatchObject({ key: 'energy_backward', value: 465000 });
  });

  it('turns a "date of" VIFE into a date (fx:mbus/landisplusgyr_ultraheat_t230.hex: max flow temperature at 2011-08-26 20:50)', () => {
    const r = telegram('landisplusgyr_ultraheat_t230').records;
    expect(data(r, 21)).toMatchObject({ quantity: 'timestamp', value: '2011-08-26T20:50:00', key: 'flow_temperature_end_last_date' });
    expect(data(r, 8)).toMatchObject({ key: 'temperature_difference', value: -0.2, unit: 'K' });
  });

  it('reads LVAR text (reversed) and binary (fx:mbus/ACW_Itron-CYBLE-M-Bus-14.hex, example_binary16_lvar.hex)', () => {
    expect(data(telegram('ACW_Itron-CYBLE-M-Bus-14').records, 1)).toMatchObject({ value: '09LA076755', coding: 'lvar-text' });
    expect(data(telegram('example_binary16_lvar').records, 0)).toMatchObject({ value: '173ED1DCB31AB53D0193A6272A5B0796', coding: 'lvar-binary', name: 'PW' });
  });

  it('skips 2F fillers and keeps 0F manufacturer data (fx:mbus/filler.hex, fx:mbus/kamstrup_multical_601.hex)', () => {
    const f = telegram('filler');
    expect(f.records).toHaveLength(1);
    expect(data(f.records, 0)).toMatchObject({ key: 'energy_forward', value: 5000, unit: 'Wh' });
    const k = telegram('kamstrup_multical_601').records;
    const last = k[k.length - 1];
    expect(last?.type === 'manufacturer-data' && last.moreRecordsFollow).toBe(false);
  });

  it('scales with VIFE 70–77 and marks record errors', () => {
    expect(one('02 FC 03 48 52 25 74 D4 11')).toMatchObject({ value: 45.64 });
    expect(one('04 86 7D 01 00 00 00')).toMatchObject({ value: 1e6, unit: 'Wh' }); // ×10³ on kWh
    expect(one('04 86 16 01 00 00 00').errors).toEqual(['data overflow']);
  });

  it('reads fabrication numbers as digit strings and manufacturers as letters', () => {
    expect(one('0C 78 17 58 85 06')).toMatchObject({ value: '06855817', quantity: 'identifier' });
    expect(one('02 FD 0A 2D 2C')).toMatchObject({ value: 'KAM', key: 'manufacturer' });
  });

  it('decodes LVAR BCD and negative BCD', () => {
    expect(one('0D 13 C2 45 23')).toMatchObject({ value: 2.345, unit: 'm³' });
    expect(one('0D 13 D2 45 23')).toMatchObject({ value: -2.345 });
  });

  const broken: readonly (readonly [string, string, ErrorKind])[] = [
    ['record cut inside its data', '04 06 01 02', 'truncated'],
    ['record cut before its VIF', '04', 'truncated'],
    ['record cut inside its DIFEs', '84 80', 'truncated'],
    ['record cut inside its VIFEs', '04 86', 'truncated'],
    ['more than 10 DIFEs', `84 ${'80 '.repeat(11)}00 06 00 00 00 00`, 'bad-format'],
    ['more than 10 VIFEs', `04 86 ${'FF '.repeat(11)}00 00 00 00 00`, 'bad-format'],
    ['reserved LVAR', '0D 13 F7 00', 'bad-format'],
    ['reserved special function DIF', '3F 00', 'bad-format'],
    ['extension VIF without VIFE', '04 FD', 'truncated'],
    ['plain-text VIF longer than the data', '02 7C 09 41', 'truncated'],
  ];
  it.each(broken)('rejects %s', (_name, bytes, kind) => {
    const r = parseRecords(hex(bytes), 0);
    expect(r.ok ? 'decoded' : r.error.kind).toBe(kind);
  });
});
