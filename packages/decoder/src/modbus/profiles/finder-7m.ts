import type { ModbusProfileRegister } from '../section';
import { row } from './rows';

/**
 * The Finder 7M.24 and 7M.38 share one Modbus document ("Modbus communication protocol 7M24 -
 * 7M38", v2 of 30-06-2021, as the sources below cite it; not read here): input registers, the
 * document's register 3xxxx is protocol address xxxx, 32-bit values high word first.
 */

/**
 * The MID energy counters E1 (import) and E2 (export) of the integer block: T3 mantissa (read as
 * int32, as the dndg library does) times 10^(T2 exponent at 401 / 402) in Wh. The meter states
 * its own exponent, so no fixed scale is assumed (the sources disagree on the scale of the other
 * copies of these counters: see FINDER_7M_PROVENANCE).
 */
export function finder7mEnergyRows(): ModbusProfileRegister[] {
  return [
    { ...row(406, 'int32', '1-0:1.8.0', 'Wh'), scaleRegister: 401 },
    { ...row(408, 'int32', '1-0:2.8.0', 'Wh'), scaleRegister: 402 },
  ];
}

export const FINDER_7M_PROVENANCE: readonly string[] = [
  'float block (input registers 2498…2561, high word first) as read by volkszaehler/mbmd meters/rs485/finder7m38.go and finder7m24.go, koestler/go-iotdevice modbusDevice/finder7M38.go and timlaing/modbus_local_gateway device_configs/7M_38.yaml and 7M_24.yaml; mbmd and go-iotdevice cite the Finder document Modbus-7M24-7M38_v2_30062021.pdf (not read here)',
  'frequency at 2498 as go-iotdevice and modbus_local_gateway read it; mbmd reads 2584 (go-iotdevice lists 2584 as a second frequency with a question mark)',
  'energy: MID counter E1 = import active (406, exponent at 401) and E2 = export active (408, exponent at 402), mantissa × 10^exponent Wh, as dndg/Finder7M src/Finder7M.h and Finder7M.cpp (Finder Opta library) read them',
  'energy, second source: a public M5Stack sketch reading two 7M.24 (found by text search, repository not identified) quotes "30406 Energy Counter n1 T3 Mantissa x EXP(Register 30401) x 1 Wh" and the same for n2 at 30408/30402',
  'disagreement: mbmd reads float copies at 2752 (import) and 2756 (export) as uint32 Wh although its comment says float, and orders 2752…2758 import, reactive import, export, reactive export; go-iotdevice lists float counters n1…n4 at 2638…2644 as Wh, varh, Wh, varh',
  'disagreement: the x1000 copies at 462… are read as uint32 ×0.1 Wh by modbus_local_gateway for the 7M.38 (its issue 15, "counter values x10") but unscaled for the 7M.24; dndg/Finder7M gives 0.1 Wh for both. Only E1/E2 with their own exponent registers are used here',
  'no identify: go-iotdevice reads a model number text at 30001…30008, but no source shows what it holds',
];
