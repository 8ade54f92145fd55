import { parseMeterProfile } from '../../common/profile';
import { modbusReadings, planModbusReads } from '../readings';
import { blocksFor, floatImage as image, table } from './testing';
import { parseModbusSection } from '../section';
import { modbusSnapshot } from '../snapshot';
import { BUILTIN_MODBUS_PROFILES, EASTRON_SDM120, EASTRON_SDM630, builtinModbusProfile } from '.';

describe('built-in Modbus profiles in the one profile shape', () => {
  it.each(BUILTIN_MODBUS_PROFILES.map((p) => [p.id, p] as const))('%s validates and round-trips through JSON', (_id, p) => {
    expect(parseMeterProfile(JSON.parse(JSON.stringify(p)))).toEqual({ ok: true, value: p });
  });

  it('lists each model once, the original Eastron three first, and finds them by id', () => {
    expect(BUILTIN_MODBUS_PROFILES.map((p) => p.id)).toEqual([
      'eastron-sdm630',
      'eastron-sdm120',
      'eastron-sdm72',
      'eastron-sdm230',
      'abb-b23',
      'carlo-gavazzi-em24',
      'carlo-gavazzi-em24-e1',
      'carlo-gavazzi-em340',
      'schneider-iem3000',
      'orno-we-516',
      'orno-we-504',
      'orno-we-514',
      'finder-7m38',
      'finder-7m24',
      'janitza-umg96rm',
    ]);
    expect(BUILTIN_MODBUS_PROFILES.map((p) => builtinModbusProfile(p.id))).toEqual(BUILTIN_MODBUS_PROFILES);
    expect(builtinModbusProfile('eastron-sdm999')).toBeUndefined();
  });

  it.each(BUILTIN_MODBUS_PROFILES.map((p) => [p.id, p] as const))('%s: every read of a poll stays within the meter limit', (_id, p) => {
    const limit = p.modbus.maxRegistersPerRead ?? 80;
    const spans = planModbusReads(p.modbus);
    expect(spans.filter((s) => s.count > limit)).toEqual([]);
    expect(spans.length).toBeLessThanOrEqual(5);
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
