import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { JANITZA_UMG96RM } from '.';

const read = (words: Record<number, readonly number[]>) => readWords(JANITZA_UMG96RM, words);

describe('Janitza UMG 96RM (OpenEMS umg96rme, Roos-AID MBmapUMG96.cfg): holding registers → readings', () => {
  it('reads 19000…19027 and the frequency at 19050 in two requests; no identify, no energy', () => {
    expect(JANITZA_UMG96RM.modbus.function).toBe(3);
    expect(planModbusReads(JANITZA_UMG96RM.modbus)).toEqual([
      { address: 19000, count: 28 },
      { address: 19050, count: 2 },
    ]);
    expect(JANITZA_UMG96RM.modbus.identify).toBeUndefined();
    expect(JANITZA_UMG96RM.modbus.registers.filter((r) => r.obis.includes('.8.'))).toEqual([]);
  });

  it('decodes float32 (high word first) per-phase V, A, W, the total W and Hz', () => {
    const r = read({
      19000: [0x4366, 0x3333, 0x4365, 0xcccd, 0x4367, 0x199a], // 230.2, 229.8, 231.1 V
      19012: [0x40a6, 0x6666, 0x3f00, 0x0000, 0x4124, 0x0000], // 5.2, 0.5, 10.25 A
      19020: [0x448f, 0xc000, 0xc2e6, 0x0000, 0x450f, 0xc000, 0x4550, 0x7000], // 1150, -115, 2300 W; total 3335 W
      19050: [0x4247, 0xeb85], // 49.98 Hz
    });
    expect(r).toEqual({
      errors: [],
      readings: [
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
        ['frequency', 49.98, 'Hz'],
      ],
    });
  });
});
