import type { ModbusMeterProfile } from '../../common/profile';
import { modbusText } from '../sunspec';
import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { SCHNEIDER_IEM3000 } from '.';

const read = (p: ModbusMeterProfile, words: Record<number, readonly number[]>) => readWords(p, words, { skipZeros: true });

describe('Schneider Electric iEM3000 series (mbmd iem3000.go, citing DOCA0005DE-12): holding registers → readings', () => {
  it('reads currents, voltages, powers, frequency and the energy counters in five requests', () => {
    expect(planModbusReads(SCHNEIDER_IEM3000.modbus)).toEqual([
      { address: 0x0bb7, count: 6 },
      { address: 0x0bd3, count: 6 },
      { address: 0x0bed, count: 0x0c05 - 0x0bed },
      { address: 0x0c25, count: 2 },
      { address: 0x0c83, count: 8 },
    ]);
  });

  it('decodes float32 A, V, kW (published in W), Hz and int64 Wh (published in kWh)', () => {
    const r = read(SCHNEIDER_IEM3000, {
      0x0bb7: [0x4148, 0x0000], // 12.5 A
      0x0bd3: [0x4366, 0x3333], // 230.2 V
      0x0bed: [0x4038, 0x0000], // 2.875 kW
      0x0bf3: [0x4060, 0x0000], // 3.5 kW
      0x0bfb: [0x3e80, 0x0000], // 0.25 kvar
      0x0c03: [0x4066, 0x6666], // 3.6 kVA
      0x0c25: [0x4247, 0xeb85], // 49.98 Hz
      0x0c83: [0x0000, 0x0000, 0x00bc, 0x614e], // 12345678 Wh
      0x0c87: [0x0000, 0x0000, 0x0000, 0x03e8], // 1000 Wh
    });
    expect(r).toEqual({
      errors: [],
      readings: [
        ['current_l1', 12.5, 'A'],
        ['voltage_l1', 230.2, 'V'],
        ['power_l1', 2875, 'W'],
        ['power', 3500, 'W'],
        ['reactive_power_import', 250, 'var'],
        ['apparent_power_import', 3600, 'VA'],
        ['frequency', 49.98, 'Hz'],
        ['energy_import_total', 12345.678, 'kWh'],
        ['energy_export_total', 1, 'kWh'],
      ],
    });
  });

  it('identifies the series by the meter model text from address 49', () => {
    expect(SCHNEIDER_IEM3000.modbus.identify).toEqual({ function: 3, address: 49, registers: 20, textPrefix: 'iEM3' });
    // "iEM3255" as UTF-8, two characters per register, high byte first, NUL padded
    expect(modbusText([0x6945, 0x4d33, 0x3235, 0x3500, 0, 0], 0, 6)).toBe('iEM3255');
  });
});
