import { parseMeterProfile } from '../common/profile';
import { planModbusReads } from './readings';
import { modbusSnapshot } from './snapshot';
import { isSunSpecMarker, modbusText, parseSunSpecCommon, sunSpecProfile, type SunSpecModelHeader } from './sunspec';

/** Registers of a device as the SunSpec Information Model Reference lays them out (values chosen here). */
function device(models: Record<number, number[]>): Map<number, number> {
  const m = new Map<number, number>();
  for (const [start, regs] of Object.entries(models)) regs.forEach((v, i) => m.set(Number(start) + i, v & 0xffff));
  return m;
}
const text = (s: string, regs: number): number[] => Array.from({ length: regs }, (_, i) => ((s.charCodeAt(2 * i) || 0) << 8) | (s.charCodeAt(2 * i + 1) || 0));
const read = (m: Map<number, number>, address: number, count: number): number[] => Array.from({ length: count }, (_, i) => m.get(address + i) ?? 0);

// SolarEdge-style layout: SunS at 40000, model 1 (L 65) at 40002, model 103 (L 50) at 40069, end at 40121.
const COMMON = [1, 65, ...text('SolarEdge', 16), ...text('SE7K-RW0TEBNN4', 16), ...text('', 8), ...text('0004.0007.0026', 8), ...text('7E16F37C', 16), 2];
const M103 = [
  103,
  50,
  2130,
  710,
  712,
  708,
  -2, // A, AphA-C, A_SF → 21.30 A …
  4000,
  4001,
  3999,
  2301,
  2312,
  2298,
  -1, // PPV (not mapped), PhVphA-C, V_SF → 230.1 V …
  4850,
  0,
  5001,
  -2,
  4900,
  0,
  0x8000,
  0,
  9900,
  -2, // W, W_SF, Hz, Hz_SF, VA, VA_SF, VAr (not implemented), VAr_SF, PF %, PF_SF
  0x0001,
  0x86a0,
  1, // WH acc32 = 100000, WH_SF 1 → 1 000 000 Wh
  ...new Array<number>(25).fill(0),
];
const INVERTER = device({ 40000: [0x5375, 0x6e53], 40002: COMMON, 40069: M103, 40121: [0xffff, 0] });
const MODELS: SunSpecModelHeader[] = [
  { id: 1, address: 40002, length: 65 },
  { id: 103, address: 40069, length: 50 },
];

describe('SunSpec (SunSpec Information Model Reference: models 1, 101-103, 201-204)', () => {
  it('recognises the SunS marker and the model chain', () => {
    expect([isSunSpecMarker(read(INVERTER, 40000, 2)), isSunSpecMarker([0x5375, 0x6e54])]).toEqual([true, false]);
    expect([read(INVERTER, 40002, 2), read(INVERTER, 40069, 2), read(INVERTER, 40121, 2)]).toEqual([
      [1, 65],
      [103, 50],
      [0xffff, 0],
    ]);
  });

  it('reads model 1: manufacturer, model, version, serial', () => {
    expect(parseSunSpecCommon(read(INVERTER, 40004, 65))).toEqual({
      ok: true,
      value: { manufacturer: 'SolarEdge', model: 'SE7K-RW0TEBNN4', version: '0004.0007.0026', serial: '7E16F37C' },
    });
    expect(modbusText([0x4142, 0x4300, 0x4444], 0, 3)).toBe('ABC');
  });

  it('maps model 103 with its scale factors to readings, without a device profile', () => {
    const common = parseSunSpecCommon(read(INVERTER, 40004, 65));
    const p = sunSpecProfile(MODELS, common.ok ? common.value : undefined);
    expect(p.ok && parseMeterProfile(JSON.parse(JSON.stringify(p.value)))).toEqual({ ok: true, value: p.ok && p.value });
    const profile = p.ok ? p.value : undefined;
    expect(profile && planModbusReads(profile.modbus)).toEqual([{ address: 40071, count: 25 }]);
    const blocks = [{ address: 40071, registers: read(INVERTER, 40071, 25) }];
    const s = profile && modbusSnapshot(profile, 1, blocks, { id: '7E16F37C', manufacturer: 'SolarEdge' });
    expect(s?.errors).toEqual([]);
    expect(s?.snapshot?.meter).toEqual({ id: '7E16F37C', manufacturer: 'SolarEdge', model: 'SolarEdge SE7K-RW0TEBNN4' });
    expect(s?.snapshot?.readings.map((r) => [r.key, r.value, r.unit])).toEqual([
      ['current', 21.3, 'A'],
      ['current_l1', 7.1, 'A'],
      ['current_l2', 7.12, 'A'],
      ['current_l3', 7.08, 'A'],
      ['voltage_l1', 230.1, 'V'],
      ['voltage_l2', 231.2, 'V'],
      ['voltage_l3', 229.8, 'V'],
      ['power', 4850, 'W'],
      ['frequency', 50.01, 'Hz'],
      ['apparent_power_import', 4900, 'VA'],
      ['power_factor', 0.99, undefined],
      ['energy_export_total', 1000, 'kWh'],
    ]);
  });

  it('maps meter model 203 (wye): per-phase power, import and export energy', () => {
    const d = 50002 + 2;
    const m = device({ [d]: [500, 200, 150, 150, -2, 2300, 2301, 2302, 2303, 4000, 3990, 3985, 3995, -1, 5000, -2, 1150, 460, 345, 345, 0] });
    m.set(d + 36, 0);
    m.set(d + 37, 5000);
    m.set(d + 44, 0x0001);
    m.set(d + 45, 0x0000);
    m.set(d + 52, 0);
    const p = sunSpecProfile([{ id: 203, address: 50002, length: 105 }]);
    const profile = p.ok ? p.value : undefined;
    const spans = profile ? planModbusReads(profile.modbus) : [];
    expect(spans).toEqual([{ address: d, count: 53 }]);
    const s = profile && modbusSnapshot(profile, 4, [{ address: d, registers: read(m, d, 53) }]);
    const v = (key: string): unknown => s?.snapshot?.readings.find((r) => r.key === key)?.value;
    expect([
      s?.snapshot?.meter.id,
      v('current_l1'),
      v('voltage_l3'),
      v('frequency'),
      v('power'),
      v('power_l2'),
      v('energy_export_total'),
      v('energy_import_total'),
    ]).toEqual(['sunspec-203-4', 2, 230.3, 50, 1150, 345, 5, 65.536]);
  });

  it('says which models a device has when none can be mapped', () => {
    expect(
      sunSpecProfile([
        { id: 1, address: 40002, length: 65 },
        { id: 160, address: 40069, length: 48 },
      ]),
    ).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(sunSpecProfile([{ id: 203, address: 40069, length: 20 }])).toMatchObject({ ok: false, error: { kind: 'bad-length' } });
  });
});
