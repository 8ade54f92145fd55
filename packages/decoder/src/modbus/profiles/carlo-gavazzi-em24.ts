import type { ModbusMeterProfile } from '../../common/profile';
import { CG32, carloGavazziCode, phaseRows, row } from './rows';

/**
 * Carlo Gavazzi EM24-DIN with RS-485 (AV9/AV2/AV5/AV6 …IS/…XX) — int32 least significant word
 * first: 0.1 V, 0.001 A, 0.1 W, 0.1 kWh; int16 power factor (0.001) and frequency (0.1 Hz). The
 * EM24 Ethernet (E1) has another map: `carlo-gavazzi-em24-e1`.
 *
 * Total import is at 0x3E as Victron's dbus-cgwacs and the Venus OS community EM24 RTU driver read
 * it; volkszaehler/mbmd carlogavazzi-em24.go reads 0x42 instead (see the provenance).
 */
export const CARLO_GAVAZZI_EM24: ModbusMeterProfile = {
  id: 'carlo-gavazzi-em24',
  description: 'Carlo Gavazzi EM24-DIN three-phase meter with RS-485 port (Modbus RTU); not the Ethernet EM24 E1',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Carlo Gavazzi EM24-DIN' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/carlogavazzi-em24.go (citing the Carlo Gavazzi EM24 communication protocol, ccontrols.com CarloGavazziEM24.pdf; version not given) for voltage, current, power, power factor, frequency, per-phase import and export',
    'total import at 0x3E, per-phase import at 0x46 and export at 0x5C as victronenergy/dbus-cgwacs ac_sensor_updater.cpp (Em24Commands) reads them; mbmd reads total import at 0x42',
    'identify: identification code in holding register 0x000B: 71–73 are the EM24 protocol in victronenergy/dbus-cgwacs ac_sensor.cpp; 70 (EM24-DIN AV9) from the Venus OS community EM24 RTU driver (Thomas Weichenberger)',
  ],
  modbus: {
    function: 4,
    identify: carloGavazziCode(70, 71, 72, 73),
    registers: [
      ...phaseRows(0x00, 2, 32, 'int32', 'V', { ...CG32, scale: 0.1 }),
      ...phaseRows(0x0c, 2, 31, 'int32', 'A', { ...CG32, scale: 0.001 }),
      ...phaseRows(0x12, 2, 36, 'int32', 'W', { ...CG32, scale: 0.1 }),
      row(0x28, 'int32', '1-0:16.7.0', 'W', { ...CG32, scale: 0.1 }),
      ...phaseRows(0x32, 1, 33, 'int16', undefined, { scale: 0.001 }),
      row(0x35, 'int16', '1-0:13.7.0', undefined, { scale: 0.001 }),
      row(0x37, 'int16', '1-0:14.7.0', 'Hz', { scale: 0.1 }),
      row(0x3e, 'int32', '1-0:1.8.0', 'kWh', { ...CG32, scale: 0.1 }),
      ...phaseRows(0x46, 2, 21, 'int32', 'kWh', { ...CG32, scale: 0.1 }, 8),
      row(0x5c, 'int32', '1-0:2.8.0', 'kWh', { ...CG32, scale: 0.1 }),
    ],
  },
};
