import type { ModbusMeterProfile } from '../../common/profile';
import { row } from './rows';

/**
 * ORNO OR-WE-514 and OR-WE-515 (single phase; the 515 adds tariff counters) — holding registers:
 * uint16 Hz and V in 0.01, uint32 A in 0.001, uint32 W, var and VA, int16 power factor in 0.001,
 * total active energy uint32 in 0.01 kWh at 0xA000 (published as the absolute total 1-0:15.8.0:
 * the sources name no direction).
 */
export const ORNO_WE_514: ModbusMeterProfile = {
  id: 'orno-we-514',
  description: 'ORNO OR-WE-514 and OR-WE-515 single-phase DIN-rail meters (Modbus RTU; factory setting 9600 Bd, even parity)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'ORNO OR-WE-514/515' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/orno1p.go ("ORNO WE-514 & WE-515", citing the register description PDF in gituser-rk/orno-modbus-mqtt, not read here) and gituser-rk/orno-modbus-mqtt modbus-mqtt.py, which reads an OR-WE-514',
    'agreed: Hz 0x130 and V 0x131 uint16 ×0.01, A 0x139 uint32 ×0.001, W 0x140, var 0x148, VA 0x150 as 32-bit integers in W/var/VA, power factor 0x158 ×0.001; factory setting 9600 8E1 from the orno-modbus-mqtt README',
    'where mbmd disagrees with itself: its comments give power in 0.001 kW and the L1 current as 16 bit, its code reads 32-bit W and 32-bit current ×0.001 A, as modbus-mqtt.py does; the code is followed',
    'energy at 0xA000 as uint32 in 0.01 kWh: mbmd (code), snaptec/openWB packages/modules/smarthome/we514/watt.py (low word 0xA001 in 0.01 kWh) and esphome/devices.esphome.io pull request 312 ("Values at adresses 0xA0xx are all U_DWORD"); modbus-mqtt.py reads it as float32 kWh instead',
    'power factor read signed (int16) as modbus-mqtt.py does; mbmd reads it unsigned (the same for 0…1)',
    'no identify: no source names a model register',
  ],
  modbus: {
    function: 3,
    registers: [
      row(0x130, 'uint16', '1-0:14.7.0', 'Hz', { scale: 0.01 }),
      row(0x131, 'uint16', '1-0:12.7.0', 'V', { scale: 0.01 }),
      row(0x139, 'uint32', '1-0:11.7.0', 'A', { scale: 0.001 }),
      row(0x140, 'uint32', '1-0:16.7.0', 'W'),
      row(0x148, 'uint32', '1-0:3.7.0', 'var'),
      row(0x150, 'uint32', '1-0:9.7.0', 'VA'),
      row(0x158, 'int16', '1-0:13.7.0', undefined, { scale: 0.001 }),
      row(0xa000, 'uint32', '1-0:15.8.0', 'kWh', { scale: 0.01 }),
    ],
  },
};
