import { fail, ok, type DecodeError, type Result } from '../common/errors';

/** Modbus Application Protocol V1.1b3: the two read functions a meter needs. */
export const MODBUS_FUNCTION = { readHoldingRegisters: 3, readInputRegisters: 4 } as const;
export type ModbusReadFunction = 3 | 4;

/** At most 125 registers per read (spec §6.3/§6.4: quantity 1…0x7D). */
export const MODBUS_MAX_READ = 125;

/** Exception codes (spec §7) with their names. */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  1: 'ILLEGAL FUNCTION',
  2: 'ILLEGAL DATA ADDRESS',
  3: 'ILLEGAL DATA VALUE',
  4: 'SERVER DEVICE FAILURE',
  5: 'ACKNOWLEDGE',
  6: 'SERVER DEVICE BUSY',
  8: 'MEMORY PARITY ERROR',
  10: 'GATEWAY PATH UNAVAILABLE',
  11: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

/** Layer of errors that are the meter's own exception responses (the gateway counts them apart). */
export const MODBUS_EXCEPTION_LAYER = 'modbus-exception';

/**
 * The error kind an exception maps to: the meter lacks the function or register (1, 2) →
 * `unsupported`; it refused or failed the request (3, 4, 5, 6, 8) → `bad-value`; a TCP gateway
 * got no answer from the device behind it (10, 11) → `truncated`, like a timeout on the line.
 */
export function modbusExceptionError(functionCode: number, code: number): DecodeError {
  const name = MODBUS_EXCEPTIONS[code] ?? 'unknown exception';
  const kind = code === 1 || code === 2 ? 'unsupported' : code === 10 || code === 11 ? 'truncated' : 'bad-value';
  return { kind, layer: MODBUS_EXCEPTION_LAYER, message: `exception ${code} (${name}) to function ${functionCode}` };
}

/** A read request PDU: function, start address, quantity (big-endian). */
export function buildModbusReadPdu(fn: ModbusReadFunction, address: number, count: number): Result<Uint8Array> {
  if (!Number.isInteger(address) || address < 0 || address > 0xffff) return fail('bad-value', 'modbus', `register address ${address} is outside 0…65535`);
  if (!Number.isInteger(count) || count < 1 || count > MODBUS_MAX_READ)
    return fail('bad-value', 'modbus', `register count ${count} is outside 1…${MODBUS_MAX_READ}`);
  if (address + count > 0x10000) return fail('bad-value', 'modbus', `registers ${address}…${address + count - 1} run past 65535`);
  return ok(Uint8Array.of(fn, address >> 8, address & 0xff, count >> 8, count & 0xff));
}

export interface ModbusReadRequest {
  readonly function: ModbusReadFunction;
  readonly address: number;
  readonly count: number;
}

/** Parses a read request PDU (the server side: simulator). */
export function parseModbusReadPdu(pdu: Uint8Array): Result<ModbusReadRequest> {
  if (pdu.length !== 5) return fail('bad-length', 'modbus', `a read request PDU has 5 bytes, not ${pdu.length}`);
  const fn = pdu[0] as number;
  if (fn !== 3 && fn !== 4) return fail('unsupported', 'modbus', `function ${fn} is not a register read`);
  const address = ((pdu[1] as number) << 8) | (pdu[2] as number);
  const count = ((pdu[3] as number) << 8) | (pdu[4] as number);
  return ok({ function: fn, address, count });
}

/**
 * The registers of a read response PDU (`fn, byteCount, data…`) to the request `fn`/`count`, or
 * the exception the meter answered with (`fn | 0x80, code`) as an error value.
 */
export function parseModbusReadResponsePdu(pdu: Uint8Array, fn: ModbusReadFunction, count: number): Result<Uint16Array> {
  if (pdu.length < 2) return fail('truncated', 'modbus', 'response PDU shorter than 2 bytes');
  const got = pdu[0] as number;
  if (got === (fn | 0x80)) {
    if (pdu.length !== 2) return fail('bad-length', 'modbus', `an exception response PDU has 2 bytes, not ${pdu.length}`);
    return { ok: false, error: modbusExceptionError(fn, pdu[1] as number) };
  }
  if (got !== fn) return fail('bad-format', 'modbus', `response to function ${fn} has function ${got}`);
  const byteCount = pdu[1] as number;
  if (byteCount !== count * 2) return fail('bad-length', 'modbus', `byte count ${byteCount} for ${count} registers (expected ${count * 2})`, 1);
  if (pdu.length !== 2 + byteCount) return fail('bad-length', 'modbus', `byte count ${byteCount} but ${pdu.length - 2} data bytes`, 1);
  const regs = new Uint16Array(count);
  for (let i = 0; i < count; i++) regs[i] = ((pdu[2 + 2 * i] as number) << 8) | (pdu[3 + 2 * i] as number);
  return ok(regs);
}

/** A read response PDU for `registers` (the server side: simulator). */
export function buildModbusReadResponsePdu(fn: ModbusReadFunction, registers: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(2 + registers.length * 2);
  out[0] = fn;
  out[1] = registers.length * 2;
  for (let i = 0; i < registers.length; i++) {
    const r = registers[i] as number;
    out[2 + 2 * i] = (r >> 8) & 0xff;
    out[3 + 2 * i] = r & 0xff;
  }
  return out;
}

/** An exception response PDU (the server side: simulator). */
export function buildModbusExceptionPdu(fn: number, code: number): Uint8Array {
  return Uint8Array.of((fn | 0x80) & 0xff, code);
}
