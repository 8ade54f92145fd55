import { parseMeterProfile } from '../common/profile';
import { BUILTIN_MODBUS_PROFILES, EASTRON_SDM120, EASTRON_SDM630, EASTRON_SDM72 } from './profiles';
import { modbusReadings, planModbusReads, type ModbusRegisterBlock } from './readings';
import { parseModbusSection } from './section';
import { modbusSnapshot } from './snapshot';

/** A register image: float32 bit patterns (high word first, the Eastron data format) at protocol addresses. */
function image(values: Record<number, number>, size = 0x160): Uint16Array {
  const regs = new Uint16Array(size);
  for (const [address, bits] of Object.entries(values)) {
    regs[Number(address)] = bits >>> 16;
    regs[Number(address) + 1] = bits & 0xffff;
  }
  return regs;
}

const blocksFor = (regs: Uint16Array, spans: { address: number; count: number }[]): ModbusRegisterBlock[] =>
  spans.map((s) => ({ address: s.address, registers: regs.slice(s.address, s.address + s.count) }));

const table = (r: ReturnType<typeof modbusReadings>): [string, number | string | boolean | null, string | undefined][] =>
  r.readings.map((x) => [x.key, x.value, x.unit]);

describe('built-in Modbus profiles in the one profile shape', () => {
  it.each(BUILTIN_MODBUS_PROFILES.map((p) => [p.id, p] as const))('%s validates and round-trips through JSON', (_id, p) => {
    expect(parseMeterProfile(JSON.parse(JSON.stringify(p)))).toEqual({ ok: true, value: p });
  });

  it('names the manufacturer document in each provenance', () => {
    expect(BUILTIN_MODBUS_PROFILES.map((p) => p.provenance[0]?.split(',')[0])).toEqual([
      'Eastron SDM630 Modbus Protocol V1.5',
      'Eastron SDM120-Modbus Protocol V2.1',
      'Eastron SDM72D-M-2 User Manual',
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

describe('Eastron SDM120-Modbus Protocol V2.1 and SDM72D-M-2 User Manual: input registers → readings', () => {
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

  it('SDM72: per-phase voltage, current, power and the energy registers', () => {
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

describe('modbus profile section validation', () => {
  it('applies scale and a SunSpec-style scale register', () => {
    const s = parseModbusSection({
      function: 3,
      registers: [
        { address: 10, type: 'int16', obis: '1-0:32.7.0', unit: 'V', scale: 0.1 },
        { address: 11, type: 'uint32', obis: '1-0:1.8.0', unit: 'Wh', scaleRegister: 13 },
      ],
    });
    expect(s.ok).toBe(true);
    const section = s.ok ? s.value : EASTRON_SDM630.modbus;
    const r = modbusReadings(section, [{ address: 10, registers: [2302, 0x0001, 0x86a0, 0xfffe] }]);
    expect(table(r)).toEqual([
      ['voltage_l1', 230.2, 'V'],
      ['energy_import_total', 1, 'kWh'],
    ]);
  });

  it('names the field at fault', () => {
    const msg = (v: unknown): string => {
      const r = parseModbusSection(v);
      return r.ok ? 'ok' : r.error.message;
    };
    expect(msg({ function: 5, registers: [] })).toBe('modbus.function: must be 3 (holding registers) or 4 (input registers)');
    expect(msg({ function: 4, registers: [{ address: 0, type: 'float16', obis: '1-0:1.8.0' }] })).toMatch(
      /^modbus\.registers\[0\]\.type: must be one of int16/,
    );
    expect(msg({ function: 4, registers: [{ address: 0, type: 'float32', obis: '1-0:1.8.0', order: 'ACBD' }] })).toBe(
      'modbus.registers[0].order: must be one of ABCD, CDAB, BADC, DCBA',
    );
    expect(msg({ function: 4, registers: [{ address: 70000, type: 'float32', obis: '1-0:1.8.0' }] })).toBe(
      'modbus.registers[0].address: must be an integer 0…65535',
    );
    expect(msg({ function: 4, registers: [{ address: 0, type: 'float32', obis: 'x' }] })).toBe(
      'modbus.registers[0].obis: not an OBIS code (e.g. "1-0:32.7.0")',
    );
    expect(
      msg({
        function: 4,
        registers: [
          { address: 0, type: 'float32', obis: '1-0:1.8.0' },
          { address: 2, type: 'float32', obis: '1.8.0' },
        ],
      }),
    ).toMatch(/registers\[1\]\.obis: 1-0:1\.8\.0 is listed twice/);
  });

  it('is required for a modbus profile and refused on other protocols', () => {
    const base = { id: 'x', protocol: 'modbus', provenance: ['own capture 2026-12-07'] };
    expect(parseMeterProfile(base)).toMatchObject({ ok: false, error: { message: 'modbus: required for protocol modbus' } });
    expect(parseMeterProfile({ ...base, protocol: 'sml', match: { manufacturerId: 'EMH' }, sml: { quirks: {} }, modbus: EASTRON_SDM630.modbus })).toMatchObject(
      { ok: false, error: { kind: 'bad-value' } },
    );
  });
});

describe('modbusSnapshot', () => {
  it('names the unit after profile and unit id and carries the model', () => {
    const regs = image({ 0x00: 0x43663333, 0x46: 0x42480000 });
    const r = modbusSnapshot(EASTRON_SDM630, 3, blocksFor(regs, planModbusReads(EASTRON_SDM630.modbus)));
    expect(r.snapshot?.meter).toEqual({ id: 'eastron-sdm630-3', model: 'Eastron SDM630' });
    expect([r.snapshot?.protocol, r.snapshot?.readings.find((x) => x.key === 'voltage_l1')?.value, r.errors]).toEqual(['modbus', 230.2, []]);
  });

  it('gives no snapshot when nothing was read', () => {
    const r = modbusSnapshot(EASTRON_SDM120, 1, []);
    expect([r.snapshot, r.errors.length]).toEqual([undefined, EASTRON_SDM120.modbus.registers.length]);
  });
});
