import type { ModbusMeterProfile } from '../../common/profile';
import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { CARLO_GAVAZZI_EM24, CARLO_GAVAZZI_EM24_E1, CARLO_GAVAZZI_EM340 } from '.';

const read = (p: ModbusMeterProfile, words: Record<number, readonly number[]>) => readWords(p, words, { skipZeros: true });

// int32 least significant word first: 2302 → [0x08FE, 0x0000]; -2000 (0xFFFFF830) → [0xF830, 0xFFFF]; 1234567 (0x0012D687) → [0xD687, 0x0012]
const EXPECTED = [
  ['voltage_l1', 230.2, 'V'],
  ['current_l1', 5.2, 'A'],
  ['power_l1', 1196, 'W'],
  ['power_l2', -200, 'W'],
  ['power', 996, 'W'],
  ['power_factor_l1', 0.99, undefined],
  ['power_factor', 0.985, undefined],
  ['frequency', 50, 'Hz'],
  ['energy_import_total', 123456.7, 'kWh'],
  ['energy_import_l1', 456.7, 'kWh'],
  ['energy_export_total', 89, 'kWh'],
];

describe('Carlo Gavazzi EM24-DIN RS-485 (mbmd carlogavazzi-em24.go; energy addresses of Victron dbus-cgwacs): int32 word-swapped → readings', () => {
  it('reads 0x00…0x4B and the export register in two requests', () => {
    expect(planModbusReads(CARLO_GAVAZZI_EM24.modbus)).toEqual([
      { address: 0, count: 0x4c },
      { address: 0x5c, count: 2 },
    ]);
  });

  it('decodes V × 0.1, A × 0.001, W × 0.1, PF × 0.001, Hz × 0.1 and kWh × 0.1 from low-word-first registers', () => {
    const r = read(CARLO_GAVAZZI_EM24, {
      0x00: [0x08fe, 0x0000],
      0x0c: [0x1450, 0x0000],
      0x12: [0x2eb8, 0x0000, 0xf830, 0xffff],
      0x28: [0x26e8, 0x0000],
      0x32: [0x03de],
      0x35: [0x03d9],
      0x37: [0x01f4],
      0x3e: [0xd687, 0x0012],
      0x46: [0x11d7, 0x0000],
      0x5c: [0x037a, 0x0000],
    });
    expect(r).toEqual({ errors: [], readings: EXPECTED });
  });

  it('identifies the EM24 RS-485 models by the identification code in holding register 0x000B', () => {
    expect(CARLO_GAVAZZI_EM24.modbus.identify).toEqual({ function: 3, address: 0x000b, type: 'uint16', values: [70, 71, 72, 73] });
  });
});

describe('Carlo Gavazzi EM330/EM340/ET330/ET340 communication protocol (mbmd carlogavazzi-ex3x0.go) and EM24 E1 (mbmd carlogavazzi-em24_e1.go, Victron carlo_gavazzi.py)', () => {
  const words = {
    0x00: [0x08fe, 0x0000],
    0x0c: [0x1450, 0x0000],
    0x12: [0x2eb8, 0x0000, 0xf830, 0xffff],
    0x28: [0x26e8, 0x0000],
    0x2e: [0x03de],
    0x31: [0x03d9],
    0x33: [0x01f4],
    0x34: [0xd687, 0x0012],
    0x40: [0x11d7, 0x0000],
    0x4e: [0x037a, 0x0000],
  };

  it.each([CARLO_GAVAZZI_EM340, CARLO_GAVAZZI_EM24_E1].map((p) => [p.id, p] as const))('%s: one read of 0x00…0x4F, the same values', (_id, p) => {
    expect(planModbusReads(p.modbus)).toEqual([{ address: 0, count: 80 }]);
    expect(read(p, words)).toEqual({ errors: [], readings: EXPECTED });
  });

  it('identifies the EM300 family by codes 330–345 and the EM24 E1 by 1648–1653 in holding register 0x000B', () => {
    expect([CARLO_GAVAZZI_EM340.modbus.identify, CARLO_GAVAZZI_EM24_E1.modbus.identify]).toEqual([
      { function: 3, address: 0x000b, type: 'uint16', values: [330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345] },
      { function: 3, address: 0x000b, type: 'uint16', values: [1648, 1649, 1650, 1651, 1652, 1653] },
    ]);
    expect([CARLO_GAVAZZI_EM340.modbus.function, CARLO_GAVAZZI_EM24_E1.modbus.function]).toEqual([4, 3]);
  });
});
