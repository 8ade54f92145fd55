// Public API of the IEC 62056-21 (D0) folder. Generic names carry a D0 prefix so that
// `export *` of several protocol folders cannot clash.
export {
  baudInfo,
  modeBBaudChar,
  modeCBaudChar,
  transmitMs,
  BAUD_RATES as D0_BAUD_RATES,
  INITIAL_BAUD as D0_INITIAL_BAUD,
  MODE_D_BAUD as D0_MODE_D_BAUD,
  MODE_CONTROL as D0_MODE_CONTROL,
  PROTOCOL_CONTROL as D0_PROTOCOL_CONTROL,
  TIMING as D0_TIMING,
  type BaudInfo,
  type D0Mode,
  type ModeControl,
  type ProtocolControl,
} from './constants';
export { bcc as d0Bcc } from './bcc';
export { buildIdentification, identificationMode, parseIdentification, type Identification, type IdentificationInit } from './identification';
export {
  buildBreak,
  buildCommand,
  buildOptionSelect,
  buildRequest,
  optionSelect,
  parseCommand,
  parseOptionSelect,
  parseRequest,
  type CommandMessage,
  type OptionSelect,
} from './messages';
export { buildDataMessage, parseDataMessage, type DataMessage, type DataMessageOptions } from './data-message';
export { parseDataBlock, type DataBlock, type DataSet } from './data-sets';
export { classifyAddress, letterCodeCde, type D0Address } from './address';
export { ReadingFactory, interpretValues, type AddressInfo } from './readings';
export { ReadoutInterpreter, type Interpretation } from './interpreter';
export { ID_PRECEDENCE as D0_ID_PRECEDENCE, type BlockFacts } from './facts';
export { buildSnapshot, decodeReadout, MeterInfoCache, type SnapshotOptions } from './snapshot';
export { D0Framer, type D0Frame, type D0FramerError, type D0FramerEvent, type D0FramerOptions } from './framer';
export { D0ReadoutFramer, type D0Readout } from './readout-framer';
export { ReadoutSnapshots as D0ReadoutSnapshots } from './readout-snapshots';
export { BUILTIN_D0_METER_PROFILES, BUILTIN_D0_PROFILES, mediumOfIdentification, toD0Profile, type D0Profile } from './meter-profiles';
export { createD0Decoder, type D0DecoderOptions, type D0StreamDecoder } from './stream-decoder';
export type { LineCommand, MasterAwait, MasterCommand, MeterCommand, ProgrammingReply } from './commands';
export { D0MasterSession, type MasterOptions, type MasterState, type WakeUpOptions } from './master';
export { D0MeterSimulator, type MeterSimulatorOptions } from './meter';
export { VirtualLine, type LineEnd, type LineLogEntry, type VirtualLineOptions } from './virtual-line';
