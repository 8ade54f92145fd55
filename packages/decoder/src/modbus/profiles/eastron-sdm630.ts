import type { ModbusMeterProfile } from '../../common/profile';
import { EASTRON_CODE_SOURCE, eastronModelCode, f32, phaseRows } from './rows';

/**
 * Eastron SDM630 (Modbus, MID, V2) — input registers from "Eastron SDM630 Modbus Protocol V1.5"
 * (register table 3X, "Input Registers"): 30001 = address 0, float32 high word first. Phase power
 * and var are signed (export negative); total kWh (30343) is import + export.
 */
export const EASTRON_SDM630: ModbusMeterProfile = {
  id: 'eastron-sdm630',
  description: 'Eastron SDM630 three-phase DIN-rail meter (Modbus RTU; also via a Modbus TCP gateway)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM630' },
  provenance: ['Eastron SDM630 Modbus Protocol V1.5, table "Input Registers" (30001…30343)', `${EASTRON_CODE_SOURCE}: 112 and 121 (SDM630-Modbus V2)`],
  modbus: {
    function: 4,
    identify: eastronModelCode(112, 121),
    registers: [
      ...phaseRows(0x00, 2, 32, 'float32', 'V'),
      ...phaseRows(0x06, 2, 31, 'float32', 'A'),
      ...phaseRows(0x0c, 2, 36, 'float32', 'W'),
      ...phaseRows(0x12, 2, 29, 'float32', 'VA'),
      ...phaseRows(0x18, 2, 23, 'float32', 'var'),
      ...phaseRows(0x1e, 2, 33, 'float32'),
      f32(0x34, '1-0:16.7.0', 'W'),
      f32(0x38, '1-0:9.7.0', 'VA'),
      f32(0x3c, '1-0:3.7.0', 'var'),
      f32(0x3e, '1-0:13.7.0'),
      f32(0x46, '1-0:14.7.0', 'Hz'),
      f32(0x48, '1-0:1.8.0', 'kWh'),
      f32(0x4a, '1-0:2.8.0', 'kWh'),
      f32(0x4c, '1-0:3.8.0', 'kvarh'),
      f32(0x4e, '1-0:4.8.0', 'kvarh'),
      f32(0xe0, '1-0:91.7.0', 'A'),
      f32(0x156, '1-0:15.8.0', 'kWh'),
    ],
  },
};
