import type { ModbusMeterProfile } from '../../common/profile';
import { f32, phaseRows } from './rows';

/**
 * Janitza UMG 96RM (and UMG 96RM-E) — holding registers, the float32 block from 19000 (high word
 * first): per-phase V, A and W, total W, Hz. Energy is not read: the sources agree on the address
 * of one energy register but not on its direction (see provenance).
 */
export const JANITZA_UMG96RM: ModbusMeterProfile = {
  id: 'janitza-umg96rm',
  description: 'Janitza UMG 96RM / UMG 96RM-E power analysers (Modbus RTU or TCP): voltage, current, power and frequency only',
  protocol: 'modbus',
  match: {},
  meter: { model: 'Janitza UMG 96RM' },
  provenance: [
    'float block as in OpenEMS/openems io.openems.edge.meter.janitza umg96rme/MeterJanitzaUmg96rmeImpl.java (function 3, float32 at 19000…19050) and Roos-AID/ModbusRTU-ESP8266-webui data/MBmapUMG96.cfg: V L1…L3 19000/19002/19004, A 19012/19014/19016, W 19020/19022/19024, total W 19026, Hz 19050; no Janitza document read here',
    'energy left out: MBmapUMG96.cfg and DF3MS/janiza janitza_methods.py read "real energy L1..L3" at 19060 (float32 Wh) without a direction, OpenEMS reads 19068 and 19076 as the two directions; no second source names 19068/19076',
    'not for the UMG 604: OpenEMS reads that model at other addresses (1317…); not for the UMG 96S (16-bit registers from 200, DF3MS/janiza); mbmd janitza.go is for the Janitza B-series meters',
    'no identify: no source names a model register',
  ],
  modbus: {
    function: 3,
    registers: [
      ...phaseRows(19000, 2, 32, 'float32', 'V'),
      ...phaseRows(19012, 2, 31, 'float32', 'A'),
      ...phaseRows(19020, 2, 36, 'float32', 'W'),
      f32(19026, '1-0:16.7.0', 'W'),
      f32(19050, '1-0:14.7.0', 'Hz'),
    ],
  },
};
