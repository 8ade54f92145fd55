import type { ModbusMeterProfile } from '../../common/profile';
import { f32, phaseRows } from './rows';

/**
 * ORNO OR-WE-516 (three phase, 80 A, MID) — holding registers, float32 high word first: V, Hz, A,
 * power in kW, kvar and kVA, energy in kWh (forward = import, reverse = export). No register that
 * names the model is documented in the sources used, so the profile has no `identify`.
 */
export const ORNO_WE_516: ModbusMeterProfile = {
  id: 'orno-we-516',
  description: 'ORNO OR-WE-516 three-phase DIN-rail meter (Modbus RTU; factory setting 9600 Bd, odd parity)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'ORNO OR-WE-516' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/orno3p.go ("ORNO WE-516 & WE-517"; it cites the OR-WE-514/515 register description of gituser-rk/orno-modbus-mqtt) and groupsky/ya-modbus packages/driver-or-we-516 (src/index.ts); no ORNO document read here',
  ],
  modbus: {
    function: 3,
    registers: [
      ...phaseRows(0x0e, 2, 32, 'float32', 'V'),
      f32(0x14, '1-0:14.7.0', 'Hz'),
      ...phaseRows(0x16, 2, 31, 'float32', 'A'),
      f32(0x1c, '1-0:16.7.0', 'kW'),
      ...phaseRows(0x1e, 2, 36, 'float32', 'kW'),
      f32(0x24, '1-0:3.7.0', 'kvar'),
      f32(0x2c, '1-0:9.7.0', 'kVA'),
      f32(0x34, '1-0:13.7.0'),
      ...phaseRows(0x36, 2, 33, 'float32'),
      f32(0x108, '1-0:1.8.0', 'kWh'),
      f32(0x110, '1-0:2.8.0', 'kWh'),
    ],
  },
};
