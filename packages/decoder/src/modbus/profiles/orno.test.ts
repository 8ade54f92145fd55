import type { ModbusMeterProfile } from '../../common/profile';
import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { ORNO_WE_516 } from '.';

const read = (p: ModbusMeterProfile, words: Record<number, readonly number[]>) => readWords(p, words, { skipZeros: true });

describe('ORNO OR-WE-516 (mbmd orno3p.go, ya-modbus driver-or-we-516): holding registers → readings', () => {
  it('reads 0x0E…0x3B and the energy counters in two requests; no identify register is documented', () => {
    expect(planModbusReads(ORNO_WE_516.modbus)).toEqual([
      { address: 0x0e, count: 0x3c - 0x0e },
      { address: 0x108, count: 10 },
    ]);
    expect(ORNO_WE_516.modbus.identify).toBeUndefined();
  });

  it('decodes float32 V, Hz, A, kW (published in W), power factor and kWh', () => {
    const r = read(ORNO_WE_516, {
      0x0e: [0x4366, 0x3333], // 230.2 V
      0x14: [0x4248, 0x0000], // 50 Hz
      0x16: [0x40a6, 0x6666], // 5.2 A
      0x1c: [0x4020, 0x0000], // 2.5 kW
      0x1e: [0x3fa0, 0x0000], // 1.25 kW
      0x34: [0x3f73, 0x3333], // 0.95
      0x108: [0x4640, 0xe6ae], // 12345.67 kWh
      0x110: [0x449a, 0x5000], // 1234.5 kWh
    });
    expect(r).toEqual({
      errors: [],
      readings: [
        ['voltage_l1', 230.2, 'V'],
        ['frequency', 50, 'Hz'],
        ['current_l1', 5.2, 'A'],
        ['power', 2500, 'W'],
        ['power_l1', 1250, 'W'],
        ['power_factor', 0.95, undefined],
        ['energy_import_total', 12345.67, 'kWh'],
        ['energy_export_total', 1234.5, 'kWh'],
      ],
    });
  });
});
