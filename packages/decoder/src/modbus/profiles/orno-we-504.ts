import type { ModbusMeterProfile } from '../../common/profile';
import { row } from './rows';

/**
 * ORNO OR-WE-504 (single phase) — holding registers 0x00…0x08: uint16 V, A and Hz in 0.1, W, var
 * and VA in 1, power factor in 0.001, the total active energy uint32 (high word first) in Wh. The
 * sources call the energy register "active energy" / "total active energy" without a direction,
 * so it is published as the absolute total (1-0:15.8.0), not as import.
 */
export const ORNO_WE_504: ModbusMeterProfile = {
  id: 'orno-we-504',
  description: 'ORNO OR-WE-504 single-phase DIN-rail meter (Modbus RTU)',
  protocol: 'modbus',
  match: {},
  meter: { model: 'ORNO OR-WE-504' },
  provenance: [
    'register list as in volkszaehler/mbmd meters/rs485/orno1p504.go: uint16 ×0.1 V, A, Hz; W, var, VA; ×0.001 power factor; uint32 Wh at 0x07',
    'the same in a HARDWARIO CHESTER driver header drv_or_we_504.h (found by text search: V, A ×0.1, W, uint32 Wh high word first) and a Node modbus-serial OR-WE-504 driver (found by text search, repository not identified) citing the ORNO register document OR-WE-504_rejestry.pdf (not read here)',
    'mbmd probes by reading 2 registers at the voltage address; the reactive energy at 0x09 (varh) has no direction in the sources and is not read',
    'no identify: no source names a model register',
  ],
  modbus: {
    function: 3,
    registers: [
      row(0x00, 'uint16', '1-0:12.7.0', 'V', { scale: 0.1 }),
      row(0x01, 'uint16', '1-0:11.7.0', 'A', { scale: 0.1 }),
      row(0x02, 'uint16', '1-0:14.7.0', 'Hz', { scale: 0.1 }),
      row(0x03, 'uint16', '1-0:16.7.0', 'W'),
      row(0x04, 'uint16', '1-0:3.7.0', 'var'),
      row(0x05, 'uint16', '1-0:9.7.0', 'VA'),
      row(0x06, 'uint16', '1-0:13.7.0', undefined, { scale: 0.001 }),
      row(0x07, 'uint32', '1-0:15.8.0', 'Wh'),
    ],
  },
};
