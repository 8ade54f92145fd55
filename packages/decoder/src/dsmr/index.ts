export { DSMR_DEFAULT_MAX_LENGTH, type DsmrCrcPolicy, type DsmrOptions } from './envelope';
export { createDsmrTelegramDecoder, decodeDsmrTelegram } from './decode-telegram';
export { DsmrState } from './state';
export { parseDsmrTelegram, type DsmrObject, type DsmrTelegram, type DsmrValue } from './raw-telegram';
export { DsmrFramer, type FramerSink } from './framer';
export { createDsmrDecoder, type DsmrStreamDecoder } from './stream-decoder';
export { objectSpec, type DsmrObjectKind, type DsmrObjectSpec } from './object-specs';
export { dsmrTimeToIso } from './text-values';
