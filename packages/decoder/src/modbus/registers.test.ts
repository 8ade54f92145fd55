import { decodeModbusValue, encodeModbusValue, MODBUS_ORDERS, MODBUS_VALUE_TYPES, type ModbusOrder } from './registers';

const value = (regs: number[], type: Parameters<typeof decodeModbusValue>[2], order?: ModbusOrder): number | string => {
  const r = decodeModbusValue(regs, 0, type, order);
  return r.ok ? r.value : r.error.kind;
};

describe('Modbus register values', () => {
  it('reads 0x12345678 in each of the four byte orders', () => {
    const regs: Record<ModbusOrder, number[]> = { ABCD: [0x1234, 0x5678], CDAB: [0x5678, 0x1234], BADC: [0x3412, 0x7856], DCBA: [0x7856, 0x3412] };
    expect(MODBUS_ORDERS.map((o) => value(regs[o], 'uint32', o))).toEqual([0x12345678, 0x12345678, 0x12345678, 0x12345678]);
  });

  it('reads signed and unsigned 16- and 32-bit integers', () => {
    expect([value([0xff38], 'int16'), value([0xff38], 'uint16'), value([0x38ff], 'int16', 'BADC')]).toEqual([-200, 65336, -200]);
    expect([value([0xffff, 0xfffe], 'int32'), value([0xffff, 0xffff], 'uint32'), value([0xfffe, 0xffff], 'int32', 'CDAB')]).toEqual([-2, 4294967295, -2]);
  });

  it('reads 64-bit integers while exact and refuses those beyond 2^53', () => {
    expect(value([0xffff, 0xffff, 0xffff, 0xfffe], 'int64')).toBe(-2);
    expect(value([0x0000, 0x0000, 0x0001, 0x86a0], 'uint64')).toBe(100000);
    expect(value([0x86a0, 0x0001, 0x0000, 0x0000], 'uint64', 'CDAB')).toBe(100000);
    expect(value([0x0020, 0x0000, 0x0000, 0x0001], 'uint64')).toBe('bad-value');
  });

  it('reads IEEE 754 floats: 0x43663334 ≈ 230.2, 0xC2C80000 = -100, π as float64 word-swapped', () => {
    expect(value([0x4366, 0x3334], 'float32')).toBeCloseTo(230.2, 4);
    expect(value([0x0000, 0xc2c8], 'float32', 'CDAB')).toBe(-100);
    expect(value([0x0000, 0xc8c2], 'float32', 'DCBA')).toBe(-100);
    expect(value([0x4009, 0x21fb, 0x5444, 0x2d18], 'float64')).toBe(Math.PI);
    expect(value([0x2d18, 0x5444, 0x21fb, 0x4009], 'float64', 'CDAB')).toBe(Math.PI);
    expect(value([0x182d, 0x4454, 0xfb21, 0x0940], 'float64', 'DCBA')).toBe(Math.PI);
    expect(value([0x0940, 0xfb21, 0x4454, 0x182d], 'float64', 'BADC')).toBe(Math.PI);
  });

  it('refuses NaN and infinity (unused registers) and registers that were not read', () => {
    expect([value([0x7fc0, 0x0000], 'float32'), value([0x7f80, 0x0000], 'float32'), value([0x4366], 'float32')]).toEqual([
      'bad-value',
      'bad-value',
      'truncated',
    ]);
  });

  it('encodes every type in every order as the inverse of decoding', () => {
    const samples: Record<(typeof MODBUS_VALUE_TYPES)[number], number> = {
      int16: -1234,
      uint16: 54321,
      int32: -123456789,
      uint32: 3123456789,
      int64: -9007199254740991,
      uint64: 9007199254740991,
      float32: -0.5,
      float64: 12345.678901,
    };
    const back = MODBUS_VALUE_TYPES.flatMap((t) => MODBUS_ORDERS.map((o) => value(encodeModbusValue(samples[t], t, o), t, o)));
    expect(back).toEqual(MODBUS_VALUE_TYPES.flatMap((t) => MODBUS_ORDERS.map(() => samples[t])));
  });
});
