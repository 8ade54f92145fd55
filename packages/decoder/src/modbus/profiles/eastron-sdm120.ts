import type { ModbusMeterProfile } from '../../common/profile';
import { EASTRON_CODE_SOURCE, eastronModelCode, eastronSinglePhaseRows } from './rows';

/**
 * Eastron SDM120 (single phase) — the input registers of Eastron's SDM120-Modbus protocol document
 * (published as SDM120-MODBUS_Protocol.pdf; its version was not verified here), float32 high word first.
 */
export const EASTRON_SDM120: ModbusMeterProfile = {
  id: 'eastron-sdm120',
  description: 'Eastron SDM120 single-phase DIN-rail meter (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Eastron SDM120' },
  provenance: [
    'Eastron SDM120-Modbus protocol document (SDM120-MODBUS_Protocol.pdf, version not verified), input registers 30001…30343',
    `${EASTRON_CODE_SOURCE}: 32 (SDM120-Modbus)`,
  ],
  modbus: {
    function: 4,
    identify: eastronModelCode(32),
    registers: eastronSinglePhaseRows(),
  },
};
