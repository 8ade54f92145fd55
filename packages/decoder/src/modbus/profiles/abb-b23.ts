import type { ModbusMeterProfile } from '../../common/profile';
import { phaseRows, row } from './rows';

/** ABB's "value not available" markers: all ones for unsigned, the largest value for signed registers. */
const NA = { u16: 0xffff, i16: 0x7fff, u32: 0xffffffff, i32: 0x7fffffff } as const;

/**
 * ABB B23 / B24 (three phase) and B21 (single phase) — holding registers, integers big-endian:
 * voltage uint32 in 0.1 V, current uint32 in 0.01 A, power int32 in 0.01 W, frequency uint16 in
 * 0.01 Hz, power factor int16 in 0.001, energy uint64 in 0.01 kWh. A B21 answers the L2/L3 rows
 * with the not-available marker, which gives no reading. The type designation ("B21 ", "B23 ",
 * "B24 ") is ASCII text from holding register 0x8960.
 */
export const ABB_B23: ModbusMeterProfile = {
  id: 'abb-b23',
  description: 'ABB B23 and B24 three-phase DIN-rail meters (System pro M compact, RS-485 Modbus); the single-phase B21 shares the map (L1 and totals)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'ABB B23/B24' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/abb.go (citing the B-series manual Energiezaehler_B-Serie_Handbuch.pdf) and victronenergy/dbus-modbus-client abb.py; openWB cites ABB document 2CMC485003M0201 (B23/B24 user manual) for the same map, not read here',
    'identify: type designation text at holding register 0x8960 as victronenergy/dbus-modbus-client abb.py probes it ("B21 ", "B23 ", "B24 ")',
    'not-available markers 0xFFFF… (unsigned) and 0x7FFF… (signed) as mbmd abb.go and openWB treat them',
  ],
  modbus: {
    function: 3,
    identify: { function: 3, address: 0x8960, registers: 2, textPrefix: 'B2' },
    registers: [
      ...phaseRows(0x5b00, 2, 32, 'uint32', 'V', { scale: 0.1, notImplemented: NA.u32 }),
      ...phaseRows(0x5b0c, 2, 31, 'uint32', 'A', { scale: 0.01, notImplemented: NA.u32 }),
      row(0x5b14, 'int32', '1-0:16.7.0', 'W', { scale: 0.01, notImplemented: NA.i32 }),
      ...phaseRows(0x5b16, 2, 36, 'int32', 'W', { scale: 0.01, notImplemented: NA.i32 }),
      row(0x5b2c, 'uint16', '1-0:14.7.0', 'Hz', { scale: 0.01, notImplemented: NA.u16 }),
      row(0x5b3a, 'int16', '1-0:13.7.0', undefined, { scale: 0.001, notImplemented: NA.i16 }),
      ...phaseRows(0x5b3b, 1, 33, 'int16', undefined, { scale: 0.001, notImplemented: NA.i16 }),
      row(0x5000, 'uint64', '1-0:1.8.0', 'kWh', { scale: 0.01 }),
      row(0x5004, 'uint64', '1-0:2.8.0', 'kWh', { scale: 0.01 }),
    ],
  },
};
