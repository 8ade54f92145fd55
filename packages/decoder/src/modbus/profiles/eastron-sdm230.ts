import type { ModbusMeterProfile } from '../../common/profile';
import { eastronSinglePhaseRows } from './rows';

/**
 * Eastron SDM230-Modbus (single phase) — input registers, float32 high word first, as in
 * "Eastron SDM230Modbus Smart Meter Modbus Protocol Implementation V1.2" and volkszaehler/mbmd
 * meters/rs485/sdm230.go. No source read here gives the SDM230's code in the Eastron model-code
 * register 0xFC02 (the community Venus OS driver reads the baud-rate register instead), so the
 * profile has no `identify`.
 */
export const EASTRON_SDM230: ModbusMeterProfile = {
  id: 'eastron-sdm230',
  description: 'Eastron SDM230-Modbus single-phase DIN-rail meter (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM230' },
  provenance: [
    'Eastron SDM230Modbus Smart Meter Modbus Protocol Implementation V1.2, input registers 30001…30343 (register list as in volkszaehler/mbmd meters/rs485/sdm230.go, which cites the SDM230 register sheet of B+G e-tech)',
  ],
  modbus: {
    function: 4,
    registers: eastronSinglePhaseRows(),
  },
};
