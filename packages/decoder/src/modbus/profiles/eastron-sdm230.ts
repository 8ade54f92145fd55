import type { ModbusMeterProfile } from '../../common/profile';
import { f32 } from './rows';

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
