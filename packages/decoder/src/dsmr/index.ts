export { DSMR_DEFAULT_MAX_LENGTH, type DsmrOptions } from './envelope';
export { decodeDsmrTelegram } from './decode-telegram';
export { parseDsmrTelegram, type DsmrObject, type DsmrTelegram, type DsmrValue } from './raw-telegram';
export { DsmrFramer, type FramerOutput, type FramerSink } from './framer';
export { createDsmrDecoder, type DsmrStreamDecoder } from './stream-decoder';
export { objectSpec, type DsmrObjectKind, type DsmrObjectSpec } from './object-specs';
export { dsmrTimeToIso } from './text-values';
