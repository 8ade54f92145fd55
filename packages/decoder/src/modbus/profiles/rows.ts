import type { ObisCode, Unit } from '@smi/model';
import type { ModbusOrder, ModbusValueType } from '../registers';
import type { ModbusIdentify, ModbusProfileRegister } from '../section';

/** Options of one register row beyond address, type, OBIS code and unit. */
export interface RowOptions {
  readonly order?: ModbusOrder;
  readonly scale?: number;
  readonly notImplemented?: number;
}

/** One register row: `type` at `address`, meaning `obis`, in `unit` after `scale`. */
export function row(address: number, type: ModbusValueType, obis: string, unit?: Unit, options: RowOptions = {}): ModbusProfileRegister {
  return {
    address,
    type,
    obis: obis as ObisCode,
    ...(options.order === undefined ? {} : { order: options.order }),
    ...(unit === undefined ? {} : { unit }),
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(options.notImplemented === undefined ? {} : { notImplemented: options.notImplemented }),
  };
}

/** A float32 register, big-endian (`ABCD`): Eastron, Schneider, ORNO. */
export const f32 = (address: number, obis: string, unit?: Unit): ModbusProfileRegister => row(address, 'float32', obis, unit);

/**
 * The three rows of a per-phase quantity: L1 at `address`, L2 and L3 `stride` registers apart;
 * OBIS C of L1 is `c` (32 voltage, 31 current, 36 power, 33 power factor …), L2/L3 add 20/40.
 */
export function phaseRows(
  address: number,
  stride: number,
  c: number,
  type: ModbusValueType,
  unit?: Unit,
  options: RowOptions = {},
  d = 7,
): ModbusProfileRegister[] {
  return [0, 1, 2].map((i) => row(address + stride * i, type, `1-0:${c + 20 * i}.${d}.0`, unit, options));
}

/** A product/model code register read as a uint16 with function 3 (holding registers). */
export const holdingCode = (address: number, ...values: number[]): ModbusIdentify => ({ function: 3, address, type: 'uint16', values });

/**
 * Eastron's model code: holding register 0xFC02 (uint16). No Eastron document read here lists the
 * codes; they are the values the Victron Venus OS community Eastron drivers (Thomas Weichenberger:
 * Eastron_SDM630v2.py, Eastron_SDM120.py, TWE_Eastron_SDM72D.py) probe for, whose SDM230 driver
 * points to the Eastron SDM630MCT-ML User Manual V1.2 for the register.
 */
export const eastronModelCode = (...values: number[]): ModbusIdentify => holdingCode(0xfc02, ...values);

export const EASTRON_CODE_SOURCE =
  'identify: model code in holding register 0xFC02 as probed by the Victron Venus OS community Eastron drivers (Thomas Weichenberger), not verified in an Eastron document';

/**
 * The input registers Eastron's single-phase meters (SDM120, SDM230) share: V, A, W, VA, var, PF,
 * Hz, import/export kWh and kvarh, total kWh — float32 at the SDM630's total-value addresses.
 */
export function eastronSinglePhaseRows(): ModbusProfileRegister[] {
  return [
    f32(0x00, '1-0:12.7.0', 'V'),
    f32(0x06, '1-0:11.7.0', 'A'),
    f32(0x0c, '1-0:16.7.0', 'W'),
    f32(0x12, '1-0:9.7.0', 'VA'),
    f32(0x18, '1-0:3.7.0', 'var'),
    f32(0x1e, '1-0:13.7.0'),
    f32(0x46, '1-0:14.7.0', 'Hz'),
    f32(0x48, '1-0:1.8.0', 'kWh'),
    f32(0x4a, '1-0:2.8.0', 'kWh'),
    f32(0x4c, '1-0:3.8.0', 'kvarh'),
    f32(0x4e, '1-0:4.8.0', 'kvarh'),
    f32(0x156, '1-0:15.8.0', 'kWh'),
  ];
}

/** Carlo Gavazzi 32-bit integers: signed, least significant word first (`CDAB`). */
export const CG32 = { order: 'CDAB' } as const;

/**
 * The register map Carlo Gavazzi's EM300 series (EM330/EM340/ET330/ET340) and the EM24 Ethernet
 * (E1) share: int32 word-swapped in 0.1 V, 0.001 A, 0.1 W and 0.1 kWh; int16 power factor in 0.001
 * and frequency in 0.1 Hz.
 */
export function carloGavazziEm300Rows(): ModbusProfileRegister[] {
  return [
    ...phaseRows(0x00, 2, 32, 'int32', 'V', { ...CG32, scale: 0.1 }),
    ...phaseRows(0x0c, 2, 31, 'int32', 'A', { ...CG32, scale: 0.001 }),
    ...phaseRows(0x12, 2, 36, 'int32', 'W', { ...CG32, scale: 0.1 }),
    row(0x28, 'int32', '1-0:16.7.0', 'W', { ...CG32, scale: 0.1 }),
    ...phaseRows(0x2e, 1, 33, 'int16', undefined, { scale: 0.001 }),
    row(0x31, 'int16', '1-0:13.7.0', undefined, { scale: 0.001 }),
    row(0x33, 'int16', '1-0:14.7.0', 'Hz', { scale: 0.1 }),
    row(0x34, 'int32', '1-0:1.8.0', 'kWh', { ...CG32, scale: 0.1 }),
    ...phaseRows(0x40, 2, 21, 'int32', 'kWh', { ...CG32, scale: 0.1 }, 8),
    row(0x4e, 'int32', '1-0:2.8.0', 'kWh', { ...CG32, scale: 0.1 }),
  ];
}

/** Carlo Gavazzi's model identification code: holding register 0x000B (uint16). */
export const carloGavazziCode = (...values: number[]): ModbusIdentify => holdingCode(0x000b, ...values);
