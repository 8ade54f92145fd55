import type { ModbusMeterProfile } from '../common/profile';
import type { ModbusReadFunction } from './pdu';
import { modbusReadings } from './readings';
import { decodeModbusValue, MODBUS_TYPE_REGISTERS } from './registers';
import type { ModbusIdentify, ModbusProfileRegister } from './section';
import { isSunSpecMarker, SUNSPEC_BASES, type SunSpecCommon } from './sunspec';

/**
 * Which model a Modbus unit is (`smi detect`), from data only: each profile's `identify` register
 * (a product code among `values`, or text starting with `textPrefix`) and, for profiles without
 * one, a plausible mains voltage in the profile's voltage register (weak: many models keep their
 * voltage at the same address). SunSpec devices name themselves with the `SunS` marker.
 */

/** One read of the identification: `count` registers from `address` with `function`. */
export interface ModbusIdentifyRead {
  readonly function: ModbusReadFunction;
  readonly address: number;
  readonly count: number;
}

/** What a unit answered to a read (registers), or undefined when it answered an exception or nothing. */
export interface ModbusIdentifyBlock extends ModbusIdentifyRead {
  readonly registers: ArrayLike<number> | undefined;
}

export interface ModbusIdentifyPlan {
  /** The reads of the profiles' identify registers (one per function and address). */
  readonly identify: readonly ModbusIdentifyRead[];
  /** The reads of the voltage registers of profiles without identify (the fallback). */
  readonly plausibility: readonly ModbusIdentifyRead[];
}

export type ModbusIdentity =
  /** The identify register holds one of the profile's values or text. */
  | { readonly kind: 'model'; readonly profile: string; readonly evidence: string; readonly also: readonly string[] }
  /** Weak: only a voltage register with a mains voltage; the profile has no identify register. */
  | { readonly kind: 'like'; readonly profile: string; readonly evidence: string; readonly also: readonly string[] }
  /** A SunSpec device (`SunS` marker); profile `sunspec` discovers its models. */
  | { readonly kind: 'sunspec'; readonly profile: 'sunspec'; readonly evidence: string; readonly common: SunSpecCommon | undefined }
  | { readonly kind: 'unknown'; readonly evidence: string };

/** Mains voltage of a low-voltage grid (phase to neutral): 80…300 V covers 100–277 V nominal. */
export const PLAUSIBLE_VOLTAGE = { min: 80, max: 300 } as const;
const VOLTAGE_CODES: readonly string[] = ['1-0:32.7.0', '1-0:12.7.0'];

/** The reads that look for the SunSpec marker (holding registers, `SunS` at 40000, 0 or 50000). */
export const SUNSPEC_MARKER_READS: readonly ModbusIdentifyRead[] = SUNSPEC_BASES.map((address) => ({ function: 3, address, count: 2 }));

function identifySpan(id: ModbusIdentify): ModbusIdentifyRead {
  return { function: id.function, address: id.address, count: 'textPrefix' in id ? id.registers : MODBUS_TYPE_REGISTERS[id.type] };
}

/** The profile's voltage register (L1 or single phase), with its scale register when it has one. */
function voltageRegister(p: ModbusMeterProfile): ModbusProfileRegister | undefined {
  return p.modbus.registers.find((r) => VOLTAGE_CODES.includes(r.obis));
}

function voltageSpan(p: ModbusMeterProfile): ModbusIdentifyRead | undefined {
  const r = voltageRegister(p);
  if (!r) return undefined;
  const from = Math.min(r.address, r.scaleRegister ?? r.address);
  const to = Math.max(r.address + MODBUS_TYPE_REGISTERS[r.type], (r.scaleRegister ?? r.address) + 1);
  return to - from <= 125 ? { function: p.modbus.function, address: from, count: to - from } : undefined;
}

/** One read per function and address (the longest count asked there), in the order first asked. */
function merge(reads: readonly ModbusIdentifyRead[]): ModbusIdentifyRead[] {
  const out: ModbusIdentifyRead[] = [];
  for (const r of reads) {
    const i = out.findIndex((o) => o.function === r.function && o.address === r.address);
    const o = out[i];
    if (o === undefined) out.push(r);
    else if (r.count > o.count) out[i] = r;
  }
  return out;
}

/** The reads that identify a unit among `profiles`: identify registers first, voltage registers as the fallback. */
export function planModbusIdentify(profiles: readonly ModbusMeterProfile[]): ModbusIdentifyPlan {
  const identify = merge(profiles.flatMap((p) => (p.modbus.identify ? [identifySpan(p.modbus.identify)] : [])));
  const plausibility = merge(profiles.flatMap((p) => (p.modbus.identify ? [] : (voltageSpan(p) ?? []))));
  return { identify, plausibility };
}

