import { fail, ok, type DecodeError, type Result } from '../common/errors';
import { checkCrc, DSMR_DEFAULT_MAX_LENGTH, LAYER, readTrailer, type DsmrOptions } from './envelope';
import { readHeader, scanBody, type Header, type ObjectVisitor } from './line-scanner';
import type { DsmrState } from './state';
import { ByteText } from '../common/byte-text';

const SLASH = 0x2f;
const BANG = 0x21;

export interface TelegramPass<V> {
  readonly visitor: V;
  readonly header: Header;
  /** Offsets of `/` and `!` in the input. */
  readonly start: number;
  readonly bang: number;
  /** CRC as sent, when present (checked). */
  readonly crc?: number;
}

function isError(x: object): x is DecodeError {
  return 'kind' in x;
}

/**
 * A scan that failed on a telegram that carries a CRC which does not match is reported as
 * `bad-crc` (corruption, not a dialect); a scan that ran into the length bound as `too-long`.
 */
function explain(bytes: Uint8Array, start: number, limit: number, maxLength: number, error: DecodeError, options: DsmrOptions): DecodeError {
  const bang = bytes.indexOf(BANG, start + 1);
  if (bang >= 0 && bang < limit) {
    const trailer = readTrailer(bytes, bang);
    if (trailer.digits > 0) {
      const crcError = checkCrc(bytes, start, bang, trailer, options, undefined);
      if (crcError) return crcError;
    }
  }
  if (error.kind === 'truncated' && limit < bytes.length && (bang < 0 || bang >= limit)) {
    return fail('too-long', LAYER, `no "!" within ${maxLength} bytes`, start + maxLength).error;
  }
  return error;
}

/**
 * One pass over a complete telegram (`/` … `!` [CRC]; bytes before `/` and after the CRC are
 * ignored): identification line, every object to `visitor`, then the CRC check. The bytes are
 * read in place, once, besides the CRC.
 */
export function scanTelegram<V extends ObjectVisitor>(
  bytes: Uint8Array,
  options: DsmrOptions,
  makeVisitor: (text: ByteText, header: Header) => V,
  state: DsmrState,
): Result<TelegramPass<V>> {
  const maxLength = options.maxLength ?? DSMR_DEFAULT_MAX_LENGTH;
  const start = bytes.indexOf(SLASH);
  if (start < 0) return fail('bad-format', LAYER, 'no "/" start of telegram');
  const limit = Math.min(bytes.length, start + maxLength);
  state.trim();
  const text = new ByteText(bytes);
  const header = readHeader(text, start, limit, state.headers);
  if (isError(header)) return { ok: false, error: explain(bytes, start, limit, maxLength, header, options) };
  const visitor = makeVisitor(text, header);
  const bang = scanBody(bytes, header.bodyStart, limit, visitor, state);
  if (typeof bang !== 'number') return { ok: false, error: explain(bytes, start, limit, maxLength, bang, options) };
  const trailer = readTrailer(bytes, bang);
  const crcError = checkCrc(bytes, start, bang, trailer, options, header.manufacturerId);
  if (crcError) return { ok: false, error: crcError };
  return ok(trailer.digits > 0 ? { visitor, header, start, bang, crc: trailer.crc } : { visitor, header, start, bang });
}
