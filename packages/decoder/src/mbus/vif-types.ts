import { isUnit, type Quantity, type Unit } from '@smi/model';

/**
 * How the data bytes are read beyond their DIF coding: `number` (scaled), `date` (types G/F/I/J
 * chosen by the data length), `identifier` (digits kept as text: fabrication numbers), `text`
 * (versions and names: numbers rendered as text), `manufacturer` (16-bit FLAG code → 3 letters).
 */
export type VifValueType = 'number' | 'date' | 'identifier' | 'text' | 'manufacturer';

/** One row of a VIF table: a code or a range whose low bits select the decimal exponent or time unit. */
export interface VifRow {
  readonly from: number;
  readonly to?: number;
  readonly key: string;
  readonly name: string;
  /**
   * Model quantity of the value. `energy` and `volume` are the generic ones: the reading layer
   * narrows them by the meter's medium (`quantityInMedium`). `unknown` where the model has none
   * (mass, currency, phase angle, dimensionless, manufacturer specific).
   */
  readonly quantity: Quantity;
  /** `false` for rows whose values are announced disabled (manufacturer specific, any VIF). */
  readonly enabledByDefault?: false;
  /** Unit of `raw × factor × 10^exp`: a model unit where one exists, else the unit as text. */
  readonly unit?: string;
  /** Decimal exponent at `from`; each step of the code adds one. */
  readonly exp?: number;
  /** Unit per step of the code (durations: s, min, h, d). */
  readonly units?: readonly string[];
  /** Exact extra factor (J/h → W: 1/3600; m³/min → m³/h: 60). */
  readonly factor?: number;
  readonly value?: VifValueType;
}

/** A VIF code resolved against its table. */
export interface VifDefinition {
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  /** `false`: announced disabled (manufacturer specific, any VIF, reserved codes). */
  readonly enabledByDefault?: false;
  /** Canonical model unit of the scaled value, when the model has one. */
  readonly unit?: Unit;
  /** Unit text when the model has no such unit (kg, °F, currency, Bd…). */
  readonly meterUnit?: string;
  readonly exponent: number;
  readonly factor: number;
  readonly valueType: VifValueType;
}

export function findRow(rows: readonly VifRow[], code: number): VifRow | undefined {
  return rows.find((r) => code >= r.from && code <= (r.to ?? r.from));
}

export function resolveRow(row: VifRow, code: number): VifDefinition {
  const step = code - row.from;
  const unitText = row.units ? row.units[step] : row.unit;
  const unit = unitText !== undefined && isUnit(unitText) ? { unit: unitText } : unitText !== undefined ? { meterUnit: unitText } : {};
  return {
    key: row.key,
    name: row.name,
    quantity: row.quantity,
    ...(row.enabledByDefault === false ? { enabledByDefault: false as const } : {}),
    ...unit,
    exponent: row.exp === undefined ? 0 : row.exp + step,
    factor: row.factor ?? 1,
    valueType: row.value ?? 'number',
  };
}

export const TIME_UNITS = ['s', 'min', 'h', 'd'] as const;
export const LONG_TIME_UNITS = ['h', 'd', 'month', 'year'] as const;
