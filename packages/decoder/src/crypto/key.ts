import { fail, ok, type Result } from '../common';

/** AES-128 key length in bytes (DLMS security suite 0/1 and the P1 envelope). */
export const KEY_LENGTH = 16;

/**
 * Parses a 16-byte key in any common spelling: hex with or without spaces, `:`/`-` separators,
 * `0x` prefixes, upper or lower case (`00112233…`, `00 11 22…`, `0x00, 0x11…`). Errors never echo
 * the key text.
 */
export function parseKey(text: string): Result<Uint8Array> {
  const clean = text
    .trim()
    .replace(/0x/gi, '')
    .replace(/[\s:,;_-]+/g, '');
  if (clean.length === 0) return fail('bad-format', 'key', 'key is empty');
  if (/[^0-9a-f]/i.test(clean)) return fail('bad-format', 'key', 'key contains characters that are not hex digits');
  if (clean.length !== KEY_LENGTH * 2) {
    return fail('bad-length', 'key', `key has ${clean.length} hex digits, expected ${KEY_LENGTH * 2}`);
  }
  return ok(Uint8Array.from(Buffer.from(clean, 'hex')));
}
