import type { ModbusMeterProfile } from '../../common/profile';
import { FINDER_7M_PROVENANCE, finder7mEnergyRows } from './finder-7m';
import { f32 } from './rows';

/**
 * Finder 7M.24 (single phase, MID) — the 7M.38 map (one document for both): voltage, current and
 * the totals of the float block, the MID energy counters E1/E2 as mantissa × 10^exponent in Wh.
 */
export const FINDER_7M24: ModbusMeterProfile = {
  id: 'finder-7m24',
  description: 'Finder 7M.24 single-phase DIN-rail meter with RS-485, e.g. 7M.24.8.230.0210 (Modbus RTU); the 7M.38 register map, L1 and totals',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Finder 7M.24' },
  provenance: [
    ...FINDER_7M_PROVENANCE,
    'single phase: V at 2500 and A at 2516 as mbmd finder7m24.go and modbus_local_gateway 7M_24.yaml read them; power, var, VA and power factor from the totals (2536, 2544, 2552, 2560) as mbmd reads them (modbus_local_gateway reads the L1 copies 2530, 2538, 2546, 2554)',
  ],
  modbus: {
    function: 4,
    registers: [
      f32(2498, '1-0:14.7.0', 'Hz'),
      f32(2500, '1-0:12.7.0', 'V'),
      f32(2516, '1-0:11.7.0', 'A'),
      f32(2536, '1-0:16.7.0', 'W'),
      f32(2544, '1-0:3.7.0', 'var'),
      f32(2552, '1-0:9.7.0', 'VA'),
      f32(2560, '1-0:13.7.0'),
      ...finder7mEnergyRows(),
    ],
  },
};
