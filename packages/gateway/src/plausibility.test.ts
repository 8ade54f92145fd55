import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder, type ProtocolChoice } from '@smi/decoder';
import { QUANTITIES, QUANTITY_DEFINITIONS, type MeterSnapshot } from '@smi/model';
import { configSchema } from './config/schema';
import { LIFETIME_QUANTITIES, mergePlausibility, NO_PHYSICAL_RATE, PLAUSIBILITY_DEFAULTS, PlausibilityGuard, registerStep } from './plausibility';

const FIXTURES = join(__dirname, '../../decoder/fixtures');

function decodeFixture(protocol: ProtocolChoice, file: string): MeterSnapshot {
  const d = createDecoder(protocol);
  if (!d.ok) throw new Error(d.error);
  const events = [...d.value.push(readFileSync(join(FIXTURES, file))), ...(d.value.flush?.() ?? [])];
  const first = events.find((e) => e.ok);
  if (!first?.ok) throw new Error(`no frame in ${file}`);
  return first.snapshot;
}

/** Real DSMR 5 frame (Iskra AM550/MT382): energy_import_tariff_1 4.426 kWh, gas 0.107 m³, power 244 W. */
const V5 = decodeFixture('dsmr', 'dsmr/v5-iskra-mt382.txt');
/** Real D0 readout (Iskra MT174) with billing-period values 1.8.0*1…*15. */
const MT174 = decodeFixture('iec62056-21', 'd0/smartmeter-obis-iskra-mt174.txt');

/** The snapshot with some readings' values replaced (and, optionally, their capture time). */
function edit(s: MeterSnapshot, values: Record<string, number>, times: Record<string, string> = {}): MeterSnapshot {
  return {
    ...s,
    readings: s.readings.map((r) => (r.key in values ? { ...r, value: values[r.key] as number, ...(r.key in times ? { time: times[r.key] } : {}) } : r)),
  };
}

const value = (s: MeterSnapshot, key: string): unknown => s.readings.find((r) => r.key === key)?.value;
const T0 = Date.parse('2017-01-02T19:20:02+01:00');
const SEC = 1000;

