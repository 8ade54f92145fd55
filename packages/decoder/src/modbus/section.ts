import { canonicalObis, normalizeUnit, type ObisCode, type Unit } from '@smi/model';
import { fail, ok, type Result } from '../common/errors';
import type { ModbusReadFunction } from './pdu';
import { MODBUS_ORDERS, MODBUS_TYPE_REGISTERS, MODBUS_VALUE_TYPES, type ModbusOrder, type ModbusValueType } from './registers';

/** The `modbus` section of a meter profile: which registers to read and what they mean. */
export interface ModbusSection {
  /** 4 = input registers (Eastron), 3 = holding registers (SunSpec, many others). */
  readonly function: ModbusReadFunction;
  readonly registers: readonly ModbusProfileRegister[];
  /** Largest read the meter accepts (default 80: Eastron answers at most 40 floats per request). */
  readonly maxRegistersPerRead?: number;
  /** A register that tells this model apart from others (`smi detect`); absent: recognised by plausible values only. */
  readonly identify?: ModbusIdentify;
}

/**
 * How a model names itself: a product/type code register holding one of `values`, or text
 * (two ASCII characters per register, high byte first) that starts with `textPrefix`.
 */
export type ModbusIdentify =
  | {
      readonly function: ModbusReadFunction;
      readonly address: number;
      readonly type: ModbusValueType;
      readonly order?: ModbusOrder;
      /** Raw values (before any scale) that mean this model. */
      readonly values: readonly number[];
    }
  | {
      readonly function: ModbusReadFunction;
      readonly address: number;
      /** Registers of text to read. */
      readonly registers: number;
      /** The text (NULs and spaces trimmed) starts with this, compared case-insensitively. */
      readonly textPrefix: string;
    };

export interface ModbusProfileRegister {
  /** Protocol address (0-based: document register 30001 is address 0). */
  readonly address: number;
  readonly type: ModbusValueType;
  /** Byte order (default `ABCD`). */
  readonly order?: ModbusOrder;
  /** What the value is; the model registry gives key, name and quantity. */
  readonly obis: ObisCode;
  /** Unit of the value after scaling. */
  readonly unit?: Unit;
  /** Factor applied to the raw value (default 1). */
  readonly scale?: number;
  /** Address of an int16 power-of-ten exponent read with the same function (SunSpec scale factor). */
  readonly scaleRegister?: number;
  /** Raw value meaning "not implemented on this device" (SunSpec: 0x8000 int16, 0xFFFF uint16): no reading. */
  readonly notImplemented?: number;
}

const LAYER = 'meter-profile';
const problem = (path: string, message: string) => fail('bad-value', LAYER, `${path}: ${message}`);
const isObj = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAddress = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;

function parseRegister(v: unknown, path: string): Result<ModbusProfileRegister> {
  if (!isObj(v)) return problem(path, 'must be an object');
  const extra = Object.keys(v).find((k) => !['address', 'type', 'order', 'obis', 'unit', 'scale', 'scaleRegister', 'notImplemented'].includes(k));
  if (extra !== undefined) return problem(`${path}.${extra}`, 'unknown field');
  if (!isAddress(v.address)) return problem(`${path}.address`, 'must be an integer 0…65535');
  if (!MODBUS_VALUE_TYPES.includes(v.type as ModbusValueType)) return problem(`${path}.type`, `must be one of ${MODBUS_VALUE_TYPES.join(', ')}`);
  const type = v.type as ModbusValueType;
  if (v.address + MODBUS_TYPE_REGISTERS[type] > 0x10000) return problem(`${path}.address`, `a ${type} at ${v.address} runs past 65535`);
  if (v.order !== undefined && !MODBUS_ORDERS.includes(v.order as ModbusOrder)) return problem(`${path}.order`, `must be one of ${MODBUS_ORDERS.join(', ')}`);
  const obis = typeof v.obis === 'string' ? canonicalObis(v.obis) : undefined;
  if (obis === undefined) return problem(`${path}.obis`, 'not an OBIS code (e.g. "1-0:32.7.0")');
  const unit = v.unit === undefined ? undefined : typeof v.unit === 'string' ? normalizeUnit(v.unit) : undefined;
  if (v.unit !== undefined && unit === undefined) return problem(`${path}.unit`, 'not a known unit text');
  if (v.scale !== undefined && !(typeof v.scale === 'number' && Number.isFinite(v.scale) && v.scale !== 0))
    return problem(`${path}.scale`, 'must be a non-zero number');
  if (v.scaleRegister !== undefined && !isAddress(v.scaleRegister)) return problem(`${path}.scaleRegister`, 'must be an integer 0…65535');
  if (v.notImplemented !== undefined && !(typeof v.notImplemented === 'number' && Number.isSafeInteger(v.notImplemented)))
    return problem(`${path}.notImplemented`, 'must be an integer (the raw value)');
  return ok({
    address: v.address,
    type,
    obis,
    ...(v.order === undefined ? {} : { order: v.order as ModbusOrder }),
    ...(unit === undefined ? {} : { unit }),
    ...(v.scale === undefined ? {} : { scale: v.scale as number }),
    ...(v.scaleRegister === undefined ? {} : { scaleRegister: v.scaleRegister as number }),
    ...(v.notImplemented === undefined ? {} : { notImplemented: v.notImplemented as number }),
  });
}

