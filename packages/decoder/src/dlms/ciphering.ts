import { concatBytes, fail, ok, type Result } from '../common';
import { aesKey, GCM_TAG_LENGTH, gcmDecrypt, gcmEncrypt } from '../crypto';
import { AxdrReader } from './axdr';

/** general-glo-ciphering (global key) and general-ded-ciphering (dedicated key) tags (§4.7). */
export const GENERAL_GLO_CIPHERING = 0xdb;
export const GENERAL_DED_CIPHERING = 0xdc;
/** general-ciphering: extra key-info fields; not handled. */
export const GENERAL_CIPHERING = 0xdd;

export interface CipheredApdu {
  readonly tag: number;
  /** 8 bytes; the first 3 are the manufacturer's FLAG id. */
  readonly systemTitle: Uint8Array;
  readonly securityControl: number;
  readonly invocationCounter: number;
  /** Ciphertext, followed by the 12-byte tag when the security control has A set (a view). */
  readonly payload: Uint8Array;
}

export interface SecurityControl {
  readonly suite: number;
  readonly authenticated: boolean;
  readonly encrypted: boolean;
  readonly broadcastKey: boolean;
  readonly compressed: boolean;
}

export interface CipherKeys {
  /** Global unicast encryption key (GUEK), or the dedicated key for `DC`. */
  readonly key?: Uint8Array;
  /** Authentication key (GAK), the AAD of authenticated frames. */
  readonly authKey?: Uint8Array;
}

const LAYER = 'gcm';

export function securityControl(sc: number): SecurityControl {
  return {
    suite: sc & 0x0f,
    authenticated: (sc & 0x10) !== 0,
    encrypted: (sc & 0x20) !== 0,
    broadcastKey: (sc & 0x40) !== 0,
    compressed: (sc & 0x80) !== 0,
  };
}

/** Parses `DB|DC · 08 · system title · BER length · SC · IC (4) · payload`; the length must end the APDU. */
export function parseCipheredApdu(apdu: Uint8Array): Result<CipheredApdu> {
  const tag = apdu[0] as number;
  if (tag !== GENERAL_GLO_CIPHERING && tag !== GENERAL_DED_CIPHERING) {
    return fail('bad-format', LAYER, 'APDU is not general-glo/ded-ciphering (DB/DC)', 0);
  }
  const r = new AxdrReader(apdu, 1);
  const stLength = r.berLength();
  if (stLength === undefined) return { ok: false, error: r.error ?? fail('truncated', LAYER, 'system title', 1).error };
  if (stLength !== 8) return fail('bad-format', LAYER, `system title of ${stLength} bytes`, 1);
  const systemTitle = r.take(8);
  const lengthAt = r.pos;
  const length = systemTitle && r.berLength();
  if (systemTitle === undefined || length === undefined) return { ok: false, error: r.error ?? fail('truncated', LAYER, 'header', r.pos).error };
  const start = r.pos;
  if (start + length > apdu.length) return fail('truncated', LAYER, `ciphered length ${length} exceeds the ${apdu.length - start} bytes received`, lengthAt);
  if (start + length < apdu.length) return fail('bad-length', LAYER, `${apdu.length - start - length} byte(s) after the ciphered content`, lengthAt);
  if (length < 5) return fail('truncated', LAYER, 'no room for security control and invocation counter', lengthAt);
  const ic =
    (((apdu[start + 1] as number) << 24) | ((apdu[start + 2] as number) << 16) | ((apdu[start + 3] as number) << 8) | (apdu[start + 4] as number)) >>> 0;
  return ok({ tag, systemTitle, securityControl: apdu[start] as number, invocationCounter: ic, payload: apdu.subarray(start + 5, start + length) });
}

/** GCM IV: system title (8 bytes) ‖ invocation counter (4 bytes, big-endian). */
function gcmIv(systemTitle: Uint8Array, invocationCounter: number): Uint8Array {
  const iv = new Uint8Array(12);
  iv.set(systemTitle, 0);
  iv[8] = invocationCounter >>> 24;
  iv[9] = (invocationCounter >>> 16) & 0xff;
  iv[10] = (invocationCounter >>> 8) & 0xff;
  iv[11] = invocationCounter & 0xff;
  return iv;
}

