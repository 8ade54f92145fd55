import type { ObisCode, Unit } from '@smi/model';
import { fail, ok, type Result } from '../common/errors';
import type { ModbusMeterProfile } from '../common/profile';
import type { ModbusValueType } from './registers';
import type { ModbusProfileRegister } from './section';

/**
 * SunSpec (SunSpec Information Model Reference; SunSpec Modbus specification): holding registers
 * that start with the marker `SunS` at 40000 (or 0, or 50000), followed by models, each
 * `ID, L, L registers of data`, and the end marker ID 0xFFFF. Values are integers with scale
 * factor registers (power of ten); 0x8000 (int16) and 0xFFFF (uint16) mean "not implemented".
 */
export const SUNSPEC_BASES = [40000, 0, 50000] as const;
/** `S u n S` in two registers. */
export const SUNSPEC_MARKER = [0x5375, 0x6e53] as const;
export const SUNSPEC_END = 0xffff;
/** Models mapped to readings: inverters (single, split, three phase) and meters (single, split, wye, delta). */
export const SUNSPEC_INVERTER_MODELS = [101, 102, 103] as const;
export const SUNSPEC_METER_MODELS = [201, 202, 203, 204] as const;

export interface SunSpecModelHeader {
  readonly id: number;
  /** Address of the model's ID register (its data start 2 registers later). */
  readonly address: number;
  /** Data registers (L). */
  readonly length: number;
}

export interface SunSpecCommon {
  readonly manufacturer: string;
  readonly model: string;
  readonly version: string;
  readonly serial: string;
}

export function isSunSpecMarker(regs: ArrayLike<number>): boolean {
  return regs.length >= 2 && regs[0] === SUNSPEC_MARKER[0] && regs[1] === SUNSPEC_MARKER[1];
}

/** Text in registers, two characters each (high byte first), without trailing NULs and spaces. */
export function modbusText(regs: ArrayLike<number>, offset: number, count: number): string {
  let s = '';
  for (let i = offset; i < offset + count && i < regs.length; i++) {
    const r = regs[i] as number;
    s += String.fromCharCode(r >> 8, r & 0xff);
  }
  const end = s.indexOf('\0');
  return (end < 0 ? s : s.slice(0, end)).trim();
}

/** Model 1 (common): manufacturer Mn (16 registers), model Md (16), options (8), version Vr (8), serial SN (16). */
export function parseSunSpecCommon(data: ArrayLike<number>): Result<SunSpecCommon> {
  if (data.length < 64) return fail('truncated', 'sunspec', `model 1 has ${data.length} data registers (at least 64)`);
  return ok({ manufacturer: modbusText(data, 0, 16), model: modbusText(data, 16, 16), version: modbusText(data, 40, 8), serial: modbusText(data, 48, 16) });
}

const NOT_IMPLEMENTED: Partial<Record<ModbusValueType, number>> = { int16: -32768, uint16: 0xffff };

function reg(address: number, type: ModbusValueType, obis: string, unit: Unit | undefined, scaleRegister: number, scale?: number): ModbusProfileRegister {
  const ni = NOT_IMPLEMENTED[type];
  return {
    address,
    type,
    obis: obis as ObisCode,
    scaleRegister,
    ...(unit === undefined ? {} : { unit }),
    ...(scale === undefined ? {} : { scale }),
    ...(ni === undefined ? {} : { notImplemented: ni }),
  };
}

/** Per phase A, B, C: OBIS C of phase A plus 0, 20, 40. */
const perPhase = (phases: number, first: number, type: ModbusValueType, c: number, unit: Unit | undefined, sf: number): ModbusProfileRegister[] =>
  Array.from({ length: phases }, (_, i) => reg(first + i, type, `1-0:${c + 20 * i}.7.0`, unit, sf));