describe('PlausibilityGuard', () => {
  it('accepts the first frame unchanged and tracks only lifetime registers', () => {
    const guard = new PlausibilityGuard();
    const r = guard.check(V5, T0);
    expect(r.snapshot).toBe(V5);
    expect(r.heldBack).toEqual([]);
    // 4 electricity energy registers + gas; power, counts, voltages are not tracked
    expect(guard.size).toBe(5);
  });

  it('holds back the 999,999 kWh spike and publishes the next sane frame', () => {
    const guard = new PlausibilityGuard();
    guard.check(V5, T0);
    const spike = guard.check(edit(V5, { energy_import_tariff_1: 999999.999 }), T0 + 10 * SEC);
    expect(spike.heldBack).toEqual([{ key: 'energy_import_tariff_1', value: 999999.999, lastValue: 4.426, reason: 'jump' }]);
    // the last accepted reading stands in: outputs repeat 4.426, discovery keeps the entity
    expect(value(spike.snapshot, 'energy_import_tariff_1')).toBe(4.426);
    expect(spike.snapshot.readings.map((r) => r.key)).toEqual(V5.readings.map((r) => r.key));
    expect(value(spike.snapshot, 'energy_import_tariff_2')).toBe(2.399);
    const next = guard.check(edit(V5, { energy_import_tariff_1: 4.427 }), T0 + 20 * SEC);
    expect(next.heldBack).toEqual([]);
    expect(value(next.snapshot, 'energy_import_tariff_1')).toBe(4.427);
  });

  it('holds back a step backwards beyond the resolution, accepts one within it', () => {
    const guard = new PlausibilityGuard();
    guard.check(edit(V5, { energy_import_tariff_1: 4.5 }), T0);
    const back = guard.check(edit(V5, { energy_import_tariff_1: 4.426 }), T0 + 10 * SEC);
    expect(back.heldBack).toEqual([{ key: 'energy_import_tariff_1', value: 4.426, lastValue: 4.5, reason: 'decrease' }]);
    const rounding = new PlausibilityGuard();
    rounding.check(V5, T0);
    expect(rounding.check(edit(V5, { energy_import_tariff_1: 4.425 }), T0 + 10 * SEC).heldBack).toEqual([]);
  });

  it('lets a slow legitimate rise through for a day, and a fast one up to the rate limit', () => {
    const guard = new PlausibilityGuard();
    let kwh = 4.426;
    let held = 0;
    for (let i = 0; i <= 8640; i++) {
      // 10 s frames, 3.6 kW: +0.01 kWh per frame
      held += guard.check(edit(V5, { energy_import_tariff_1: kwh }), T0 + i * 10 * SEC).heldBack.length;
      kwh = Math.round((kwh + 0.01) * 1000) / 1000;
    }
    expect(held).toBe(0);
    expect(kwh).toBeCloseTo(90.836, 3);
    // 1 h later the register may have grown by 250 kWh (+ 60 s tolerance), not by 300
    const limit = new PlausibilityGuard();
    limit.check(V5, T0);
    expect(limit.check(edit(V5, { energy_import_tariff_1: 4.426 + 254 }), T0 + 3600 * SEC).heldBack).toEqual([]);
    expect(limit.check(edit(V5, { energy_import_tariff_1: 4.426 + 254 + 300 }), T0 + 3601 * SEC).heldBack).toMatchObject([{ reason: 'jump' }]);
  });

  it('counts elapsed time from the capture time of readings that carry one (hourly gas values)', () => {
    const guard = new PlausibilityGuard();
    guard.check(V5, T0);
    // 10 s later a new hourly gas value: +6 m³ in one hour of meter time is plausible for 100 m³/h…
    const hourly = guard.check(edit(V5, { gas_volume: 6.107 }, { gas_volume: '2017-01-02T17:10:05+01:00' }), T0 + 10 * SEC);
    expect(hourly.heldBack).toEqual([]);
    // …but the same step without a newer capture time is not (10 s + 60 s of 100 m³/h ≈ 1.9 m³)
    const jumpy = guard.check(edit(V5, { gas_volume: 12.107 }, { gas_volume: '2017-01-02T17:10:05+01:00' }), T0 + 20 * SEC);
    expect(jumpy.heldBack).toEqual([{ key: 'gas_volume', value: 12.107, lastValue: 6.107, reason: 'jump' }]);
  });

  it('accepts a meter exchange after recoveryFrames agreeing frames and reports it once', () => {
    const guard = new PlausibilityGuard();
    guard.check(V5, T0);
    const values = [0.001, 0.002, 0.002, 0.003];
    const results = values.map((v, i) => guard.check(edit(V5, { energy_import_tariff_1: v }), T0 + (i + 1) * 10 * SEC));
    expect(results.map((r) => r.heldBack.map((h) => h.reason))).toEqual([['decrease'], ['decrease'], [], []]);
    expect(results.map((r) => r.recovered)).toEqual([[], [], [{ key: 'energy_import_tariff_1', value: 0.002, lastValue: 4.426 }], []]);
    expect(value(results[2]?.snapshot ?? V5, 'energy_import_tariff_1')).toBe(0.002);
    expect(value(results[3]?.snapshot ?? V5, 'energy_import_tariff_1')).toBe(0.003);
  });

  it('does not take a flickering spike as a new baseline', () => {
    const guard = new PlausibilityGuard();
    guard.check(V5, T0);
    const seq = [999999.999, 4.426, 999999.999, 4.426, 999999.999];
    const held = seq.map((v, i) => guard.check(edit(V5, { energy_import_tariff_1: v }), T0 + (i + 1) * 10 * SEC).heldBack.length);
    expect(held).toEqual([1, 0, 1, 0, 1]);
  });

  it('ignores power, counters, billing-period values and other meters', () => {
    const guard = new PlausibilityGuard();
    guard.check(V5, T0);
    const r = guard.check(edit(V5, { power_import: 999999, power_failures: 0, voltage_l1: 1 }), T0 + 10 * SEC);
    expect(r.heldBack).toEqual([]);
    expect(r.snapshot).toMatchObject({ readings: expect.arrayContaining([expect.objectContaining({ key: 'power_import', value: 999999 })]) });
    // a month later the D0 billing periods shift: 1.8.0*1 jumps from 7904.135 to 8048.375 at once
    const d0 = new PlausibilityGuard();
    d0.check(MT174, T0);
    const shifted = d0.check(edit(MT174, { energy_import_total_f1: 8048.375, energy_import_total: 8048.4 }), T0 + 60 * SEC);
    expect(shifted.heldBack).toEqual([]);
    expect(value(shifted.snapshot, 'energy_import_total_f1')).toBe(8048.375);
    // the same key of another meter id is another register
    const other = { ...edit(V5, { energy_import_tariff_1: 999999.999 }), meter: { ...V5.meter, id: 'OTHER' } };
    expect(guard.check(other, T0 + 20 * SEC).heldBack).toEqual([]);
  });

  it('derives what a register allows from its static fields again when they change, and keeps each meter apart', () => {
    const guard = new PlausibilityGuard();
    guard.check(V5, T0);
    const withObis = (s: MeterSnapshot, obis: string): MeterSnapshot => ({
      ...s,
      readings: s.readings.map((r) => (r.key === 'energy_import_tariff_1' ? { ...r, obis } : r)),
    });
    const spike = edit(V5, { energy_import_tariff_1: 999999.999 });
    // the same key as a billing-period value (F = 1) is not guarded: the spike passes…
    const billingInput = withObis(spike, '1-0:1.8.1*1');
    const billing = guard.check(billingInput, T0 + 10 * SEC);
    expect(billing.heldBack).toEqual([]);
    expect(billing.snapshot).toBe(billingInput);
    expect(value(billing.snapshot, 'energy_import_tariff_1')).toBe(999999.999);
    // …and back as the current value it is compared with the baseline it had before
    expect(guard.check(spike, T0 + 20 * SEC).heldBack).toEqual([{ key: 'energy_import_tariff_1', value: 999999.999, lastValue: 4.426, reason: 'jump' }]);
    // in another unit than the publishing one it is not guarded either
    const wh = { ...spike, readings: spike.readings.map((r) => (r.key === 'energy_import_tariff_1' ? { ...r, unit: 'Wh' as const } : r)) };
    expect(guard.check(wh, T0 + 30 * SEC).heldBack).toEqual([]);
    // a second meter id has its own registers; the first meter's stay as they were
    const other = { ...V5, meter: { ...V5.meter, id: 'OTHER' } };
    expect(guard.check(other, T0 + 40 * SEC).heldBack).toEqual([]);
    expect(guard.check({ ...spike, meter: other.meter }, T0 + 50 * SEC).heldBack).toMatchObject([{ key: 'energy_import_tariff_1', lastValue: 4.426 }]);
    expect(guard.check(spike, T0 + 60 * SEC).heldBack).toMatchObject([{ key: 'energy_import_tariff_1', lastValue: 4.426, reason: 'jump' }]);
    expect(guard.size).toBe(10);
    // nothing held back: the very snapshot comes back
    const sane = edit(V5, { energy_import_tariff_1: 4.5 });
    expect(guard.check(sane, T0 + 70 * SEC).snapshot).toBe(sane);
  });

  it('does nothing when disabled, and per-meter settings override the global ones', () => {
    const off = new PlausibilityGuard({ ...PLAUSIBILITY_DEFAULTS, enabled: false });
    off.check(V5, T0);
    expect(off.check(edit(V5, { energy_import_tariff_1: 999999.999 }), T0 + 10 * SEC).heldBack).toEqual([]);
    const merged = mergePlausibility(PLAUSIBILITY_DEFAULTS, { maxRate: { electricity: 10 } });
    expect(merged).toEqual({ ...PLAUSIBILITY_DEFAULTS, maxRate: { ...PLAUSIBILITY_DEFAULTS.maxRate, electricity: 10 } });
    const small = new PlausibilityGuard(merged);
    small.check(V5, T0);
    // 10 kW for 1 h (+60 s) ≈ 10.17 kWh
    expect(small.check(edit(V5, { energy_import_tariff_1: 4.426 + 11 }), T0 + 3600 * SEC).heldBack).toMatchObject([{ reason: 'jump' }]);
  });

  it('configuration: on by default with the documented rates; a meter may switch it off', () => {
    const c = configSchema.parse({ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, plausibility: { enabled: false, maxRate: { gas: 6 } } }] });
    expect(c.plausibility).toEqual({
      enabled: true,
      maxRate: { electricity: 250, heat: 1000, gas: 100, water: 50, volume: 100 },
      toleranceSeconds: 60,
      recoveryFrames: 3,
    });
    expect(mergePlausibility(c.plausibility, c.meters[0]?.plausibility)).toMatchObject({ enabled: false, maxRate: { gas: 6, water: 50 } });
    expect(configSchema.safeParse({ plausibility: { maxRate: { electricity: 0 } } }).success).toBe(false);
  });

  it('every lifetime quantity of the model has a rate family or is declared rate-free', () => {
    const totals = QUANTITIES.filter((q) => QUANTITY_DEFINITIONS[q].stateClass === 'total' || QUANTITY_DEFINITIONS[q].stateClass === 'total_increasing');
    expect(totals.filter((q) => LIFETIME_QUANTITIES[q] === undefined && !NO_PHYSICAL_RATE.includes(q))).toEqual([]);
    expect(registerStep('energy', 4.426)).toBeCloseTo(0.001, 9);
    expect(registerStep('reactive_energy', 120)).toBe(1);
  });
});
