import { TIME_UNITS } from './vif-types';

/**
 * What a combinable (orthogonal) VIFE does to the record it follows (EN 13757-3 "combinable
 * VIFE" table; protocol notes §5.7). Only the scale/offset rows are checked against libmbus;
 * the qualifier rows follow the standard's table and are unverified on fixtures except 3B/3C.
 */
export type VifeEffect =
  /** Value × 10^exponent (70–77: 10^(n−6); 7D: 10^3). */
  | { readonly kind: 'scale'; readonly exponent: number }
  /** Value + 10^exponent in the VIF's unit (78–7B). */
  | { readonly kind: 'offset'; readonly exponent: number }
  /** Changes the meaning without changing the number (forward flow, per hour, limit value…). */
  | { readonly kind: 'qualifier'; readonly key: string; readonly name: string }
  /** The value is the date (/time) of an event concerning the VIF's quantity. */
  | { readonly kind: 'date'; readonly key: string; readonly name: string }
  /** The value is a duration (in the given unit) concerning the VIF's quantity. */
  | { readonly kind: 'duration'; readonly key: string; readonly name: string; readonly unit: string }
  /** Record error reported by the slave (00–1F); code 00 means "no error". */
  | { readonly kind: 'error'; readonly code: number; readonly name: string }
  /** 7F: the following VIFEs (and the data) are manufacturer specific. */
  | { readonly kind: 'manufacturer' }
  /** 7C: the next VIFE is from the extension of the combinable table. */
  | { readonly kind: 'extension' }
  | { readonly kind: 'reserved' };

const RECORD_ERRORS: Readonly<Record<number, string>> = {
  0x00: 'no error',
  0x01: 'too many DIFEs',
  0x02: 'storage number not implemented',
  0x03: 'unit number not implemented',
  0x04: 'tariff number not implemented',
  0x05: 'function not implemented',
  0x06: 'data class not implemented',
  0x07: 'data size not implemented',
  0x0b: 'too many VIFEs',
  0x0c: 'illegal VIF group',
  0x0d: 'illegal VIF exponent',
  0x0e: 'VIF/DIF mismatch',
  0x0f: 'unimplemented action',
  0x15: 'no data available',
  0x16: 'data overflow',
  0x17: 'data underflow',
  0x18: 'data error',
  0x1c: 'premature end of record',
};

const PER: readonly (readonly [key: string, name: string])[] = [
  ['per_second', 'per second'],
  ['per_minute', 'per minute'],
  ['per_hour', 'per hour'],
  ['per_day', 'per day'],
  ['per_week', 'per week'],
  ['per_month', 'per month'],
  ['per_year', 'per year'],
  ['per_measurement', 'per revolution / measurement'],
  ['per_input_pulse_0', 'increment per input pulse on channel 0'],
  ['per_input_pulse_1', 'increment per input pulse on channel 1'],
  ['per_output_pulse_0', 'increment per output pulse on channel 0'],
  ['per_output_pulse_1', 'increment per output pulse on channel 1'],
  ['per_litre', 'per litre'],
  ['per_m3', 'per m³'],
  ['per_kg', 'per kg'],
  ['per_kelvin', 'per K'],
  ['per_kwh', 'per kWh'],
  ['per_gj', 'per GJ'],
  ['per_kw', 'per kW'],
  ['per_kelvin_litre', 'per K·l'],
  ['per_volt', 'per V'],
  ['per_ampere', 'per A'],
  ['times_second', 'multiplied by s'],
  ['times_second_per_volt', 'multiplied by s/V'],
  ['times_second_per_ampere', 'multiplied by s/A'],
];

