import { parseModbusSection } from './section';

const registers = [{ address: 0, type: 'float32', obis: '1-0:32.7.0', unit: 'V' }];

describe('modbus.identify in a profile section', () => {
  it('takes a product-code register with the values that mean the model', () => {
    const r = parseModbusSection({ function: 4, registers, identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x70] } });
    expect(r).toEqual({
      ok: true,
      value: {
        function: 4,
        registers: [{ address: 0, type: 'float32', obis: '1-0:32.7.0', unit: 'V' }],
        identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x70] },
      },
    });
  });

  it('takes text registers with a prefix', () => {
    const r = parseModbusSection({ function: 3, registers, identify: { function: 3, address: 0x8960, registers: 6, textPrefix: 'B23' } });
    expect(r.ok && r.value.identify).toEqual({ function: 3, address: 0x8960, registers: 6, textPrefix: 'B23' });
  });

  it.each([
    [{ function: 5, address: 1, type: 'uint16', values: [1] }, 'modbus.identify.function: must be 3 (holding registers) or 4 (input registers)'],
    [{ function: 3, address: 70000, type: 'uint16', values: [1] }, 'modbus.identify.address: must be an integer 0…65535'],
    [
      { function: 3, address: 1, type: 'int8', values: [1] },
      'modbus.identify.type: must be one of int16, uint16, int32, uint32, int64, uint64, float32, float64',
    ],
    [
      { function: 3, address: 1, type: 'uint16', values: [] },
      'modbus.identify.values: must be a non-empty array of numbers (the raw values that mean this model)',
    ],
    [{ function: 3, address: 1, type: 'uint16', values: [1], mask: 3 }, 'modbus.identify.mask: unknown field'],
    [{ function: 3, address: 1, registers: 1, textPrefix: 'iEM3' }, 'modbus.identify.registers: 1 registers hold 2 characters, fewer than textPrefix has'],
    [{ function: 3, address: 1, registers: 4, textPrefix: '  ' }, 'modbus.identify.textPrefix: must be a non-empty text'],
  ])('refuses %j, naming the field', (identify, message) => {
    expect(parseModbusSection({ function: 4, registers, identify })).toEqual({ ok: false, error: expect.objectContaining({ kind: 'bad-value', message }) });
  });
});
