import type { ModbusMeterProfile } from '../../common/profile';
import { carloGavazziCode, carloGavazziEm300Rows } from './rows';

/**
 * Carlo Gavazzi EM24-DIN Ethernet (EM24DINAV23XE1…, EM24DINAV53XE1…; Modbus TCP): the EM300-style
 * map (int32 least significant word first). Victron's dbus-modbus-client reads it with function 3;
 * the identification code is in holding register 0x000B.
 */
export const CARLO_GAVAZZI_EM24_E1: ModbusMeterProfile = {
  id: 'carlo-gavazzi-em24-e1',
  description: 'Carlo Gavazzi EM24-DIN Ethernet (E1) three-phase meter (Modbus TCP)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Carlo Gavazzi EM24 E1' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/carlogavazzi-em24_e1.go (citing the Carlo Gavazzi EM24 Ethernet communication protocol, enika.eu "em24 ethernet cp.pdf"; version not given) and victronenergy/dbus-modbus-client carlo_gavazzi.py',
    'identify: identification code in holding register 0x000B, 1648–1653 (EM24DINAV23XE1X/PFA/PFB, EM24DINAV53XE1X/PFA/PFB) as victronenergy/dbus-modbus-client carlo_gavazzi.py probes it',
  ],
  modbus: {
    function: 3,
    identify: carloGavazziCode(1648, 1649, 1650, 1651, 1652, 1653),
    registers: carloGavazziEm300Rows(),
  },
};