/** The registers `count` from `address` read with `fn`, from whichever answered block holds them. */
function registersAt(blocks: readonly ModbusIdentifyBlock[], fn: number, address: number, count: number): ArrayLike<number> | undefined {
  for (const b of blocks) {
    const regs = b.registers;
    if (b.function !== fn || regs === undefined || address < b.address || address + count > b.address + regs.length) continue;
    const off = address - b.address;
    return Array.from({ length: count }, (_, i) => regs[off + i] as number);
  }
  return undefined;
}

/** Two characters per register (high byte first), NULs and white space trimmed at both ends. */
function registerText(regs: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < regs.length; i++) s += String.fromCharCode(((regs[i] as number) >> 8) & 0xff, (regs[i] as number) & 0xff);
  return s.replace(/^[\s\0]+|[\s\0]+$/g, '');
}

/** Whether the identify register holds what the profile names; the evidence as text. */
function identifyMatch(id: ModbusIdentify, blocks: readonly ModbusIdentifyBlock[]): { match: boolean; seen: string } | undefined {
  const span = identifySpan(id);
  const regs = registersAt(blocks, span.function, span.address, span.count);
  if (!regs) return undefined;
  const where = `${span.function === 3 ? 'holding' : 'input'} register ${span.address}`;
  if ('textPrefix' in id) {
    const text = registerText(regs);
    return { match: text.toLowerCase().startsWith(id.textPrefix.trim().toLowerCase()), seen: `${where} reads "${text}"` };
  }
  const v = decodeModbusValue(regs, 0, id.type, id.order);
  if (!v.ok) return { match: false, seen: `${where}: ${v.error.message}` };
  return { match: id.values.includes(v.value), seen: `${where} reads ${v.value}` };
}

/** The voltage the profile's voltage register shows, when it was read and decodes. */
function voltageOf(p: ModbusMeterProfile, blocks: readonly ModbusIdentifyBlock[]): number | undefined {
  const r = voltageRegister(p);
  const span = voltageSpan(p);
  if (!r || !span) return undefined;
  const regs = registersAt(blocks, span.function, span.address, span.count);
  if (!regs) return undefined;
  const { readings } = modbusReadings({ function: p.modbus.function, registers: [r] }, [{ address: span.address, registers: regs }]);
  const v = readings[0]?.value;
  return typeof v === 'number' ? v : undefined;
}

/**
 * Which profile a unit answers like, from what it answered to the planned reads: a profile whose
 * identify register matches (`model`); else a profile without identify whose voltage register
 * shows 80…300 V (`like`, weak); else `unknown`. The first match in profile order wins, `also`
 * names the other matches of the same strength. A profile whose identify register says otherwise
 * is never taken on its voltage.
 */
export function judgeModbusIdentity(profiles: readonly ModbusMeterProfile[], blocks: readonly ModbusIdentifyBlock[]): ModbusIdentity {
  const models: { id: string; seen: string }[] = [];
  const seen: string[] = [];
  for (const p of profiles) {
    const id = p.modbus.identify;
    const m = id && identifyMatch(id, blocks);
    if (m?.match) models.push({ id: p.id, seen: m.seen });
    else if (m && !seen.includes(m.seen)) seen.push(m.seen);
  }
  const [first, ...others] = models;
  if (first) return { kind: 'model', profile: first.id, evidence: first.seen, also: others.map((o) => o.id) };
  const like: { id: string; evidence: string }[] = [];
  for (const p of profiles) {
    const r = voltageRegister(p);
    if (p.modbus.identify || !r) continue;
    const volts = voltageOf(p, blocks);
    if (volts !== undefined && volts >= PLAUSIBLE_VOLTAGE.min && volts <= PLAUSIBLE_VOLTAGE.max)
      like.push({ id: p.id, evidence: `${p.modbus.function === 3 ? 'holding' : 'input'} register ${r.address} (${r.obis}) reads ${volts} V` });
  }
  const [best, ...rest] = like;
  if (best) return { kind: 'like', profile: best.id, evidence: best.evidence, also: rest.map((o) => o.id) };
  return { kind: 'unknown', evidence: seen.length > 0 ? seen.join('; ') : 'no identify register and no plausible voltage' };
}

/** The base address whose marker read found `SunS`, if one did. */
export function sunSpecBaseOf(blocks: readonly ModbusIdentifyBlock[]): number | undefined {
  for (const base of SUNSPEC_BASES) {
    const regs = registersAt(blocks, 3, base, 2);
    if (regs && isSunSpecMarker(regs)) return base;
  }
  return undefined;
}

/** A SunSpec device found at `base`, named by its model 1 when it has one. */
export function sunSpecIdentity(base: number, models: readonly number[], common: SunSpecCommon | undefined): ModbusIdentity {
  const who = common ? `: ${[common.manufacturer, common.model].filter(Boolean).join(' ')}${common.serial ? `, serial ${common.serial}` : ''}` : '';
  return { kind: 'sunspec', profile: 'sunspec', evidence: `SunS at ${base}, models ${models.join(', ')}${who}`, common };
}
