import type { ModbusMeterProfile } from '../../common/profile';
import { EASTRON_CODE_SOURCE, eastronModelCode, f32 } from './rows';

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
    registers: [
      f32(0x00, '1-0:12.7.0', 'V'),
      f32(0x06, '1-0:11.7.0', 'A'),
      f32(0x0c, '1-0:16.7.0', 'W'),
      f32(0x12, '1-0:9.7.0', 'VA'),
      f32(0x18, '1-0:3.7.0', 'var'),
      f32(0x1e, '1-0:13.7.0'),
      f32(0x46, '1-0:14.7.0', 'Hz'),
      f32(0x48, '1-0:1.8.0', 'kWh'),
      f32(0x4a, '1-0:2.8.0', 'kWh'),
      f32(0x4c, '1-0:3.8.0', 'kvarh'),
      f32(0x4e, '1-0:4.8.0', 'kvarh'),
      f32(0x156, '1-0:15.8.0', 'kWh'),
    ],
  },
};