/** Inverter models 101–103, data at `d` (SunSpec offsets: A 0, AphA–C 1–3, A_SF 4, PhVphA–C 8–10, V_SF 11, W 12 …). */
function inverterRegisters(id: number, d: number): ModbusProfileRegister[] {
  const phases = id - 100;
  return [
    reg(d, 'uint16', '1-0:11.7.0', 'A', d + 4),
    ...perPhase(phases, d + 1, 'uint16', 31, 'A', d + 4),
    ...perPhase(phases, d + 8, 'uint16', 32, 'V', d + 11),
    reg(d + 12, 'int16', '1-0:16.7.0', 'W', d + 13),
    reg(d + 14, 'uint16', '1-0:14.7.0', 'Hz', d + 15),
    reg(d + 16, 'int16', '1-0:9.7.0', 'VA', d + 17),
    reg(d + 18, 'int16', '1-0:3.7.0', 'var', d + 19),
    reg(d + 20, 'int16', '1-0:13.7.0', undefined, d + 21, 0.01), // percent
    reg(d + 22, 'uint32', '1-0:2.8.0', 'Wh', d + 24), // lifetime energy produced (acc32)
  ];
}

/** Meter models 201–204, data at `d` (A 0, AphA–C 1–3, A_SF 4, PhVphA–C 6–8, V_SF 13, Hz 14, W 16 …, TotWhExp 36, TotWhImp 44, TotWh_SF 52). */
function meterRegisters(id: number, d: number): ModbusProfileRegister[] {
  const phases = id === 201 ? 1 : id === 202 ? 2 : 3;
  return [
    reg(d, 'int16', '1-0:11.7.0', 'A', d + 4),
    ...perPhase(phases, d + 1, 'int16', 31, 'A', d + 4),
    ...(id === 204 ? [] : perPhase(phases, d + 6, 'int16', 32, 'V', d + 13)), // delta meters have no line-to-neutral voltage
    reg(d + 14, 'int16', '1-0:14.7.0', 'Hz', d + 15),
    reg(d + 16, 'int16', '1-0:16.7.0', 'W', d + 20),
    ...perPhase(phases, d + 17, 'int16', 36, 'W', d + 20),
    reg(d + 21, 'int16', '1-0:9.7.0', 'VA', d + 25),
    reg(d + 26, 'int16', '1-0:3.7.0', 'var', d + 30),
    reg(d + 31, 'int16', '1-0:13.7.0', undefined, d + 35, 0.01), // percent
    reg(d + 36, 'uint32', '1-0:2.8.0', 'Wh', d + 52),
    reg(d + 44, 'uint32', '1-0:1.8.0', 'Wh', d + 52),
  ];
}

/**
 * A profile for a SunSpec device from its model list: the first inverter (101–103) or meter
 * (201–204) model found is mapped to readings with its scale factors; model 1 names the device.
 * No per-device profile is needed. `unsupported` when the device has none of these models.
 */
export function sunSpecProfile(models: readonly SunSpecModelHeader[], common?: SunSpecCommon): Result<ModbusMeterProfile> {
  const m = models.find((x) => (SUNSPEC_INVERTER_MODELS as readonly number[]).includes(x.id) || (SUNSPEC_METER_MODELS as readonly number[]).includes(x.id));
  if (!m) return fail('unsupported', 'sunspec', `no SunSpec inverter (101–103) or meter (201–204) model among ${models.map((x) => x.id).join(', ') || 'none'}`);
  const need = m.id < 200 ? 25 : 53;
  if (m.length < need) return fail('bad-length', 'sunspec', `model ${m.id} has ${m.length} data registers (at least ${need})`);
  const d = m.address + 2;
  const model = common ? `${common.manufacturer} ${common.model}`.trim() : undefined;
  return ok({
    id: `sunspec-${m.id}`,
    description: `SunSpec model ${m.id} at ${m.address}, found on the device`,
    protocol: 'modbus',
    match: {},
    ...(model ? { meter: { model } } : {}),
    provenance: ['SunSpec Information Model Reference (models 1, 101–103, 201–204): point offsets and scale factors'],
    modbus: { function: 3, registers: m.id < 200 ? inverterRegisters(m.id, d) : meterRegisters(m.id, d), maxRegistersPerRead: 125 },
  });
}
