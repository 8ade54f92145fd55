import type { Unit } from '@smi/model';

/**
 * DLMS/COSEM unit enumeration (IEC 62056-62, class 3 scaler_unit; SML uses the same codes) → the
 * model's unit. Codes without a model unit map to undefined (kept as raw value, no unit).
 */
const DLMS_UNITS: Readonly<Record<number, Unit>> = {
  4: 'd',
  5: 'h',
  6: 'min',
  7: 's',
  9: '°C',
  13: 'm³',
  14: 'm³',
  15: 'm³/h',
  16: 'm³/h',
  19: 'L',
  24: 'bar',
  27: 'W',
  28: 'VA',
  29: 'var',
  30: 'Wh',
  31: 'VAh',
  32: 'varh',
  33: 'A',
  35: 'V',
  44: 'Hz',
  52: 'K',
  56: '%',
};

export interface DlmsUnit {
  readonly unit?: Unit;
  /** Extra power of ten to apply (J is published as MJ: 10^-6). */
  readonly exponent: number;
}

/** Unit and extra exponent for a DLMS unit code; 255 (count) and unknown codes give no unit. */
export function dlmsUnit(code: number): DlmsUnit {
  if (code === 25) return { unit: 'MJ', exponent: -6 };
  const unit = DLMS_UNITS[code];
  return unit === undefined ? { exponent: 0 } : { unit, exponent: 0 };
}
