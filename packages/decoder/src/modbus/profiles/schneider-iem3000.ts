import type { ModbusMeterProfile } from '../../common/profile';
import { f32, phaseRows, row } from './rows';

/**
 * Schneider Electric iEM3000 series (iEM3150/3155/3250/3255/3350/3355/3450/3455/3550/3555) —
 * holding registers at the document's register number − 1: float32 current, voltage, power (kW)
 * and frequency; energy int64 in Wh. The meter model is UTF-8 text, 20 registers from address 49
 * (register 50, "Meter model").
 */
export const SCHNEIDER_IEM3000: ModbusMeterProfile = {
  id: 'schneider-iem3000',
  description: 'Schneider Electric iEM3000 series three-phase DIN-rail meters with Modbus (iEM3x50/iEM3x55)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Schneider Electric iEM3000' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/iem3000.go, citing Schneider Electric document DOCA0005DE-12 (iEM3000 series user manual, German edition), register table from page 49',
    'identify: "Meter model" text at register 50 (address 49, 20 registers) as a public energy-monitor configuration matches "iEM3255" there; not checked in DOCA0005 here',
  ],
  modbus: {
    function: 3,
    identify: { function: 3, address: 49, registers: 20, textPrefix: 'iEM3' },
    registers: [
      ...phaseRows(0x0bb7, 2, 31, 'float32', 'A'),
      ...phaseRows(0x0bd3, 2, 32, 'float32', 'V'),
      ...phaseRows(0x0bed, 2, 36, 'float32', 'kW'),
      f32(0x0bf3, '1-0:16.7.0', 'kW'),
      f32(0x0bfb, '1-0:3.7.0', 'kvar'),
      f32(0x0c03, '1-0:9.7.0', 'kVA'),
      f32(0x0c25, '1-0:14.7.0', 'Hz'),
      row(0x0c83, 'int64', '1-0:1.8.0', 'Wh'),
      row(0x0c87, 'int64', '1-0:2.8.0', 'Wh'),
    ],
  },
};
