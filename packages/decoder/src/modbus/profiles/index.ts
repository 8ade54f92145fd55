import type { ModbusMeterProfile } from '../../common/profile';
import { ABB_B23 } from './abb-b23';
import { CARLO_GAVAZZI_EM24 } from './carlo-gavazzi-em24';
import { CARLO_GAVAZZI_EM24_E1 } from './carlo-gavazzi-em24-e1';
import { CARLO_GAVAZZI_EM340 } from './carlo-gavazzi-em340';
import { EASTRON_SDM120 } from './eastron-sdm120';
import { EASTRON_SDM230 } from './eastron-sdm230';
import { EASTRON_SDM630 } from './eastron-sdm630';
import { EASTRON_SDM72 } from './eastron-sdm72';
import { FINDER_7M24 } from './finder-7m24';
import { FINDER_7M38 } from './finder-7m38';
import { JANITZA_UMG96RM } from './janitza-umg96rm';
import { ORNO_WE_504 } from './orno-we-504';
import { ORNO_WE_514 } from './orno-we-514';
import { ORNO_WE_516 } from './orno-we-516';
import { SCHNEIDER_IEM3000 } from './schneider-iem3000';

export {
  ABB_B23,
  CARLO_GAVAZZI_EM24,
  CARLO_GAVAZZI_EM24_E1,
  CARLO_GAVAZZI_EM340,
  EASTRON_SDM120,
  EASTRON_SDM230,
  EASTRON_SDM630,
  EASTRON_SDM72,
  FINDER_7M24,
  FINDER_7M38,
  JANITZA_UMG96RM,
  ORNO_WE_504,
  ORNO_WE_514,
  ORNO_WE_516,
  SCHNEIDER_IEM3000,
};

/** The built-in Modbus profiles, one file per model; the first three are the original Eastron ones. */
export const BUILTIN_MODBUS_PROFILES: readonly ModbusMeterProfile[] = [
  EASTRON_SDM630,
  EASTRON_SDM120,
  EASTRON_SDM72,
  EASTRON_SDM230,
  ABB_B23,
  CARLO_GAVAZZI_EM24,
  CARLO_GAVAZZI_EM24_E1,
  CARLO_GAVAZZI_EM340,
  SCHNEIDER_IEM3000,
  ORNO_WE_516,
  ORNO_WE_504,
  ORNO_WE_514,
  FINDER_7M38,
  FINDER_7M24,
  JANITZA_UMG96RM,
];

export function builtinModbusProfile(id: string): ModbusMeterProfile | undefined {
  return BUILTIN_MODBUS_PROFILES.find((p) => p.id === id);
}
