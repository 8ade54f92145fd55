import { buildReading, type Reading } from '@smi/model';
import type { DecodeError } from '../common/errors';
import { MODBUS_MAX_READ } from './pdu';
import { decodeModbusValue, MODBUS_TYPE_REGISTERS } from './registers';
import type { ModbusSection } from './section';

/** One read request of a poll: `count` registers from `address`. */
export interface ModbusReadSpan {
  readonly address: number;
  readonly count: number;
}

/** Registers as read: the span's start address and its values. */
export interface ModbusRegisterBlock {
  readonly address: number;
  readonly registers: ArrayLike<number>;
}

/** Unused registers worth reading over rather than starting a new request. */
const MAX_GAP = 16;

/**
 * The reads that cover every register of a section (values and scale registers), in address order:
 * neighbours are merged while the gap is small and the span fits `maxRegistersPerRead`.
 */
export function planModbusReads(section: ModbusSection): ModbusReadSpan[] {
  const max = Math.min(section.maxRegistersPerRead ?? 80, MODBUS_MAX_READ);
  const needs = section.registers.flatMap((r) => [
    [r.address, r.address + MODBUS_TYPE_REGISTERS[r.type]] as const,
    ...(r.scaleRegister === undefined ? [] : [[r.scaleRegister, r.scaleRegister + 1] as const]),
  ]);
  needs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const spans: { address: number; end: number }[] = [];
  for (const [from, to] of needs) {
    const last = spans[spans.length - 1];
    if (last && from <= last.end + MAX_GAP && Math.max(last.end, to) - last.address <= max) last.end = Math.max(last.end, to);
    else spans.push({ address: from, end: to });
  }
  return spans.map((s) => ({ address: s.address, count: s.end - s.address }));
}

function registerAt(blocks: readonly ModbusRegisterBlock[], address: number, count: number): { regs: ArrayLike<number>; offset: number } | undefined {
  const b = blocks.find((x) => address >= x.address && address + count <= x.address + x.registers.length);
  return b && { regs: b.registers, offset: address - b.address };
}

export interface ModbusReadingsResult {
  readonly readings: Reading[];
  /** Registers that could not be turned into a reading (not read, NaN, out of range), one error each. */
  readonly errors: DecodeError[];
}

/**
 * Readings for the registers of `section` from what was read: each value decoded in its type and
 * order, multiplied by `scale` and 10^(scale register), and typed by the model registry from its
 * OBIS code (key, quantity, publishing unit).
 */
export function modbusReadings(section: ModbusSection, blocks: readonly ModbusRegisterBlock[]): ModbusReadingsResult {
  const readings: Reading[] = [];
  const errors: DecodeError[] = [];
  for (const r of section.registers) {
    const at = registerAt(blocks, r.address, MODBUS_TYPE_REGISTERS[r.type]);
    if (!at) {
      errors.push({ kind: 'truncated', layer: 'modbus', message: `register ${r.address} (${r.obis}) was not read` });
      continue;
    }
    const v = decodeModbusValue(at.regs, at.offset, r.type, r.order);
    if (!v.ok) {
      errors.push({ ...v.error, message: `register ${r.address} (${r.obis}): ${v.error.message}` });
      continue;
    }
    if (v.value === r.notImplemented) continue; // the device says it has no such value: not an error
    let value = v.value * (r.scale ?? 1);
    if (r.scaleRegister !== undefined) {
      const sf = registerAt(blocks, r.scaleRegister, 1);
      const exp = sf && decodeModbusValue(sf.regs, sf.offset, 'int16');
      // SunSpec marks an unimplemented scale factor with 0x8000; ±10 covers every real one.
      if (!exp?.ok || exp.value < -10 || exp.value > 10) {
        errors.push({ kind: 'bad-value', layer: 'modbus', message: `scale register ${r.scaleRegister} of ${r.obis} is missing or out of range` });
        continue;
      }
      value = exp.value < 0 ? value / 10 ** -exp.value : value * 10 ** exp.value;
    }
    // float32 registers carry binary noise (229.8 → 229.8000030517578): 7 significant digits are exact;
    // a decimal scale leaves noise of its own (2302 × 0.1 → 230.20000000000002).
    if (r.type === 'float32') value = Number(value.toPrecision(7));
    else if (value !== v.value) value = Number(value.toPrecision(15));
    readings.push(buildReading({ obis: r.obis, value, ...(r.unit === undefined ? {} : { unit: r.unit }), raw: String(v.value) }));
  }
  return { readings, errors };
}
