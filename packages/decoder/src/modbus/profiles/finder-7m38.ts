import type { ModbusMeterProfile } from '../../common/profile';
import { FINDER_7M_PROVENANCE, finder7mEnergyRows } from './finder-7m';
import { f32, phaseRows } from './rows';

/**
 * Finder 7M.38 (three phase, MID) — input registers: the float block for V, A, W, var, VA, power
 * factor and Hz, the MID energy counters E1/E2 as mantissa × 10^exponent in Wh.
 */
export const FINDER_7M38: ModbusMeterProfile = {
  id: 'finder-7m38',
  description: 'Finder 7M.38 three-phase DIN-rail meter with RS-485, e.g. 7M.38.8.400.0212 (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Finder 7M.38' },
  provenance: [...FINDER_7M_PROVENANCE],
  modbus: {
    function: 4,
    registers: [
      f32(2498, '1-0:14.7.0', 'Hz'),
      ...phaseRows(2500, 2, 32, 'float32', 'V'),
      ...phaseRows(2516, 2, 31, 'float32', 'A'),
      ...phaseRows(2530, 2, 36, 'float32', 'W'),
      f32(2536, '1-0:16.7.0', 'W'),
      f32(2544, '1-0:3.7.0', 'var'),
      f32(2552, '1-0:9.7.0', 'VA'),
      ...phaseRows(2554, 2, 33, 'float32'),
      f32(2560, '1-0:13.7.0'),
      ...finder7mEnergyRows(),
    ],
  },
};
