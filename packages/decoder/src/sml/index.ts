// Public API of the SML decoder. Names carry "Sml" so `export * from './sml'` cannot collide.
export { SmlDecodeState, createSmlDecoder, decodeSmlFile, parseSmlFile, type SmlFile, type SmlOptions, type SmlStreamDecoder } from './stream-decoder';
export { SmlFileFramer, type SmlFramerOptions } from './framer';
export { parseSmlMessages, readMessage as readSmlMessage } from './messages';
export type { SmlEntrySink, SmlEntryView } from './list-entry';
export {
  BUILTIN_SML_PROFILES,
  POWER_SIGN_FIXES as SML_POWER_SIGN_FIXES,
  mergeProfiles as mergeSmlProfiles,
  profileMatches as smlProfileMatches,
  resolveQuirks as resolveSmlQuirks,
  type ResolvedQuirks as ResolvedSmlQuirks,
  type PowerSignFix as SmlPowerSignFix,
  type SmlCrcVariant,
  type SmlMeterIdentity,
  type SmlMeterProfile,
  BUILTIN_SML_METER_PROFILES,
  toSmlProfile,
  type SmlProfileMatch,
  type SmlQuirks,
} from './profiles';
export { describeServerId as describeSmlServerId, type SmlServerIdInfo } from './server-id';
export { SmlSnapshotBuilder, buildSmlSnapshot, type SmlSnapshotContext } from './snapshot';
export { SML_TYPE, SmlReader, readTl as readSmlTl, type SmlInt, type TlHeader as SmlTlHeader } from './tl';
export { SML_START, unwrapSmlTransport, type SmlTransportFile } from './transport';
export * from './types';
export { smlTimeToIso } from './values';
export { encodeSmlFile, encodeSmlMessage, encodeTl as encodeSmlTl, smlw as smlWriter, type SmlMessageSpec } from './encode';
