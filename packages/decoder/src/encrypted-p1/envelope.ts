import { ByteQueue, fail, ok, type DecodeError, type Result } from '../common';
import { decipherApdu, GENERAL_GLO_CIPHERING, parseCipheredApdu, securityControl } from '../dlms/ciphering';

/**
 * Encrypted P1 envelope (§1.6, Luxembourg Smarty; Austrian P1): a general-glo-ciphering APDU whose
 * plaintext is a DSMR telegram: `DB 08 · system title (8) · 82 LLLL · SC · IC (4) · ciphertext · tag (12)`.
 */

/** The fixed authentication key every Smarty meter uses in the AAD (Smarty P1 spec v1.1.3 §3.2.5). */
export const SMARTY_AUTH_KEY: Uint8Array = Uint8Array.from([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
/** Largest envelope accepted (P1 telegrams are a few kilobytes). */
export const P1_ENVELOPE_MAX = 16384;

export interface P1Keys {
  readonly key: Uint8Array;
  /** AAD key; defaults to `SMARTY_AUTH_KEY` (Austrian meters: the GAK the utility supplies). */
  readonly authKey?: Uint8Array;
}

const LAYER = 'p1-envelope';
const TELEGRAM_START = 0x2f; // '/'

/** Decrypts one envelope; returns the plaintext telegram bytes (its own CRC is the DSMR parser's job). */
export function unwrapEncryptedP1(bytes: Uint8Array, keys: P1Keys): Result<Uint8Array> {
  if (bytes[0] !== GENERAL_GLO_CIPHERING || bytes[1] !== 0x08) return fail('bad-format', LAYER, 'an encrypted telegram starts with DB 08', 0);
  const c = parseCipheredApdu(bytes);
  if (!c.ok) return c;
  const sc = securityControl(c.value.securityControl);
  if (!sc.encrypted) return fail('not-encrypted', LAYER, 'security control announces no encryption');
  const plain = decipherApdu(c.value, { key: keys.key, authKey: keys.authKey ?? SMARTY_AUTH_KEY });
  if (!plain.ok) return plain;
  if (plain.value[0] !== TELEGRAM_START) return fail('decrypt-failed', LAYER, 'decrypted content is not a P1 telegram: wrong key?');
  return ok(plain.value);
}

export interface P1EnvelopePushResult {
  readonly frames: Uint8Array[];
  readonly discarded: number;
  readonly errors: DecodeError[];
}

/**
 * Opens a complete candidate envelope and says whether it was one. The envelope has no end marker
 * and no checksum of its own (the GCM tag is its check), so only the caller can tell.
 */
export type EnvelopeCheck = (envelope: Uint8Array) => boolean;

export interface P1EnvelopeFramer {
  /**
   * With `check`, a candidate it refuses does not swallow its declared length: the search goes on
   * right after its `DB` byte, so a good envelope that begins inside a cut one still comes out.
   * Refused candidates are not returned in `frames` (the check has reported them).
   */
  push(chunk: Uint8Array, check?: EnvelopeCheck): P1EnvelopePushResult;
  /**
   * End of input: a candidate that cannot complete is `truncated`, and the search goes on inside
   * it (a good envelope may begin there); the framer is empty afterwards.
   */
  flush(check?: EnvelopeCheck): P1EnvelopePushResult;
  /** Bytes held back for an incomplete envelope (at most the largest envelope). */
  readonly pendingBytes: number;
}

/** Header size and declared total size of an envelope at the queue front, or why it cannot be one. */
function envelopeSize(q: ByteQueue): number | 'need-more' | 'skip' | 'too-long' {
  if (q.length < 2) return 'need-more';
  if (q.at(1) !== 0x08) return 'skip';
  if (q.length < 12) return 'need-more';
  const first = q.at(10);
  let header = 11;
  let length = first;
  if (first === 0x81) {
    header = 12;
    length = q.at(11);
  } else if (first === 0x82) {
    if (q.length < 13) return 'need-more';
    header = 13;
    length = (q.at(11) << 8) | q.at(12);
  } else if (first >= 0x80) return 'skip';
  if (length < 5) return 'skip';
  if (header + length > P1_ENVELOPE_MAX) return 'too-long';
  if (q.length <= header) return 'need-more';
  const sc = securityControl(q.at(header));
  if (!sc.encrypted || sc.compressed || sc.suite > 1 || (sc.authenticated && length < 5 + 12)) return 'skip';
  return header + length;
}

/**
 * Incremental framer for the envelope: resynchronises on `DB 08`, reads the BER length, checks the
 * security control byte and waits for the declared length (the envelope has no end marker). A
 * candidate the caller's check refuses (a cut envelope whose declared length reaches into the next
 * one fails its tag) is given up at its first byte, and the search resumes there.
 */
export function createEncryptedP1Framer(): P1EnvelopeFramer {
  const q = new ByteQueue();
  const framer: P1EnvelopeFramer = {
    get pendingBytes() {
      return q.length;
    },
    flush(check) {
      const frames: Uint8Array[] = [];
      const errors: DecodeError[] = [];
      let discarded = 0;
      for (;;) {
        const r = framer.push(new Uint8Array(0), check);
        frames.push(...r.frames);
        errors.push(...r.errors);
        discarded += r.discarded;
        if (q.length === 0) break;
        errors.push(fail('truncated', LAYER, 'envelope cut off by the end of the input').error);
        q.consume(1);
      }
      return { frames, discarded, errors };
    },
    push(chunk, check) {
      q.append(chunk);
      const frames: Uint8Array[] = [];
      const errors: DecodeError[] = [];
      let discarded = 0;
      for (;;) {
        const start = q.indexOf(GENERAL_GLO_CIPHERING);
        if (start < 0) {
          discarded += q.length;
          q.consume(q.length);
          break;
        }
        discarded += start;
        q.consume(start);
        const size = envelopeSize(q);
        if (size === 'need-more') break;
        if (size === 'skip' || size === 'too-long') {
          if (size === 'too-long') errors.push(fail('too-long', LAYER, `declared length over ${P1_ENVELOPE_MAX} bytes`, 10).error);
          discarded++;
          q.consume(1);
          continue;
        }
        if (q.length < size) break;
        const candidate = q.copy(0, size);
        if (check && !check(candidate)) {
          q.consume(1);
          continue;
        }
        frames.push(candidate);
        q.consume(size);
      }
      return { frames, discarded, errors };
    },
  };
  return framer;
}