/** Qualifiers 3A–3F and 68–6D (value during limit exceed, leakage, overflow). */
const NAMED: Readonly<Record<number, readonly [key: string, name: string]>> = {
  0x3a: ['uncorrected', 'uncorrected unit'],
  0x3b: ['forward', 'forward'],
  0x3c: ['backward', 'backward'],
  0x3d: ['non_metric', 'non-metric unit system'],
  0x3e: ['base_conditions', 'at base conditions'],
  0x3f: ['obis', 'OBIS declaration'],
  0x40: ['lower_limit', 'lower limit value'],
  0x48: ['upper_limit', 'upper limit value'],
  0x41: ['lower_limit_exceeds', 'number of lower limit exceeds'],
  0x49: ['upper_limit_exceeds', 'number of upper limit exceeds'],
  0x68: ['during_lower_limit_exceed', 'during lower limit exceed'],
  0x6c: ['during_upper_limit_exceed', 'during upper limit exceed'],
  0x69: ['leakage', 'leakage value'],
  0x6d: ['overflow', 'overflow value'],
  0x7e: ['future', 'future value'],
};

function firstLast(f: number): readonly [string, string] {
  return f ? ['last', 'last'] : ['first', 'first'];
}

/** Effect of one combinable VIFE (extension bit ignored). */
export function combinableVife(vife: number): VifeEffect {
  const c = vife & 0x7f;
  if (c <= 0x1f) {
    const name = RECORD_ERRORS[c];
    return name === undefined ? { kind: 'reserved' } : { kind: 'error', code: c, name };
  }
  if (c <= 0x38) {
    const [key, name] = PER[c - 0x20] as readonly [string, string];
    return { kind: 'qualifier', key, name };
  }
  if (c === 0x39) return { kind: 'date', key: 'start', name: 'start date of' };
  const named = NAMED[c];
  if (named) return { kind: 'qualifier', key: named[0], name: named[1] };
  if (c >= 0x42 && c <= 0x4f && c & 0x02) {
    // E100 uf1b: date (/time) of begin/end of first/last lower/upper limit exceed.
    const u = c & 0x08 ? 'upper' : 'lower';
    const [f] = firstLast(c & 0x04);
    const b = c & 0x01 ? 'end' : 'begin';
    return { kind: 'date', key: `${b}_${f}_${u}_limit_exceed`, name: `${b} of ${f} ${u} limit exceed` };
  }
  if (c >= 0x50 && c <= 0x5f) {
    // E101 ufnn: duration of limit exceed.
    const u = c & 0x08 ? 'upper' : 'lower';
    const [f] = firstLast(c & 0x04);
    return { kind: 'duration', key: `${f}_${u}_limit_exceed_duration`, name: `duration of ${f} ${u} limit exceed`, unit: TIME_UNITS[c & 0x03] as string };
  }
  if (c >= 0x60 && c <= 0x67) {
    // E110 0fnn: duration of (the event the VIF names).
    const [f] = firstLast(c & 0x04);
    return { kind: 'duration', key: `${f}_duration`, name: `duration of ${f}`, unit: TIME_UNITS[c & 0x03] as string };
  }
  if ((c & 0x7a) === 0x6a) {
    // E110 1f1b: date (/time) of (the event the VIF names).
    const [f] = firstLast(c & 0x04);
    const b = c & 0x01 ? 'end' : 'begin';
    return { kind: 'date', key: `${b}_${f}_date`, name: `date of ${b} of ${f}` };
  }
  if (c >= 0x70 && c <= 0x77) return { kind: 'scale', exponent: (c & 0x07) - 6 };
  if (c >= 0x78 && c <= 0x7b) return { kind: 'offset', exponent: (c & 0x03) - 3 };
  if (c === 0x7c) return { kind: 'extension' };
  if (c === 0x7d) return { kind: 'scale', exponent: 3 };
  if (c === 0x7f) return { kind: 'manufacturer' };
  return { kind: 'reserved' };
}

/** Extension of the combinable table (after VIFE 7C / FC): phases and absolute count (2013 edition, unverified). */
export const COMBINABLE_EXTENSION: Readonly<Record<number, readonly [key: string, name: string]>> = {
  0x01: ['l1', 'phase L1'],
  0x02: ['l2', 'phase L2'],
  0x03: ['l3', 'phase L3'],
  0x04: ['n', 'neutral'],
  0x05: ['l1_l2', 'between L1 and L2'],
  0x06: ['l2_l3', 'between L2 and L3'],
  0x07: ['l3_l1', 'between L3 and L1'],
  0x10: ['absolute', 'absolute count'],
};
