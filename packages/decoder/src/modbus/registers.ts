import { fail, ok, type Result } from '../common/errors';

/** Register value types: signed/unsigned integers and IEEE 754 floats over 1, 2 or 4 registers. */
export const MODBUS_VALUE_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'] as const;
export type ModbusValueType = (typeof MODBUS_VALUE_TYPES)[number];

/**
 * Byte order of a value as four letters, `A` being the most significant byte of a 32-bit value:
 * `ABCD` big-endian (Modbus default, Eastron, SunSpec), `CDAB` word-swapped, `BADC` byte-swapped
 * within each register, `DCBA` little-endian. The same rule holds for every width: a first letter
 * C or D puts the least significant register first, a first letter B or D swaps the two bytes of
 * each register (for int16/uint16 only the byte swap applies).
 */
export const MODBUS_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type ModbusOrder = (typeof MODBUS_ORDERS)[number];

export const MODBUS_TYPE_REGISTERS: Readonly<Record<ModbusValueType, number>> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  int64: 4,
  uint64: 4,
  float32: 2,
  float64: 4,
};

/** The value's bytes most significant first, from `n` registers at `offset` in the given order. */
function bigEndianBytes(regs: ArrayLike<number>, offset: number, n: number, order: ModbusOrder): Uint8Array {
  const wordSwap = order[0] === 'C' || order[0] === 'D';
  const byteSwap = order[0] === 'B' || order[0] === 'D';
  const out = new Uint8Array(2 * n);
  for (let k = 0; k < n; k++) {
    const r = regs[offset + (wordSwap ? n - 1 - k : k)] as number;
    out[2 * k] = byteSwap ? r & 0xff : (r >> 8) & 0xff;
    out[2 * k + 1] = byteSwap ? (r >> 8) & 0xff : r & 0xff;
  }
  return out;
}

/**
 * The value of `type` at register `offset` of `regs`. 64-bit integers beyond ±2^53 are not exact
 * as numbers and are refused (`bad-value`); so are NaN and infinite floats (unused registers).
 */
export function decodeModbusValue(regs: ArrayLike<number>, offset: number, type: ModbusValueType, order: ModbusOrder = 'ABCD'): Result<number> {
  const n = MODBUS_TYPE_REGISTERS[type];
  if (offset < 0 || offset + n > regs.length)
    return fail('truncated', 'modbus', `${type} at register offset ${offset} needs ${n} registers, ${Math.max(0, regs.length - offset)} there`);
  const bytes = bigEndianBytes(regs, offset, n, order);
  const v = new DataView(bytes.buffer);
  let value: number;
  switch (type) {
    case 'int16':
      value = v.getInt16(0);
      break;
    case 'uint16':
      value = v.getUint16(0);
      break;
    case 'int32':
      value = v.getInt32(0);
      break;
    case 'uint32':
      value = v.getUint32(0);
      break;
    case 'float32':
      value = v.getFloat32(0);
      break;
    case 'float64':
      value = v.getFloat64(0);
      break;
    case 'int64':
    case 'uint64': {
      const big = type === 'int64' ? v.getBigInt64(0) : v.getBigUint64(0);
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) return fail('bad-value', 'modbus', `${type} ${big} is beyond ±2^53`);
      value = Number(big);
      break;
    }
  }
  if (!Number.isFinite(value)) return fail('bad-value', 'modbus', `${type} at register offset ${offset} is ${value}`);
  return ok(value);
}

/** The registers that carry `value` as `type` in `order` (the inverse of `decodeModbusValue`; simulators, tests). */
export function encodeModbusValue(value: number, type: ModbusValueType, order: ModbusOrder = 'ABCD'): number[] {
  const n = MODBUS_TYPE_REGISTERS[type];
  const bytes = new Uint8Array(2 * n);
  const v = new DataView(bytes.buffer);
  switch (type) {
    case 'int16':
      v.setInt16(0, value);
      break;
    case 'uint16':
      v.setUint16(0, value);
      break;
    case 'int32':
      v.setInt32(0, value);
      break;
    case 'uint32':
      v.setUint32(0, value);
      break;
    case 'float32':
      v.setFloat32(0, value);
      break;
    case 'float64':
      v.setFloat64(0, value);
      break;
    case 'int64':
      v.setBigInt64(0, BigInt(Math.trunc(value)));
      break;
    case 'uint64':
      v.setBigUint64(0, BigInt(Math.trunc(value)));
      break;
  }
  const wordSwap = order[0] === 'C' || order[0] === 'D';
  const byteSwap = order[0] === 'B' || order[0] === 'D';
  const regs: number[] = [];
  for (let k = 0; k < n; k++) {
    const hi = bytes[2 * k] as number;
    const lo = bytes[2 * k + 1] as number;
    regs.push(byteSwap ? (lo << 8) | hi : (hi << 8) | lo);
  }
  return wordSwap ? regs.reverse() : regs;
}