/** GCM AAD: SC ‖ AK, followed by the plaintext when the frame is authenticated only. */
function gcmAad(securityControlByte: number, authKey: Uint8Array, plaintext?: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(securityControlByte), authKey, plaintext ?? new Uint8Array(0)]);
}

/**
 * Decrypts/authenticates a ciphered APDU with AES-128-GCM (suite 0, and suite 1 as Kaifa MA309
 * uses it). IV = system title ‖ invocation counter. A+E: AAD = SC ‖ AK, 12-byte tag; E only: no tag
 * (CTR); A only: AAD = SC ‖ AK ‖ plaintext. Without an authentication key, a tagged frame is
 * decrypted without checking its tag (the content check in the caller still catches a wrong key).
 */
export function decipherApdu(c: CipheredApdu, keys: CipherKeys): Result<Uint8Array> {
  const sc = securityControl(c.securityControl);
  if (sc.compressed) return fail('unsupported', LAYER, 'compressed ciphered APDU');
  if (sc.suite > 1) return fail('unsupported', LAYER, `security suite ${sc.suite}`);
  if (!sc.encrypted && !sc.authenticated) return keys.key ? fail('not-encrypted', LAYER, 'security control announces no protection') : ok(c.payload.slice());
  if (!keys.key) return fail('missing-key', LAYER, 'frame is encrypted and no key is configured');
  if (keys.key.length !== 16 || (keys.authKey !== undefined && keys.authKey.length !== 16)) return fail('bad-length', 'key', 'AES-128 keys must be 16 bytes');
  const iv = gcmIv(c.systemTitle, c.invocationCounter);
  const key = aesKey(keys.key);
  if (!sc.authenticated) return gcmDecrypt({ key, iv, ciphertext: c.payload });
  if (c.payload.length < GCM_TAG_LENGTH) return fail('truncated', LAYER, 'no room for the 12-byte tag');
  const body = c.payload.subarray(0, c.payload.length - GCM_TAG_LENGTH);
  const tag = c.payload.subarray(c.payload.length - GCM_TAG_LENGTH);
  if (!keys.authKey) return sc.encrypted ? gcmDecrypt({ key, iv, ciphertext: body }) : ok(body.slice());
  const aad = gcmAad(c.securityControl, keys.authKey, sc.encrypted ? undefined : body);
  if (!sc.encrypted) {
    const checked = gcmDecrypt({ key, iv, ciphertext: new Uint8Array(0), aad, tag });
    return checked.ok ? ok(body.slice()) : checked;
  }
  return gcmDecrypt({ key, iv, ciphertext: body, aad, tag });
}

/** Builds a general-glo-ciphering APDU (tests, meter simulators). SC `30` adds the 12-byte tag. */
export function buildCipheredApdu(
  plaintext: Uint8Array,
  opts: {
    readonly key: Uint8Array;
    readonly authKey?: Uint8Array;
    readonly systemTitle: Uint8Array;
    readonly invocationCounter: number;
    readonly securityControl?: number;
    readonly tag?: number;
  },
): Uint8Array {
  const sc = opts.securityControl ?? 0x30;
  const { authenticated, encrypted } = securityControl(sc);
  const iv = gcmIv(opts.systemTitle, opts.invocationCounter);
  const ak = opts.authKey ?? new Uint8Array(16);
  let body: Uint8Array = plaintext;
  let tag: Uint8Array = new Uint8Array(0);
  if (authenticated) {
    const aad = gcmAad(sc, ak, encrypted ? undefined : plaintext);
    const e = gcmEncrypt({ key: aesKey(opts.key), iv, aad, plaintext: encrypted ? plaintext : new Uint8Array(0), tagLength: GCM_TAG_LENGTH });
    body = encrypted ? e.ciphertext : plaintext;
    tag = e.tag ?? tag;
  } else if (encrypted) {
    body = gcmEncrypt({ key: aesKey(opts.key), iv, plaintext }).ciphertext;
  }
  const length = 5 + body.length + tag.length;
  const ber = length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
  return Uint8Array.from([opts.tag ?? GENERAL_GLO_CIPHERING, 0x08, ...opts.systemTitle, ...ber, sc, ...iv.subarray(8), ...body, ...tag]);
}
