/**
 * Units as published to platforms: Home Assistant's exact strings (which openHAB's unit parser
 * also reads). `m³` uses U+00B3; reactive units are lower-case `var`.
 */
export const UNITS = [
  'Wh',
  'kWh',
  'MWh',
  'GJ',
  'MJ',
  'W',
  'kW',
  'MW',
  'varh',
  'kvarh',
  'var',
  'kvar',
  'VAh',
  'kVAh',
  'VA',
  'kVA',
  'V',
  'A',
  'Hz',
  '%',
  'm³',
  'L',
  'm³/h',
  'L/h',
  '°C',
  'K',
  'bar',
  'kg/h',
  's',
  'min',
  'h',
  'd',
] as const;
export type Unit = (typeof UNITS)[number];

const UNIT_SET: ReadonlySet<string> = new Set(UNITS);

/** Spellings seen on the wire → canonical unit (matched case-insensitively). */
const ALIASES: Readonly<Record<string, Unit>> = {
  wh: 'Wh',
  kwh: 'kWh',
  mwh: 'MWh',
  gj: 'GJ',
  mj: 'MJ',
  w: 'W',
  kw: 'kW',
  mw: 'MW',
  varh: 'varh',
  kvarh: 'kvarh',
  var: 'var',
  kvar: 'kvar',
  vah: 'VAh',
  kvah: 'kVAh',
  va: 'VA',
  kva: 'kVA',
  v: 'V',
  a: 'A',
  hz: 'Hz',
  '%': '%',
  m3: 'm³',
  'm³': 'm³',
  'm^3': 'm³',
  l: 'L',
  'm3/h': 'm³/h',
  'm³/h': 'm³/h',
  'l/h': 'L/h',
  '°c': '°C',
  c: '°C',
  degc: '°C',
  k: 'K',
  bar: 'bar',
  'kg/h': 'kg/h',
  s: 's',
  sec: 's',
  min: 'min',
  h: 'h',
  d: 'd',
};

export function isUnit(text: string): text is Unit {
  return UNIT_SET.has(text);
}

/** Canonical unit for a unit text as a meter writes it (`kWh`, `KWH`, `m3`, `kVArh`…). */
export function normalizeUnit(text: string): Unit | undefined {
  const t = text.trim();
  if (isUnit(t)) return t;
  return ALIASES[t.toLowerCase()];
}

/** Factor from a unit to its dimension's base unit, per dimension. */
const FACTORS: Readonly<Partial<Record<Unit, readonly [dimension: string, factor: number]>>> = {
  Wh: ['energy', 1],
  kWh: ['energy', 1e3],
  MWh: ['energy', 1e6],
  MJ: ['energy', 1e6 / 3600],
  GJ: ['energy', 1e9 / 3600],
  W: ['power', 1],
  kW: ['power', 1e3],
  MW: ['power', 1e6],
  varh: ['reactive_energy', 1],
  kvarh: ['reactive_energy', 1e3],
  var: ['reactive_power', 1],
  kvar: ['reactive_power', 1e3],
  VAh: ['apparent_energy', 1],
  kVAh: ['apparent_energy', 1e3],
  VA: ['apparent_power', 1],
  kVA: ['apparent_power', 1e3],
  'm³': ['volume', 1],
  L: ['volume', 1e-3],
  'm³/h': ['flow', 1],
  'L/h': ['flow', 1e-3],
  'kg/h': ['mass_flow', 1],
  s: ['time', 1],
  min: ['time', 60],
  h: ['time', 3600],
  d: ['time', 86400],
};

/**
 * Scale factor that turns a value in `from` into `to`, or undefined when the two units measure
 * different things. Factors are powers of ten or exact ratios; callers round for display only.
 */
export function unitFactor(from: Unit, to: Unit): number | undefined {
  if (from === to) return 1;
  const f = FACTORS[from];
  const t = FACTORS[to];
  if (!f || !t || f[0] !== t[0]) return undefined;
  return f[1] / t[1];
}

/** 10^0 … 10^22, the powers of ten a double holds exactly (read from text, not computed). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, e) => Number(`1e${e}`));

/** Exponent of a factor that is a power of ten (10^-12 … 10^12, as `unitFactor` divides them out). */
const POW10_EXPONENT = new Map<number, number>(
  Array.from({ length: 25 }, (_, i) => [i >= 12 ? (POW10[i - 12] as number) : 1 / (POW10[12 - i] as number), i - 12]),
);

/**
 * Converts a value between units of one dimension. Decimal-exact for power-of-ten factors
 * (1.234 kWh → 1234 Wh, not 1233.9999999999998).
 */
export function convertValue(value: number, from: Unit, to: Unit): number | undefined {
  const factor = unitFactor(from, to);
  if (factor === undefined) return undefined;
  if (factor === 1) return value;
  const exp = POW10_EXPONENT.get(factor) ?? Math.log10(factor);
  if (!Number.isInteger(exp)) return value * factor;
  // An integer of at most 15 digits (a meter register in Wh, the common case) times or divided by a
  // power of ten is a decimal of at most 15 significant digits, and IEEE arithmetic with the exact
  // power rounds correctly to the double nearest to it: what the round trip below would give again.
  const power = POW10[exp < 0 ? -exp : exp];
  if (power !== undefined && Number.isInteger(value) && Math.abs(value) < 1e15) {
    const exact = exp > 0 ? value * power : value / power;
    return exact === 0 ? 0 : exact; // no -0
  }
  const r = exp > 0 ? value * factor : value / 10 ** -exp;
  return Number(r.toPrecision(15));
}
