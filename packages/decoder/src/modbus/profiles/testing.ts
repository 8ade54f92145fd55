import type { ModbusMeterProfile } from '../../common/profile';
import { modbusReadings, planModbusReads, type ModbusReadingsResult, type ModbusRegisterBlock } from '../readings';

/** Tests of the built-in profiles: register images and the readings they decode to. */

/** Readings as `[key, value, unit]` rows, the shape the profile tests compare. */
export const table = (r: ModbusReadingsResult): [string, number | string | boolean | null, string | undefined][] =>
  r.readings.map((x) => [x.key, x.value, x.unit]);

/**
 * Register words as the meter sends them, at protocol addresses, cut into the reads the profile
 * plans; every other register reads 0.
 */
function plannedBlocks(p: ModbusMeterProfile, words: Readonly<Record<number, readonly number[]>>): ModbusRegisterBlock[] {
  return planModbusReads(p.modbus).map((s) => {
    const registers = new Array<number>(s.count).fill(0);
    for (const [address, ws] of Object.entries(words))
      ws.forEach((w, i) => {
        const at = Number(address) + i - s.address;
        if (at >= 0 && at < s.count) registers[at] = w;
      });
    return { address: s.address, registers };
  });
}

/**
 * The profile's readings from `words` (see `plannedBlocks`) and the errors; with `skipZeros`,
 * readings of registers left at 0 are dropped, so a test lists only the values it wrote.
 */
export function readWords(p: ModbusMeterProfile, words: Readonly<Record<number, readonly number[]>>, o: { skipZeros?: boolean } = {}) {
  const r = modbusReadings(p.modbus, plannedBlocks(p, words));
  return { errors: r.errors, readings: table({ ...r, readings: o.skipZeros ? r.readings.filter((x) => x.value !== 0) : r.readings }) };
}

/** A register image of float32 bit patterns (high word first, the Eastron data format) at protocol addresses. */
export function floatImage(values: Readonly<Record<number, number>>, size = 0x160): Uint16Array {
  const regs = new Uint16Array(size);
  for (const [address, bits] of Object.entries(values)) {
    regs[Number(address)] = bits >>> 16;
    regs[Number(address) + 1] = bits & 0xffff;
  }
  return regs;
}

/** The reads `spans` of a whole register image. */
export const blocksFor = (regs: Uint16Array, spans: readonly { address: number; count: number }[]): ModbusRegisterBlock[] =>
  spans.map((s) => ({ address: s.address, registers: regs.slice(s.address, s.address + s.count) }));
