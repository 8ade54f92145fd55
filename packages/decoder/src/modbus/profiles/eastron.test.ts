import { modbusReadings, planModbusReads } from '../readings';
import { blocksFor, floatImage as image, table } from './testing';
import { EASTRON_SDM120, EASTRON_SDM230, EASTRON_SDM630, EASTRON_SDM72 } from '.';

describe('Eastron built-ins: documents and model codes', () => {
  it('names the manufacturer document in each provenance', () => {
    expect([EASTRON_SDM630, EASTRON_SDM120, EASTRON_SDM72].map((p) => p.provenance[0]?.split(/[,(]/)[0]?.trim())).toEqual([
      'Eastron SDM630 Modbus Protocol V1.5',
      'Eastron SDM120-Modbus protocol document',
      'register list as in volkszaehler/mbmd meters/rs485/sdm72v2.go',
    ]);
  });

  it('identifies Eastron models by the uint16 model code in holding register 0xFC02 (Victron community driver values)', () => {
    expect([EASTRON_SDM630, EASTRON_SDM120, EASTRON_SDM72].map((p) => p.modbus.identify)).toEqual([
      { function: 3, address: 0xfc02, type: 'uint16', values: [112, 121] },
      { function: 3, address: 0xfc02, type: 'uint16', values: [32] },
      { function: 3, address: 0xfc02, type: 'uint16', values: [137, 135] },
    ]);
  });
});

describe('Eastron SDM630 Modbus Protocol V1.5: input registers → readings', () => {
  // Addresses from the document's input register table (30001 = 0x0000 …); values chosen here, encoded as IEEE 754 singles.
  const regs = image({
    0x00: 0x43663333,
    0x02: 0x43670000,
    0x04: 0x43658000, // 230.2 / 231 / 229.5 V
    0x06: 0x3fc00000,
    0x08: 0x40100000,
    0x0a: 0x3f000000, // 1.5 / 2.25 / 0.5 A
    0x0c: 0x43ac8000,
    0x0e: 0xc2c80000,
    0x10: 0x00000000, // 345 / -100 / 0 W
    0x12: 0x43af0000,
    0x14: 0x42dc0000, // 350 / 110 VA
    0x18: 0x41a00000,
    0x1a: 0xc1f00000, // 20 / -30 var
    0x1e: 0x3f7ae148,
    0x20: 0xbf666666,
    0x22: 0x3f800000, // PF 0.98 / -0.9 / 1
    0x34: 0x43750000,
    0x38: 0x43e60000,
    0x3c: 0xc1200000,
    0x3e: 0x3f733333, // 245 W, 460 VA, -10 var, PF 0.95
    0x46: 0x42480000, // 50 Hz
    0x48: 0x4640e6ae,
    0x4a: 0x449a5000,
    0x4c: 0x42c88000,
    0x4e: 0x424b0000, // 12345.67 / 1234.5 kWh, 100.25 / 50.75 kvarh
    0xe0: 0x3f400000,
    0x156: 0x465430ae, // neutral 0.75 A, total 13580.17 kWh
  });

  it('plans three reads: 30001…30080 (80 registers, the meter limit), neutral current, total kWh', () => {
    expect(planModbusReads(EASTRON_SDM630.modbus)).toEqual([
      { address: 0, count: 80 },
      { address: 0xe0, count: 2 },
      { address: 0x156, count: 2 },
    ]);
  });

  it('gives every reading its model key, value and publishing unit', () => {
    const r = modbusReadings(EASTRON_SDM630.modbus, blocksFor(regs, planModbusReads(EASTRON_SDM630.modbus)));
    expect(r.errors).toEqual([]);
    expect(table(r)).toEqual([
      ['voltage_l1', 230.2, 'V'],
      ['voltage_l2', 231, 'V'],
      ['voltage_l3', 229.5, 'V'],
      ['current_l1', 1.5, 'A'],
      ['current_l2', 2.25, 'A'],
      ['current_l3', 0.5, 'A'],
      ['power_l1', 345, 'W'],
      ['power_l2', -100, 'W'],
      ['power_l3', 0, 'W'],
      ['apparent_power_import_l1', 350, 'VA'],
      ['apparent_power_import_l2', 110, 'VA'],
      ['apparent_power_import_l3', 0, 'VA'],
      ['reactive_power_import_l1', 20, 'var'],
      ['reactive_power_import_l2', -30, 'var'],
      ['reactive_power_import_l3', 0, 'var'],
      ['power_factor_l1', 0.98, undefined],
      ['power_factor_l2', -0.9, undefined],
      ['power_factor_l3', 1, undefined],
      ['power', 245, 'W'],
      ['apparent_power_import', 460, 'VA'],
      ['reactive_power_import', -10, 'var'],
      ['power_factor', 0.95, undefined],
      ['frequency', 50, 'Hz'],
      ['energy_import_total', 12345.67, 'kWh'],
      ['energy_export_total', 1234.5, 'kWh'],
      ['reactive_energy_import_total', 100250, 'varh'],
      ['reactive_energy_export_total', 50750, 'varh'],
      ['current_neutral', 0.75, 'A'],
      ['energy_absolute_total', 13580.17, 'kWh'],
    ]);
    expect(r.readings.find((x) => x.key === 'energy_import_total')?.quantity).toBe('energy');
  });

  it('reports registers that were not read or hold NaN, and keeps the rest', () => {
    const nan = regs.slice();
    nan[0x46] = 0x7fc0;
    const r = modbusReadings(EASTRON_SDM630.modbus, blocksFor(nan, [{ address: 0, count: 80 }]));
    expect(r.errors.map((e) => e.kind)).toEqual(['bad-value', 'truncated', 'truncated']);
    const keys = r.readings.map((x) => x.key);
    expect(keys).toHaveLength(26);
    expect(['frequency', 'current_neutral', 'energy_absolute_total'].filter((k) => keys.includes(k))).toEqual([]);
  });
});

describe('Eastron SDM120-Modbus protocol document and the SDM72D-M-2 register list (mbmd sdm72v2.go): input registers → readings', () => {
  it('SDM120: single-phase values under phase-less keys', () => {
    const regs = image({ 0x00: 0x43663333, 0x06: 0x40a66666, 0x0c: 0x43ac8000, 0x46: 0x42480000, 0x48: 0x4640e6ae, 0x156: 0x465430ae });
    const r = modbusReadings(EASTRON_SDM120.modbus, blocksFor(regs, planModbusReads(EASTRON_SDM120.modbus)));
    expect(table(r).filter(([, v]) => v !== 0)).toEqual([
      ['voltage', 230.2, 'V'],
      ['current', 5.2, 'A'],
      ['power', 345, 'W'],
      ['frequency', 50, 'Hz'],
      ['energy_import_total', 12345.67, 'kWh'],
      ['energy_absolute_total', 13580.17, 'kWh'],
    ]);
  });

  it('SDM72: per-phase voltage, current, power and the energy registers, at most 30 parameters per request', () => {
    expect(EASTRON_SDM72.modbus.maxRegistersPerRead).toBe(60);
    expect(planModbusReads(EASTRON_SDM72.modbus)).toEqual([
      { address: 0, count: 18 },
      { address: 0x34, count: 24 },
      { address: 0x156, count: 2 },
    ]);
    const regs = image({ 0x02: 0x43670000, 0x0e: 0xc2c80000, 0x4a: 0x449a5000 });
    const r = modbusReadings(EASTRON_SDM72.modbus, blocksFor(regs, planModbusReads(EASTRON_SDM72.modbus)));
    expect(table(r).filter(([, v]) => v !== 0)).toEqual([
      ['voltage_l2', 231, 'V'],
      ['power_l2', -100, 'W'],
      ['energy_export_total', 1234.5, 'kWh'],
    ]);
    expect(r.readings).toHaveLength(EASTRON_SDM72.modbus.registers.length);
  });
});

describe('Eastron SDM230Modbus Smart Meter Modbus Protocol Implementation V1.2: input registers → readings', () => {
  it('reads 30001…30032, 30071…30080 and total kWh in three requests; no model code is known', () => {
    expect(planModbusReads(EASTRON_SDM230.modbus)).toEqual([
      { address: 0, count: 0x20 },
      { address: 0x46, count: 10 },
      { address: 0x156, count: 2 },
    ]);
    expect(EASTRON_SDM230.modbus.identify).toBeUndefined();
  });

  it('single-phase values under phase-less keys', () => {
    const regs = image({
      0x00: 0x43663333, // 230.2 V
      0x06: 0x40a66666, // 5.2 A
      0x0c: 0x43ac8000, // 345 W
      0x1e: 0x3f733333, // PF 0.95
      0x46: 0x42480000, // 50 Hz
      0x48: 0x4640e6ae, // 12345.67 kWh
      0x4a: 0x449a5000, // 1234.5 kWh
      0x156: 0x465430ae, // 13580.17 kWh
    });
    const r = modbusReadings(EASTRON_SDM230.modbus, blocksFor(regs, planModbusReads(EASTRON_SDM230.modbus)));
    expect(r.errors).toEqual([]);
    expect(table(r).filter(([, v]) => v !== 0)).toEqual([
      ['voltage', 230.2, 'V'],
      ['current', 5.2, 'A'],
      ['power', 345, 'W'],
      ['power_factor', 0.95, undefined],
      ['frequency', 50, 'Hz'],
      ['energy_import_total', 12345.67, 'kWh'],
      ['energy_export_total', 1234.5, 'kWh'],
      ['energy_absolute_total', 13580.17, 'kWh'],
    ]);
  });
});
