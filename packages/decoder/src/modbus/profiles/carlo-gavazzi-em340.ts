import type { ModbusMeterProfile } from '../../common/profile';
import { carloGavazziCode, carloGavazziEm300Rows } from './rows';

/** Identification codes 330–345: the EM300 series (EM330, EM340, ET330, ET340) in Victron's dbus-cgwacs. */
const EM300_CODES = Array.from({ length: 16 }, (_, i) => 330 + i);

/**
 * Carlo Gavazzi EM340 (and EM330/ET330/ET340, which share the map) — input registers, int32 least
 * significant word first: 0.1 V, 0.001 A, 0.1 W, 0.1 kWh; int16 power factor (0.001) and
 * frequency (0.1 Hz).
 */
export const CARLO_GAVAZZI_EM340: ModbusMeterProfile = {
  id: 'carlo-gavazzi-em340',
  description: 'Carlo Gavazzi EM340 three-phase DIN-rail meter (Modbus RTU); also EM330, ET330, ET340',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Carlo Gavazzi EM340' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/carlogavazzi-ex3x0.go, citing the Carlo Gavazzi EM330/EM340/ET330/ET340 communication protocol (EM330_EM340_ET330_ET340_CP.pdf attached to mbmd; version not given); energy addresses also as victronenergy/dbus-cgwacs ac_sensor_updater.cpp (Em300Commands) reads them',
    'identify: identification code in holding register 0x000B, 330–345 as victronenergy/dbus-cgwacs ac_sensor.cpp assigns them to its EM300 (EM330/EM340/ET330/ET340) protocol; the code of each single model was not found',
  ],
  modbus: {
    function: 4,
    identify: carloGavazziCode(...EM300_CODES),
    registers: carloGavazziEm300Rows(),
  },
};
