import { parseObis, QUANTITIES, QUANTITY_DEFINITIONS, type MeterSnapshot, type Quantity, type Reading } from '@smi/model';

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

/**
 * One reading key of one meter whose quantity is a lifetime quantity: what its static fields
 * (quantity, unit, OBIS code) allow, derived once and again only when one of them changes, and,
 * once it is guarded, the register's state.
 */
interface Register {
  quantity: Quantity;
  unit: Reading['unit'];
  obis: Reading['obis'];
  /** Whether these static fields make it a guarded register (else its values are not checked). */
  guarded: boolean;
  /** Baseline: value, receive time of the first frame that carried it, its capture time. */
  value: number;
  at: number;
  captured: number | undefined;
  /** The last accepted reading: it stands in for a held-back one; undefined until the first guarded value. */
  accepted: Reading | undefined;
  /** Held-back values that agree with each other: a possible new baseline. */
  candidate: Point | undefined;
  agreeing: number;
  /** The last capture time text seen and its parsed value (a capture time repeats for many frames). */
  timeText: string | undefined;
  timeMs: number | undefined;
}

/** Whether a reading of a lifetime quantity is guarded, by its static fields (unit, OBIS code) only. */
function guardable(r: Reading): boolean {
  if (r.unit !== QUANTITY_DEFINITIONS[r.quantity].unit) return false;
  if (r.obis === undefined) return true;
  const o = parseObis(r.obis);
  // F ≠ 255: a stored billing-period value (jumps at period end); C = 16: signed net energy (import − export).
  return o !== undefined && o.f === 255 && !(o.a === 1 && o.c === 16);
}

/**
 * Resolution of a register: the model's publishing precision of its quantity (0.001 kWh, 0.001 m³,
 * 1 varh), at least a relative 1e-9 so float noise of unit conversions never counts as a decrease.
 */
export function registerStep(quantity: Quantity, value: number): number {
  return Math.max(RESOLUTION[quantity], Math.abs(value) * 1e-9);
}

function resolutionOf(quantity: Quantity): number {
  return 10 ** -(QUANTITY_DEFINITIONS[quantity].precision ?? 0);
}

/** `resolutionOf` of every quantity, computed once. */
const RESOLUTION = Object.fromEntries(QUANTITIES.map((q) => [q, resolutionOf(q)])) as Readonly<Record<Quantity, number>>;

function parseTime(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Why a value cannot follow `from`, or undefined when it can. */
function verdict(
  fromValue: number,
  fromAt: number,
  fromCaptured: number | undefined,
  value: number,
  at: number,
  captured: number | undefined,
  ratePerHour: number,
  step: number,
  s: PlausibilitySettings,
): HeldBackReason | undefined {
  const delta = value - fromValue;
  if (delta < -step) return 'decrease';
  const received = Math.max(0, at - fromAt);
  const elapsed = fromCaptured !== undefined && captured !== undefined ? Math.max(0, captured - fromCaptured) : 0;
  const hours = (Math.max(received, elapsed) / 1000 + s.toleranceSeconds) / 3600;
  return delta > ratePerHour * hours + step ? 'jump' : undefined;
}

const NONE: readonly never[] = Object.freeze([]);

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
  /** Registers per reading key of the first meter id seen (a guard mostly sees one meter)… */
  private firstId: string | undefined;
  private firstRegisters: Map<string, Register> | undefined;
  /** …and of any other meter id. */
  private others: Map<string, Map<string, Register>> | undefined;
  private tracked = 0;

  constructor(private readonly settings: PlausibilitySettings = PLAUSIBILITY_DEFAULTS) {}

  /** Number of registers tracked (for tests and diagnostics). */
  get size(): number {
    return this.tracked;
  }

  private registersOf(id: string): Map<string, Register> {
    if (this.firstRegisters === undefined) {
      this.firstId = id;
      return (this.firstRegisters = new Map());
    }
    if (id === this.firstId) return this.firstRegisters;
    this.others ??= new Map();
    let regs = this.others.get(id);
    if (regs === undefined) this.others.set(id, (regs = new Map()));
    return regs;
  }

  check(snapshot: MeterSnapshot, receivedAtMs: number): PlausibilityResult {
    const s = this.settings;
    if (!s.enabled) return { snapshot, heldBack: NONE, recovered: NONE };
    let heldBack: HeldBackReading[] | undefined;
    let recovered: RecoveredReading[] | undefined;
    let replaced: Map<Reading, Reading> | undefined;
    let regs: Map<string, Register> | undefined;
    const readings = snapshot.readings;
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i] as Reading;
      const value = r.value;
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const family = LIFETIME_QUANTITIES[r.quantity];
      if (family === undefined) continue;
      regs ??= this.registersOf(snapshot.meter.id);
      let reg = regs.get(r.key);
      if (reg === undefined) {
        reg = {
          quantity: r.quantity,
          unit: r.unit,
          obis: r.obis,
          guarded: guardable(r),
          value: 0,
          at: 0,
          captured: undefined,
          accepted: undefined,
          candidate: undefined,
          agreeing: 0,
          timeText: undefined,
          timeMs: undefined,
        };
        regs.set(r.key, reg);
      } else if (reg.quantity !== r.quantity || reg.unit !== r.unit || reg.obis !== r.obis) {
        reg.quantity = r.quantity;
        reg.unit = r.unit;
        reg.obis = r.obis;
        reg.guarded = guardable(r);
      }
      if (!reg.guarded) continue;
      const rate = s.maxRate[family[0]] * family[1];
      const time = r.time;
      if (time !== reg.timeText) {
        reg.timeText = time;
        reg.timeMs = parseTime(time);
      }
      const captured = reg.timeMs;
      if (reg.accepted === undefined) {
        this.tracked++;
        reg.value = value;
        reg.at = receivedAtMs;
        reg.captured = captured;
        reg.accepted = r;
        continue;
      }
      const step = registerStep(r.quantity, value) * 1.000001;
      const reason = verdict(reg.value, reg.at, reg.captured, value, receivedAtMs, captured, rate, step, s);
      if (reason === undefined) {
        if (value !== reg.value) {
          reg.value = value;
          reg.at = receivedAtMs;
          reg.captured = captured;
        }
        reg.accepted = r;
        reg.candidate = undefined;
        reg.agreeing = 0;
        continue;
      }
      const candidate = reg.candidate;
      const agrees =
        candidate !== undefined && verdict(candidate.value, candidate.at, candidate.captured, value, receivedAtMs, captured, rate, step, s) === undefined;
      reg.agreeing = agrees ? reg.agreeing + 1 : 1;
      const next = agrees && candidate.value === value ? candidate : { value, at: receivedAtMs, captured };
      if (reg.agreeing >= s.recoveryFrames) {
        (recovered ??= []).push({ key: r.key, value, lastValue: reg.value });
        reg.value = next.value;
        reg.at = next.at;
        reg.captured = next.captured;
        reg.accepted = r;
        reg.candidate = undefined;
        reg.agreeing = 0;
        continue;
      }
      reg.candidate = next;
      (heldBack ??= []).push({ key: r.key, value, lastValue: reg.value, reason });
      (replaced ??= new Map()).set(r, reg.accepted);
    }
    const held = replaced;
    if (held === undefined) return { snapshot, heldBack: heldBack ?? NONE, recovered: recovered ?? NONE };
    return { snapshot: { ...snapshot, readings: readings.map((r) => held.get(r) ?? r) }, heldBack: heldBack ?? NONE, recovered: recovered ?? NONE };
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
