/** Why a frame was rejected. A closed union: tests and counters use these, never message text. */
export const ERROR_KINDS = [
  'truncated', // the frame ended before its structure was complete
  'bad-crc', // checksum / CRC / BCC mismatch
  'missing-crc', // the protocol or dialect carries a checksum and this frame has none
  'bad-length', // a length field disagrees with the bytes
  'bad-format', // bytes are not what the protocol allows at this place
  'bad-value', // a field parsed but its value is impossible (date, number)
  'too-long', // no end marker within the protocol's maximum size
  'unsupported', // valid but not (yet) handled: names what is missing
  'missing-key', // encrypted and no key configured
  'not-encrypted', // a key was given but the frame is plain
  'decrypt-failed', // decrypted but the content is not what the layer expects
  'auth-failed', // GCM tag mismatch: wrong key or wrong authentication key
  'replayed', // repeated or decreasing frame counter
  'implausible', // decoded, but a lifetime register went backwards or jumped further than physically possible (gateway guard)
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface DecodeError {
  readonly kind: ErrorKind;
  /** Human-readable; never contains key material. */
  readonly message: string;
  /** Layer that rejected it (`dsmr`, `hdlc`, `sml-file`, `gcm`…). */
  readonly layer: string;
  /** Byte offset within the frame, when known. */
  readonly offset?: number;
}

export type Result<T, E = DecodeError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(kind: ErrorKind, layer: string, message: string, offset?: number): { readonly ok: false; readonly error: DecodeError } {
  return { ok: false, error: offset === undefined ? { kind, layer, message } : { kind, layer, message, offset } };
}

/** A rejected frame as `smi decode` prints it and the Node-RED nodes send it: `{error, layer, offset?, message}`. */
export interface ErrorRecord {
  readonly error: ErrorKind;
  readonly layer: string;
  readonly offset?: number;
  readonly message: string;
}

export function errorRecord(e: DecodeError): ErrorRecord {
  return e.offset === undefined
    ? { error: e.kind, layer: e.layer, message: e.message }
    : { error: e.kind, layer: e.layer, offset: e.offset, message: e.message };
}
