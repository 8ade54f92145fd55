import type { ModbusMeterProfile } from '../../common/profile';
import { EASTRON_CODE_SOURCE, eastronModelCode, f32, phaseRows } from './rows';

/**
 * Eastron SDM72D-M-2 (three phase, reduced register set): addresses as in volkszaehler/mbmd
 * meters/rs485/sdm72v2.go, which cites the SDM72DM-V2 manual (sdm72dm-v2.pdf, title and version not
 * given there). The SDM72D-M User Manual V1.5 (B+G e-tech) limits a request to 30 parameters.
 */
export const EASTRON_SDM72: ModbusMeterProfile = {
  id: 'eastron-sdm72',
  description: 'Eastron SDM72D-M (V2) three-phase DIN-rail meter (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM72' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/sdm72v2.go, citing the Eastron SDM72DM-V2 manual (sdm72dm-v2.pdf; title and version not given)',
    'request limit of 30 parameters (60 registers): B+G e-tech EASTRON SDM72D-M User Manual V1.5, part 3 "Modbus Protocol"',
    `${EASTRON_CODE_SOURCE}: 137 (SDM72D-M V2) and 135 (SDM72D V2)`,
  ],
  modbus: {
    function: 4,
    maxRegistersPerRead: 60,
    identify: eastronModelCode(137, 135),
    registers: [
      ...phaseRows(0x00, 2, 32, 'float32', 'V'),
      ...phaseRows(0x06, 2, 31, 'float32', 'A'),
      ...phaseRows(0x0c, 2, 36, 'float32', 'W'),
      f32(0x34, '1-0:16.7.0', 'W'),
      f32(0x3e, '1-0:13.7.0'),
      f32(0x46, '1-0:14.7.0', 'Hz'),
      f32(0x48, '1-0:1.8.0', 'kWh'),
      f32(0x4a, '1-0:2.8.0', 'kWh'),
      f32(0x156, '1-0:15.8.0', 'kWh'),
    ],
  },
};
