import { parseObis, QUANTITY_DEFINITIONS, type MeterSnapshot, type Quantity, type Reading } from '@smi/model';

/**
 * Plausibility guard for lifetime registers (energy and volume counters).
 *
 * A lifetime register only ever grows, and never faster than the connection it measures allows.
 * A decoded value that goes backwards or jumps further than physically possible since the value
 * it is compared with is held back (not published) and reported, so the pipeline can count it as
 * `implausible` and log it once. Pure: no clocks, no I/O; the caller passes the receive time.
 */

/** Physical families of lifetime registers, each with one maximum rate. */
export const RATE_FAMILIES = ['electricity', 'heat', 'gas', 'water', 'volume'] as const;
export type RateFamily = (typeof RATE_FAMILIES)[number];

export interface PlausibilitySettings {
  readonly enabled: boolean;
  /** Highest possible rate per family: kW for electricity and heat, m³/h for gas, water and other volumes. */
  readonly maxRate: Readonly<Record<RateFamily, number>>;
  /** Extra time granted on top of the elapsed time (meter capture vs. receive jitter, slow links). */
  readonly toleranceSeconds: number;
  /** Consecutive held-back frames that agree with each other after which their value becomes the new baseline. */
  readonly recoveryFrames: number;
}

/**
 * Defaults, physically generous: a 250 kW house connection (≈ 400 A at 400 V three-phase), a
 * 1 MW heat substation, a G65 gas meter (100 m³/h), a DN 50 water meter (50 m³/h).
 */
export const PLAUSIBILITY_DEFAULTS: PlausibilitySettings = {
  enabled: true,
  maxRate: { electricity: 250, heat: 1000, gas: 100, water: 50, volume: 100 },
  toleranceSeconds: 60,
  recoveryFrames: 3,
};

/**
 * Lifetime-register quantities → family and the factor from the family's rate unit to the
 * quantity's publishing unit per hour (kW → kWh/h, kvar → varh/h). Every quantity the model
 * publishes with state class `total`/`total_increasing` is either here or in `NO_PHYSICAL_RATE`
 * (checked by a test), so a new model quantity forces a decision.
 */
export const LIFETIME_QUANTITIES: Readonly<Partial<Record<Quantity, readonly [RateFamily, number]>>> = {
  energy: ['electricity', 1],
  reactive_energy: ['electricity', 1000],
  apparent_energy: ['electricity', 1000],
  heat_energy: ['heat', 1],
  gas_volume: ['gas', 1],
  water_volume: ['water', 1],
  volume: ['volume', 1],
};

/** Totals without a physical rate (event counters): never guarded. */
export const NO_PHYSICAL_RATE: readonly Quantity[] = ['count'];

export type HeldBackReason = 'decrease' | 'jump';

export interface HeldBackReading {
  readonly key: string;
  readonly value: number;
  /** The last published value it was compared with. */
  readonly lastValue: number;
  readonly reason: HeldBackReason;
}

export interface RecoveredReading {
  readonly key: string;
  readonly value: number;
  /** The baseline that was replaced (meter exchange or reset). */
  readonly lastValue: number;
}

export interface PlausibilityResult {
  /**
   * The snapshot with each held-back reading replaced by the register's last accepted reading (its
   * value and time), so outputs repeat the last good value and no entity vanishes from discovery;
   * the same object when nothing was held back.
   */
  readonly snapshot: MeterSnapshot;
  readonly heldBack: readonly HeldBackReading[];
  /** Registers whose new baseline was accepted by the recovery rule in this frame (log once). */
  readonly recovered: readonly RecoveredReading[];
}

interface Point {
  readonly value: number;
  /** Receive time (ms) of the first frame that carried this value. */
  readonly at: number;
  /** The reading's own capture time (ms, meter clock) when it has one. */
  readonly captured: number | undefined;
}

interface RegisterState {
  baseline: Point;
  /** The last accepted reading: it stands in for a held-back one. */
  accepted: Reading;
  /** Held-back values that agree with each other: a possible new baseline. */
  candidate: Point | undefined;
  agreeing: number;
}

/** The reading's rate limit per hour in its publishing unit, or undefined when it is not a guarded lifetime register. */
export function lifetimeRate(r: Reading, s: PlausibilitySettings): number | undefined {
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) return undefined;
  const family = LIFETIME_QUANTITIES[r.quantity];
  if (!family || r.unit !== QUANTITY_DEFINITIONS[r.quantity].unit) return undefined;
  if (r.obis !== undefined) {
    const o = parseObis(r.obis);
    // F ≠ 255: a stored billing-period value (jumps at period end); C = 16: signed net energy (import − export).
    if (o === undefined || o.f !== 255 || (o.a === 1 && o.c === 16)) return undefined;
  }
  return s.maxRate[family[0]] * family[1];
}

/**
 * Resolution of a register: the model's publishing precision of its quantity (0.001 kWh, 0.001 m³,
 * 1 varh), at least a relative 1e-9 so float noise of unit conversions never counts as a decrease.
 */
