/** EN 13757-2/-3 wired M-Bus: frames, framer, application layer, data records, master and slave helpers. */
export {
  MBUS_ACK,
  MBUS_LONG_START,
  MBUS_SHORT_START,
  MBUS_STOP,
  encodeLongFrame as encodeMbusLongFrame,
  encodeShortFrame as encodeMbusShortFrame,
  isFromSlave as isMbusSlaveFrame,
  mbusChecksum as mbusFrameChecksum,
  parseMbusFrame,
  parseMbusFrameView,
  type MbusFrame,
} from './frame';
export { MBUS_MAX_FRAME, createMbusFramer, scanMbusFrame, type MbusFramer, type MbusFramerError, type MbusFramerEvent, type MbusScan } from './framer';
export {
  CI as MBUS_CI,
  decodeApplicationLayer as decodeMbusApplicationLayer,
  type MbusFixedTelegram,
  type MbusReportTelegram,
  type MbusTelegram,
  type MbusVariableTelegram,
} from './application';
export {
  decodeManufacturer as decodeMbusManufacturer,
  decodeStatus as decodeMbusStatus,
  encodeManufacturer as encodeMbusManufacturer,
  secondaryAddress as mbusSecondaryAddress,
  type MbusLongHeader,
  type MbusShortHeader,
  type MbusStatus,
} from './header';
export { parseFixedData as parseMbusFixedData, type FixedCounter as MbusFixedCounter, type MbusFixedData } from './fixed-data';
export {
  parseRecords as parseMbusRecords,
  type MbusDataRecord,
  type MbusManufacturerRecord,
  type MbusRecord,
  type RecordCoding as MbusRecordCoding,
} from './records';
export type { RecordFunction as MbusRecordFunction } from './dif';
export type { ValueInformationBlock as MbusValueInformationBlock, Qualifier as MbusQualifier } from './vib';
export {
  decodeTypeF as decodeMbusTypeF,
  decodeTypeG as decodeMbusTypeG,
  decodeTypeI as decodeMbusTypeI,
  decodeTypeJ as decodeMbusTypeJ,
  readBcd as readMbusBcd,
  type MbusDateTime,
} from './data-coding';
export { recordToReading as mbusRecordToReading, recordsToReadings as mbusRecordsToReadings } from './readings';
export {
  createMbusDecoderCache,
  createMbusFrameDecoder,
  decodeMbusFrame,
  decodeMbusTelegram,
  telegramToSnapshot as mbusTelegramToSnapshot,
  type MbusDecodeOptions,
  type MbusDecoderCache,
} from './snapshot';
export { createMbusDecoder, type MbusStreamDecoder, type MbusStreamOptions } from './stream-decoder';
export {
  DEFAULT_MAX_TELEGRAMS as MBUS_MAX_TELEGRAMS,
  EMPTY_READOUT as EMPTY_MBUS_READOUT,
  accumulateReadout as accumulateMbusReadout,
  mergeReadout as mergeMbusReadout,
  type ReadoutAccumulator as MbusReadoutAccumulator,
} from './multi-telegram';
export {
  ADDRESS as MBUS_ADDRESS,
  BAUD_RATES as MBUS_BAUD_RATES,
  CONTROL as MBUS_CONTROL,
  buildApplicationReset as buildMbusApplicationReset,
  buildReqUd1 as buildMbusReqUd1,
  buildReqUd2 as buildMbusReqUd2,
  buildSelectSecondary as buildMbusSelectSecondary,
  buildSetBaudRate as buildMbusSetBaudRate,
  buildSetPrimaryAddress as buildMbusSetPrimaryAddress,
  buildSndNke as buildMbusSndNke,
  buildSndUd as buildMbusSndUd,
  createFcbState as createMbusFcbState,
  encodeSecondaryMask as encodeMbusSecondaryMask,
  isAck as isMbusAck,
  linkReset as mbusLinkReset,
  matchesSecondaryMask as matchesMbusSecondaryMask,
  nextReqUd2 as nextMbusReqUd2,
  parseSecondaryMask as parseMbusSecondaryMask,
  repeatReqUd2 as repeatMbusReqUd2,
  type BaudRate as MbusBaudRate,
  type FcbState as MbusFcbState,
  type SecondaryAddressMask as MbusSecondaryAddressMask,
} from './master';
export {
  INITIAL_SLAVE_STATE as INITIAL_MBUS_SLAVE_STATE,
  slaveRespond as mbusSlaveRespond,
  type MbusSlaveConfig,
  type MbusSlaveState,
  type MbusSlaveStep,
} from './slave-simulator';
