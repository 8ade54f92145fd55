import { createCipheriv, createDecipheriv, createSecretKey, type Cipher, type KeyObject } from 'node:crypto';
import { fail, ok, type Result } from '../common';
import { KEY_LENGTH } from './key';

/** DLMS uses a truncated 12-byte GCM tag (security suite 0/1). */
export const GCM_TAG_LENGTH = 12;
const LAYER = 'gcm';

/** A prepared key: node's KeyObject is imported once and reused for every frame. */
export type AesKey = KeyObject;

/**
 * Imported keys per Uint8Array instance, with the bytes they were imported from: a caller that
 * rewrites its key array (another meter's key in the same buffer) gets a fresh import, never the
 * old key. Immutable data only (KeyObject), so sharing it between decoders leaks no state.
 */
const prepared = new WeakMap<Uint8Array, { readonly bytes: Uint8Array; readonly key: KeyObject }>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Imports a 16-byte key once (cached per Uint8Array instance and content). */
export function aesKey(key: Uint8Array): AesKey {
  const hit = prepared.get(key);
  if (hit && sameBytes(hit.bytes, key)) return hit.key;
  if (key.length !== KEY_LENGTH) throw new RangeError(`AES-128 key must be ${KEY_LENGTH} bytes`);
  const k = createSecretKey(Buffer.from(key));
  prepared.set(key, { bytes: key.slice(), key: k });
  return k;
}

export interface GcmInput {
  readonly key: AesKey;
  /** 12 bytes: system title (8) ‖ invocation counter (4, BE). */
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** Additional authenticated data (SC ‖ AK for DLMS); only with a tag. */
  readonly aad?: Uint8Array;
  /** Truncated tag; without it the data is only decrypted (GCM without a tag = CTR from counter 2). */
  readonly tag?: Uint8Array;
}

/** A plain Uint8Array view of node's output Buffer (no copy; Buffer's own subarray/slice are slower and alias). */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * One AES-ECB cipher per key, kept for the life of the key: ECB carries no state between blocks, so
 * unlike a GCM/CTR decipher it can be reused for every frame (its `final` is never called).
 */
const ecbCiphers = new WeakMap<KeyObject, Cipher>();

function ecb(key: AesKey): Cipher {
  let c = ecbCiphers.get(key);
  if (!c) {
    c = createCipheriv('aes-128-ecb', key, null);
    c.setAutoPadding(false);
    ecbCiphers.set(key, c);
  }
  return c;
}

/** GCM's CTR part: keystream blocks E(IV ‖ n) for n = 2, 3, … (32-bit counter), XORed with the data. */
function ctr(key: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const blocks = Math.ceil(data.length / 16);
  const counters = Buffer.allocUnsafe(blocks * 16);
  for (let i = 0, o = 0; i < blocks; i++, o += 16) {
    for (let k = 0; k < 12; k++) counters[o + k] = iv[k] as number;
    const n = (2 + i) >>> 0;
    counters[o + 12] = n >>> 24;
    counters[o + 13] = (n >>> 16) & 0xff;
    counters[o + 14] = (n >>> 8) & 0xff;
    counters[o + 15] = n & 0xff;
  }
  // the keystream buffer is ours alone: XOR the data into it and hand out its first bytes
  const stream = ecb(key).update(counters);
  for (let i = 0; i < data.length; i++) stream[i] = (data[i] as number) ^ (stream[i] as number);
  return new Uint8Array(stream.buffer, stream.byteOffset, data.length);
}

/**
 * AES-128-GCM decryption. With a tag it authenticates (mismatch → `auth-failed`: wrong key or
 * wrong authentication key); without a tag it decrypts in CTR mode and cannot detect a wrong key.
 */
export function gcmDecrypt(input: GcmInput): Result<Uint8Array> {
  if (input.iv.length !== 12) return fail('bad-length', LAYER, 'GCM IV must be 12 bytes');
  if (input.tag === undefined) return ok(ctr(input.key, input.iv, input.ciphertext));
  const d = createDecipheriv('aes-128-gcm', input.key, input.iv, { authTagLength: input.tag.length });
  if (input.aad) d.setAAD(input.aad);
  d.setAuthTag(input.tag);
  const head = d.update(input.ciphertext);
  try {
    const tail = d.final();
    return ok(plain(tail.length === 0 ? head : Buffer.concat([head, tail])));
  } catch {
    return fail('auth-failed', LAYER, 'GCM tag mismatch: wrong key or wrong authentication key');
  }
}

/** AES-128-GCM encryption with a truncated tag (tests and meter simulators). Tag undefined: CTR only. */
export function gcmEncrypt(input: {
  readonly key: AesKey;
  readonly iv: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly aad?: Uint8Array;
  readonly tagLength?: number;
}): { ciphertext: Uint8Array; tag?: Uint8Array } {
  if (input.tagLength === undefined) return { ciphertext: ctr(input.key, input.iv, input.plaintext) }; // CTR is its own inverse
  const c = createCipheriv('aes-128-gcm', input.key, input.iv, { authTagLength: input.tagLength });
  if (input.aad) c.setAAD(input.aad);
  const ciphertext = new Uint8Array(Buffer.concat([c.update(input.plaintext), c.final()]));
  return { ciphertext, tag: new Uint8Array(c.getAuthTag()) };
}