export function registerStep(quantity: Quantity, value: number): number {
  return Math.max(10 ** -(QUANTITY_DEFINITIONS[quantity].precision ?? 0), Math.abs(value) * 1e-9);
}

function parseTime(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Why `next` cannot follow `from`, or undefined when it can. */
function verdict(from: Point, next: Point, ratePerHour: number, step: number, s: PlausibilitySettings): HeldBackReason | undefined {
  const delta = next.value - from.value;
  if (delta < -step) return 'decrease';
  const received = Math.max(0, next.at - from.at);
  const captured = from.captured !== undefined && next.captured !== undefined ? Math.max(0, next.captured - from.captured) : 0;
  const hours = (Math.max(received, captured) / 1000 + s.toleranceSeconds) / 3600;
  return delta > ratePerHour * hours + step ? 'jump' : undefined;
}

/**
 * Keeps the last accepted value of every lifetime register per meter id and reading key.
 *
 * Rules: the first value is accepted. A later value is held back when it is lower than the last
 * accepted one by more than the register's resolution (the model's precision: `decrease`), or higher by more than
 * maxRate × (elapsed + tolerance) + resolution (`jump`); elapsed is counted from the frame that
 * first carried the accepted value, or from its own capture time when the reading has one,
 * whichever is longer. Recovery: when `recoveryFrames` consecutive held-back values agree with each
 * other (each a plausible successor of the one before), the last of them is accepted as the new
 * baseline (meter exchange, register reset) and reported once in `recovered`.
 */
export class PlausibilityGuard {
  private readonly registers = new Map<string, RegisterState>();

  constructor(private readonly settings: PlausibilitySettings = PLAUSIBILITY_DEFAULTS) {}

  /** Number of registers tracked (for tests and diagnostics). */
  get size(): number {
    return this.registers.size;
  }

  check(snapshot: MeterSnapshot, receivedAtMs: number): PlausibilityResult {
    const s = this.settings;
    if (!s.enabled) return { snapshot, heldBack: [], recovered: [] };
    const heldBack: HeldBackReading[] = [];
    const recovered: RecoveredReading[] = [];
    const replaced = new Map<Reading, Reading>();
    for (const r of snapshot.readings) {
      const rate = lifetimeRate(r, s);
      if (rate === undefined) continue;
      const point: Point = { value: r.value as number, at: receivedAtMs, captured: parseTime(r.time) };
      const step = registerStep(r.quantity, point.value) * 1.000001;
      const id = `${snapshot.meter.id}\u0000${r.key}`;
      const state = this.registers.get(id);
      if (state === undefined) {
        this.registers.set(id, { baseline: point, accepted: r, candidate: undefined, agreeing: 0 });
        continue;
      }
      const reason = verdict(state.baseline, point, rate, step, s);
      if (reason === undefined) {
        if (point.value !== state.baseline.value) state.baseline = point;
        state.accepted = r;
        state.candidate = undefined;
        state.agreeing = 0;
        continue;
      }
      const agrees = state.candidate !== undefined && verdict(state.candidate, point, rate, step, s) === undefined;
      const candidate = state.candidate;
      state.agreeing = agrees ? state.agreeing + 1 : 1;
      state.candidate = agrees && candidate !== undefined && candidate.value === point.value ? candidate : point;
      if (state.agreeing >= s.recoveryFrames) {
        recovered.push({ key: r.key, value: point.value, lastValue: state.baseline.value });
        state.baseline = state.candidate;
        state.accepted = r;
        state.candidate = undefined;
        state.agreeing = 0;
        continue;
      }
      heldBack.push({ key: r.key, value: point.value, lastValue: state.baseline.value, reason });
      replaced.set(r, state.accepted);
    }
    if (replaced.size === 0) return { snapshot, heldBack, recovered };
    return { snapshot: { ...snapshot, readings: snapshot.readings.map((r) => replaced.get(r) ?? r) }, heldBack, recovered };
  }
}

/** Global settings with one meter's overrides on top. */
export function mergePlausibility(
  global: PlausibilitySettings,
  meter:
    | {
        readonly enabled?: boolean | undefined;
        readonly maxRate?: Partial<Record<RateFamily, number | undefined>> | undefined;
        readonly toleranceSeconds?: number | undefined;
        readonly recoveryFrames?: number | undefined;
      }
    | undefined,
): PlausibilitySettings {
  if (meter === undefined) return global;
  const maxRate = { ...global.maxRate };
  for (const f of RATE_FAMILIES) {
    const v = meter.maxRate?.[f];
    if (v !== undefined) maxRate[f] = v;
  }
  return {
    enabled: meter.enabled ?? global.enabled,
    maxRate,
    toleranceSeconds: meter.toleranceSeconds ?? global.toleranceSeconds,
    recoveryFrames: meter.recoveryFrames ?? global.recoveryFrames,
  };
}
