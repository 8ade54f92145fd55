import { modbusText } from '../sunspec';
import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { ABB_B23 } from '.';

const table = (words: Record<number, readonly number[]>) => readWords(ABB_B23, words);

describe('ABB B23/B24 register map (mbmd abb.go; ABB 2CMC485003M0201 as openWB cites it): holding registers → readings', () => {
  it('reads the energy block and the instantaneous block (0x5B00…0x5B3D) in two requests', () => {
    expect(ABB_B23.modbus.function).toBe(3);
    expect(planModbusReads(ABB_B23.modbus)).toEqual([
      { address: 0x5000, count: 8 },
      { address: 0x5b00, count: 62 },
    ]);
  });

  it('scales the integers as the table says: uint32 0.1 V and 0.01 A, int32 0.01 W, uint16 0.01 Hz, int16 0.001, uint64 0.01 kWh', () => {
    const r = table({
      0x5b00: [0x0000, 0x08fd, 0x0000, 0x08fa, 0x0000, 0x0906], // 2301, 2298, 2310 → 230.1 / 229.8 / 231 V
      0x5b0c: [0x0000, 0x04d2, 0x0000, 0x0032, 0x0000, 0x0000], // 1234, 50, 0 → 12.34 / 0.5 / 0 A
      0x5b14: [0x0004, 0x5948, 0x0004, 0x5560, 0xffff, 0xfa24, 0x0000, 0x09c4], // 285000, 284000, -1500, 2500 → W × 0.01
      0x5b2c: [0x138a], // 5002 → 50.02 Hz
      0x5b3a: [0x03d9, 0x03de, 0xfe0c, 0x03e8], // 985, 990, -500, 1000 → PF × 0.001
      0x5000: [0x0000, 0x0000, 0x075b, 0xcd15, 0x0000, 0x0000, 0x0000, 0x10e1], // 123456789, 4321 → kWh × 0.01
    });
    expect(r.errors).toEqual([]);
    expect(r.readings).toEqual([
      ['voltage_l1', 230.1, 'V'],
      ['voltage_l2', 229.8, 'V'],
      ['voltage_l3', 231, 'V'],
      ['current_l1', 12.34, 'A'],
      ['current_l2', 0.5, 'A'],
      ['current_l3', 0, 'A'],
      ['power', 2850, 'W'],
      ['power_l1', 2840, 'W'],
      ['power_l2', -15, 'W'],
      ['power_l3', 25, 'W'],
      ['frequency', 50.02, 'Hz'],
      ['power_factor', 0.985, undefined],
      ['power_factor_l1', 0.99, undefined],
      ['power_factor_l2', -0.5, undefined],
      ['power_factor_l3', 1, undefined],
      ['energy_import_total', 1234567.89, 'kWh'],
      ['energy_export_total', 43.21, 'kWh'],
    ]);
  });

  it('a B21 answers L2/L3 with the not-available markers: those rows give no reading and no error', () => {
    const na32 = [0xffff, 0xffff];
    const r = table({
      0x5b00: [0x0000, 0x08fd, ...na32, ...na32],
      0x5b0c: [0x0000, 0x04d2, ...na32, ...na32],
      0x5b14: [0x0004, 0x5948, 0x0004, 0x5948, 0x7fff, 0xffff, 0x7fff, 0xffff],
      0x5b2c: [0x138a],
      0x5b3a: [0x03d9, 0x03d9, 0x7fff, 0x7fff],
    });
    expect(r.errors).toEqual([]);
    expect(r.readings.map(([key]) => key)).toEqual([
      'voltage_l1',
      'current_l1',
      'power',
      'power_l1',
      'frequency',
      'power_factor',
      'power_factor_l1',
      'energy_import_total',
      'energy_export_total',
    ]);
  });

  it('identifies B21, B23 and B24 by the type designation text at 0x8960', () => {
    expect(ABB_B23.modbus.identify).toEqual({ function: 3, address: 0x8960, registers: 2, textPrefix: 'B2' });
    // "B23 " and "B24 " as two registers of ASCII, high byte first (the values Victron's abb.py compares)
    expect([modbusText([0x4232, 0x3320], 0, 2), modbusText([0x4232, 0x3420], 0, 2), modbusText([0x4232, 0x3120], 0, 2)]).toEqual(['B23', 'B24', 'B21']);
  });
});