function parseIdentify(v: unknown, path: string): Result<ModbusIdentify> {
  if (!isObj(v)) return problem(path, 'must be an object');
  if (v.function !== 3 && v.function !== 4) return problem(`${path}.function`, 'must be 3 (holding registers) or 4 (input registers)');
  if (!isAddress(v.address)) return problem(`${path}.address`, 'must be an integer 0…65535');
  if ('textPrefix' in v) {
    const extra = Object.keys(v).find((k) => !['function', 'address', 'registers', 'textPrefix'].includes(k));
    if (extra !== undefined) return problem(`${path}.${extra}`, 'unknown field');
    if (typeof v.textPrefix !== 'string' || v.textPrefix.trim() === '') return problem(`${path}.textPrefix`, 'must be a non-empty text');
    const n = v.registers;
    if (!(typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 125 && v.address + n <= 0x10000))
      return problem(`${path}.registers`, 'must be an integer 1…125 within the address space');
    if (2 * n < v.textPrefix.length) return problem(`${path}.registers`, `${n} registers hold ${2 * n} characters, fewer than textPrefix has`);
    return ok({ function: v.function, address: v.address, registers: n, textPrefix: v.textPrefix });
  }
  const extra = Object.keys(v).find((k) => !['function', 'address', 'type', 'order', 'values'].includes(k));
  if (extra !== undefined) return problem(`${path}.${extra}`, 'unknown field');
  if (!MODBUS_VALUE_TYPES.includes(v.type as ModbusValueType)) return problem(`${path}.type`, `must be one of ${MODBUS_VALUE_TYPES.join(', ')}`);
  if (v.order !== undefined && !MODBUS_ORDERS.includes(v.order as ModbusOrder)) return problem(`${path}.order`, `must be one of ${MODBUS_ORDERS.join(', ')}`);
  if (!Array.isArray(v.values) || v.values.length === 0 || !v.values.every((x) => typeof x === 'number' && Number.isFinite(x)))
    return problem(`${path}.values`, 'must be a non-empty array of numbers (the raw values that mean this model)');
  return ok({
    function: v.function,
    address: v.address,
    type: v.type as ModbusValueType,
    ...(v.order === undefined ? {} : { order: v.order as ModbusOrder }),
    values: v.values as number[],
  });
}

/** Validates a `modbus` section; errors name `modbus.registers[i].field`. */
export function parseModbusSection(v: unknown, path = 'modbus'): Result<ModbusSection> {
  if (!isObj(v)) return problem(path, 'must be an object');
  const extra = Object.keys(v).find((k) => !['function', 'registers', 'maxRegistersPerRead', 'identify'].includes(k));
  if (extra !== undefined) return problem(`${path}.${extra}`, 'unknown field');
  if (v.function !== 3 && v.function !== 4) return problem(`${path}.function`, 'must be 3 (holding registers) or 4 (input registers)');
  const max = v.maxRegistersPerRead;
  if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max >= 4 && max <= 125))
    return problem(`${path}.maxRegistersPerRead`, 'must be an integer 4…125');
  if (!Array.isArray(v.registers) || v.registers.length === 0) return problem(`${path}.registers`, 'must be a non-empty array');
  const registers: ModbusProfileRegister[] = [];
  for (const [i, item] of v.registers.entries()) {
    const r = parseRegister(item, `${path}.registers[${i}]`);
    if (!r.ok) return r;
    if (registers.some((q) => q.obis === r.value.obis)) return problem(`${path}.registers[${i}].obis`, `${r.value.obis} is listed twice`);
    registers.push(r.value);
  }
  let identify: ModbusIdentify | undefined;
  if (v.identify !== undefined) {
    const id = parseIdentify(v.identify, `${path}.identify`);
    if (!id.ok) return id;
    identify = id.value;
  }
  return ok({
    function: v.function,
    registers,
    ...(max === undefined ? {} : { maxRegistersPerRead: max as number }),
    ...(identify === undefined ? {} : { identify }),
  });
}
