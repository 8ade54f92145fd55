import type { ModbusMeterProfile } from '../../common/profile';
import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { FINDER_7M24, FINDER_7M38 } from '.';

const read = (p: ModbusMeterProfile, words: Record<number, readonly number[]>) => readWords(p, words, { skipZeros: true });

describe('Finder 7M.38 (mbmd finder7m38.go, go-iotdevice finder7M38.go, modbus_local_gateway 7M_38.yaml; dndg/Finder7M for E1/E2): input registers → readings', () => {
  it('reads the MID energy counters with their exponents and the float block 2498…2561 in two requests; no identify', () => {
    expect(FINDER_7M38.modbus.function).toBe(4);
    expect(planModbusReads(FINDER_7M38.modbus)).toEqual([
      { address: 401, count: 9 },
      { address: 2498, count: 64 },
    ]);
    expect(FINDER_7M38.modbus.identify).toBeUndefined();
  });

  it('decodes float32 (high word first) V, A, W, var, VA, power factor, Hz and E1/E2 as mantissa × 10^exponent Wh', () => {
    const r = read(FINDER_7M38, {
      2498: [0x4247, 0xeb85], // 49.98 Hz
      2500: [0x4366, 0x3333, 0x4365, 0xcccd, 0x4367, 0x199a], // 230.2, 229.8, 231.1 V
      2516: [0x40a6, 0x6666, 0x3f00, 0x0000, 0x4124, 0x0000], // 5.2, 0.5, 10.25 A
      2530: [0x448f, 0xc000, 0xc2e6, 0x0000, 0x450f, 0xc000, 0x4550, 0x7000], // 1150, -115, 2300 W; total 3335 W
      2544: [0xc3c8, 0x0000], // total -400 var
      2552: [0x4554, 0x8000], // total 3400 VA
      2554: [0x3f73, 0x3333, 0xbf00, 0x0000, 0x3f80, 0x0000, 0x3f7a, 0xe148], // PF 0.95, -0.5, 1; total 0.98
      401: [0xffff, 0x0000], // E1 exponent -1, E2 exponent 0
      406: [0x075b, 0xcd15, 0x0000, 0x10e1], // E1 mantissa 123456789 → 12345678.9 Wh; E2 4321 Wh
    });
    expect(r).toEqual({
      errors: [],
      readings: [
        ['frequency', 49.98, 'Hz'],
        ['voltage_l1', 230.2, 'V'],
        ['voltage_l2', 229.8, 'V'],
        ['voltage_l3', 231.1, 'V'],
        ['current_l1', 5.2, 'A'],
        ['current_l2', 0.5, 'A'],
        ['current_l3', 10.25, 'A'],
        ['power_l1', 1150, 'W'],
        ['power_l2', -115, 'W'],
        ['power_l3', 2300, 'W'],
        ['power', 3335, 'W'],
        ['reactive_power_import', -400, 'var'],
        ['apparent_power_import', 3400, 'VA'],
        ['power_factor_l1', 0.95, undefined],
        ['power_factor_l2', -0.5, undefined],
        ['power_factor_l3', 1, undefined],
        ['power_factor', 0.98, undefined],
        ['energy_import_total', 12345.6789, 'kWh'],
        ['energy_export_total', 4.321, 'kWh'],
      ],
    });
  });
});

describe('Finder 7M.24 (the 7M.38 map, single phase): input registers → readings', () => {
  it('reads the energy counters and the used parts of the float block (2498…2517, 2536…2561) in three requests', () => {
    expect(planModbusReads(FINDER_7M24.modbus)).toEqual([
      { address: 401, count: 9 },
      { address: 2498, count: 20 },
      { address: 2536, count: 26 },
    ]);
    expect(FINDER_7M24.modbus.identify).toBeUndefined();
  });

  it('decodes V, A and the totals; a positive exponent multiplies the mantissa', () => {
    const r = read(FINDER_7M24, {
      2498: [0x4248, 0x0000], // 50 Hz
      2500: [0x4367, 0x8000], // 231.5 V
      2516: [0x40f0, 0x0000], // 7.5 A
      2536: [0x44d4, 0x8000], // 1700 W
      2544: [0x42f0, 0x0000], // 120 var
      2552: [0x44d7, 0x0000], // 1720 VA
      2560: [0x3f7c, 0x28f6], // 0.985
      401: [0x0001, 0x0002], // E1 exponent 1, E2 exponent 2
      406: [0x0000, 0x04d2, 0x0000, 0x0005], // E1 1234 × 10 Wh, E2 5 × 100 Wh
    });
    expect(r).toEqual({
      errors: [],
      readings: [
        ['frequency', 50, 'Hz'],
        ['voltage', 231.5, 'V'],
        ['current', 7.5, 'A'],
        ['power', 1700, 'W'],
        ['reactive_power_import', 120, 'var'],
        ['apparent_power_import', 1720, 'VA'],
        ['power_factor', 0.985, undefined],
        ['energy_import_total', 12.34, 'kWh'],
        ['energy_export_total', 0.5, 'kWh'],
      ],
    });
  });
});
