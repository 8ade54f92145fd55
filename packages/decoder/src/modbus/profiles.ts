import type { ObisCode, Unit } from '@smi/model';
import type { ModbusMeterProfile } from '../common/profile';
import type { ModbusProfileRegister } from './section';

/** An Eastron float32 input register (big-endian `ABCD`, as all Eastron SDM meters send them). */
const f = (address: number, obis: string, unit?: Unit): ModbusProfileRegister => ({
  address,
  type: 'float32',
  obis: obis as ObisCode,
  ...(unit === undefined ? {} : { unit }),
});

/** Per phase L1–L3 (OBIS C of L1; L2/L3 add 20/40), at `address`, `address + 2`, `address + 4`. */
const phases = (address: number, c: number, unit?: Unit): ModbusProfileRegister[] => [0, 1, 2].map((i) => f(address + 2 * i, `1-0:${c + 20 * i}.7.0`, unit));

/**
 * Eastron SDM630 (Modbus, MID, V2) — input registers from "Eastron SDM630 Modbus Protocol V1.5"
 * (register table 3X, "Input Registers"): 30001 = address 0. Phase power and var are signed
 * (export negative); total kWh (30343) is import + export.
 */
export const EASTRON_SDM630: ModbusMeterProfile = {
  id: 'eastron-sdm630',
  description: 'Eastron SDM630 three-phase DIN-rail meter (Modbus RTU; also via a Modbus TCP gateway)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM630' },
  provenance: ['Eastron SDM630 Modbus Protocol V1.5, table "Input Registers" (30001…30343)'],
  modbus: {
    function: 4,
    registers: [
      ...phases(0x00, 32, 'V'),
      ...phases(0x06, 31, 'A'),
      ...phases(0x0c, 36, 'W'),
      ...phases(0x12, 29, 'VA'),
      ...phases(0x18, 23, 'var'),
      ...phases(0x1e, 33),
      f(0x34, '1-0:16.7.0', 'W'),
      f(0x38, '1-0:9.7.0', 'VA'),
      f(0x3c, '1-0:3.7.0', 'var'),
      f(0x3e, '1-0:13.7.0'),
      f(0x46, '1-0:14.7.0', 'Hz'),
      f(0x48, '1-0:1.8.0', 'kWh'),
      f(0x4a, '1-0:2.8.0', 'kWh'),
      f(0x4c, '1-0:3.8.0', 'kvarh'),
      f(0x4e, '1-0:4.8.0', 'kvarh'),
      f(0xe0, '1-0:91.7.0', 'A'),
      f(0x156, '1-0:15.8.0', 'kWh'),
    ],
  },
};

/** Eastron SDM120 (single phase) — "Eastron SDM120-Modbus Protocol V2.1" input registers. */
export const EASTRON_SDM120: ModbusMeterProfile = {
  id: 'eastron-sdm120',
  description: 'Eastron SDM120 single-phase DIN-rail meter (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM120' },
  provenance: ['Eastron SDM120-Modbus Protocol V2.1, table "Input Registers" (30001…30343)'],
  modbus: {
    function: 4,
    registers: [
      f(0x00, '1-0:12.7.0', 'V'),
      f(0x06, '1-0:11.7.0', 'A'),
      f(0x0c, '1-0:16.7.0', 'W'),
      f(0x12, '1-0:9.7.0', 'VA'),
      f(0x18, '1-0:3.7.0', 'var'),
      f(0x1e, '1-0:13.7.0'),
      f(0x46, '1-0:14.7.0', 'Hz'),
      f(0x48, '1-0:1.8.0', 'kWh'),
      f(0x4a, '1-0:2.8.0', 'kWh'),
      f(0x4c, '1-0:3.8.0', 'kvarh'),
      f(0x4e, '1-0:4.8.0', 'kvarh'),
      f(0x156, '1-0:15.8.0', 'kWh'),
    ],
  },
};

/** Eastron SDM72D-M-2 (three phase, reduced register set) — its user manual's Modbus register table. */
export const EASTRON_SDM72: ModbusMeterProfile = {
  id: 'eastron-sdm72',
  description: 'Eastron SDM72D-M (V2) three-phase DIN-rail meter (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM72' },
  provenance: ['Eastron SDM72D-M-2 User Manual, section "Modbus Protocol", table "Input Registers"'],
  modbus: {
    function: 4,
    registers: [
      ...phases(0x00, 32, 'V'),
      ...phases(0x06, 31, 'A'),
      ...phases(0x0c, 36, 'W'),
      f(0x34, '1-0:16.7.0', 'W'),
      f(0x3e, '1-0:13.7.0'),
      f(0x46, '1-0:14.7.0', 'Hz'),
      f(0x48, '1-0:1.8.0', 'kWh'),
      f(0x4a, '1-0:2.8.0', 'kWh'),
      f(0x156, '1-0:15.8.0', 'kWh'),
    ],
  },
};

export const BUILTIN_MODBUS_PROFILES: readonly ModbusMeterProfile[] = [EASTRON_SDM630, EASTRON_SDM120, EASTRON_SDM72];

export function builtinModbusProfile(id: string): ModbusMeterProfile | undefined {
  return BUILTIN_MODBUS_PROFILES.find((p) => p.id === id);
}
