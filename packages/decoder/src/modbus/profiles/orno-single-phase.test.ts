import type { ModbusMeterProfile } from '../../common/profile';
import { planModbusReads } from '../readings';
import { readWords } from './testing';
import { ORNO_WE_504, ORNO_WE_514 } from '.';

const read = (p: ModbusMeterProfile, words: Record<number, readonly number[]>) => readWords(p, words);

describe('ORNO OR-WE-504 (mbmd orno1p504.go, HARDWARIO drv_or_we_504.h, a modbus-serial driver citing OR-WE-504_rejestry.pdf): holding registers → readings', () => {
  it('reads 0x00…0x08 in one request; no identify', () => {
    expect(ORNO_WE_504.modbus.function).toBe(3);
    expect(planModbusReads(ORNO_WE_504.modbus)).toEqual([{ address: 0, count: 9 }]);
    expect(ORNO_WE_504.modbus.identify).toBeUndefined();
  });

  it('scales uint16 V, A, Hz by 0.1 and the power factor by 0.001; energy uint32 Wh is the absolute total', () => {
    const r = read(ORNO_WE_504, {
      0x00: [0x0901, 0x0034, 0x01f4], // 2305, 52, 500 → 230.5 V, 5.2 A, 50 Hz
      0x03: [0x047e, 0x0078, 0x04ac, 0x03c2], // 1150 W, 120 var, 1196 VA, 962 → 0.962
      0x07: [0x0001, 0xe240], // 123456 Wh
    });
    expect(r).toEqual({
      errors: [],
      readings: [
        ['voltage', 230.5, 'V'],
        ['current', 5.2, 'A'],
        ['frequency', 50, 'Hz'],
        ['power', 1150, 'W'],
        ['reactive_power_import', 120, 'var'],
        ['apparent_power_import', 1196, 'VA'],
        ['power_factor', 0.962, undefined],
        ['energy_absolute_total', 123.456, 'kWh'],
      ],
    });
  });
});

describe('ORNO OR-WE-514/515 (mbmd orno1p.go code, orno-modbus-mqtt, openWB we514): holding registers → readings', () => {
  it('reads 0x130…0x158 and the energy at 0xA000 in two requests; no identify', () => {
    expect(planModbusReads(ORNO_WE_514.modbus)).toEqual([
      { address: 0x130, count: 0x29 },
      { address: 0xa000, count: 2 },
    ]);
    expect(ORNO_WE_514.modbus.identify).toBeUndefined();
  });

  it('scales Hz and V by 0.01, the 32-bit current by 0.001, reads W/var/VA as 32-bit integers, a signed power factor and 0.01 kWh', () => {
    const r = read(ORNO_WE_514, {
      0x130: [0x138a, 0x59e4], // 5002 → 50.02 Hz, 23012 → 230.12 V
      0x139: [0x0000, 0x1450], // 5200 → 5.2 A
      0x140: [0x0000, 0x047e], // 1150 W
      0x148: [0x0000, 0x0078], // 120 var
      0x150: [0x0000, 0x04ac], // 1196 VA
      0x158: [0xfc4a], // -950 → -0.95
      0xa000: [0x0001, 0xe240], // 123456 → 1234.56 kWh
    });
    expect(r).toEqual({
      errors: [],
      readings: [
        ['frequency', 50.02, 'Hz'],
        ['voltage', 230.12, 'V'],
        ['current', 5.2, 'A'],
        ['power', 1150, 'W'],
        ['reactive_power_import', 120, 'var'],
        ['apparent_power_import', 1196, 'VA'],
        ['power_factor', -0.95, undefined],
        ['energy_absolute_total', 1234.56, 'kWh'],
      ],
    });
  });
});
