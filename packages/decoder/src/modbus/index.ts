/** Modbus RTU and TCP (Modbus Application Protocol V1.1b3): requests, responses, register decoding, meter profiles. */
export { crc16Modbus } from './crc';
export {
  MODBUS_EXCEPTIONS,
  MODBUS_EXCEPTION_LAYER,
  MODBUS_FUNCTION,
  MODBUS_MAX_READ,
  buildModbusExceptionPdu,
  buildModbusReadPdu,
  buildModbusReadResponsePdu,
  modbusExceptionError,
  parseModbusReadPdu,
  parseModbusReadResponsePdu,
  type ModbusReadFunction,
  type ModbusReadRequest,
} from './pdu';
export { MODBUS_RTU_MAX_FRAME, ModbusRtuFramer, decodeModbusRtu, encodeModbusRtu, modbusRtuSilenceMs, type ModbusAdu, type ModbusRtuExpectation } from './rtu';
export { MODBUS_TCP_MAX_FRAME, ModbusTcpFramer, decodeModbusTcp, encodeModbusTcp, type ModbusTcpFrame } from './tcp';
export {
  MODBUS_ORDERS,
  MODBUS_TYPE_REGISTERS,
  MODBUS_VALUE_TYPES,
  decodeModbusValue,
  encodeModbusValue,
  type ModbusOrder,
  type ModbusValueType,
} from './registers';
export { parseModbusSection, type ModbusIdentify, type ModbusProfileRegister, type ModbusSection } from './section';
export { modbusReadings, planModbusReads, type ModbusReadSpan, type ModbusReadingsResult, type ModbusRegisterBlock } from './readings';
/** The built-in profiles, one constant per model (`profiles/index.ts` lists them). */
export * from './profiles';
export { modbusMeterId, modbusSnapshot, type ModbusSnapshotResult } from './snapshot';
export * from './identify';
export type { ModbusMeterProfile } from '../common/profile';
export {
  SUNSPEC_BASES,
  SUNSPEC_END,
  SUNSPEC_INVERTER_MODELS,
  SUNSPEC_MARKER,
  SUNSPEC_METER_MODELS,
  isSunSpecMarker,
  modbusText,
  parseSunSpecCommon,
  sunSpecProfile,
  type SunSpecCommon,
  type SunSpecModelHeader,
} from './sunspec';
