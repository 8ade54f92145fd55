import type { MeterInfo, MeterSnapshot } from '@smi/model';
import type { DecodeError } from '../common/errors';
import type { ModbusMeterProfile } from '../common/profile';
import { modbusReadings, type ModbusRegisterBlock } from './readings';

/**
 * The meter id of a Modbus unit: Modbus meters send no identity on their own, so the profile and
 * the unit id name it (`eastron-sdm630-1`); `meters[].id` in the configuration replaces it.
 */
export function modbusMeterId(profile: ModbusMeterProfile, unitId: number): string {
  return `${profile.id}-${unitId}`;
}

export interface ModbusSnapshotResult {
  /** Absent when not one register gave a reading. */
  readonly snapshot?: MeterSnapshot;
  readonly errors: DecodeError[];
}

/**
 * One poll of one unit (the registers `planModbusReads` asked for) as a snapshot of the profile's
 * readings. `meter` adds what the device told about itself (SunSpec model 1: serial as id, manufacturer).
 */
export function modbusSnapshot(
  profile: ModbusMeterProfile,
  unitId: number,
  blocks: readonly ModbusRegisterBlock[],
  meter?: Partial<MeterInfo>,
): ModbusSnapshotResult {
  const { readings, errors } = modbusReadings(profile.modbus, blocks);
  if (readings.length === 0) return { errors };
  const info: MeterInfo = {
    id: modbusMeterId(profile, unitId),
    ...(profile.meter?.manufacturerId === undefined ? {} : { manufacturerId: profile.meter.manufacturerId }),
    ...(profile.meter?.model === undefined ? {} : { model: profile.meter.model }),
    ...meter,
  };
  return { snapshot: { protocol: 'modbus', meter: info, readings }, errors };
}
