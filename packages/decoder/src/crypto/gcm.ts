import { createCipheriv, createDecipheriv, createSecretKey, type Cipher, type KeyObject } from 'node:crypto';
import { fail, ok, sameBytes, type Result } from '../common';
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

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Counter blocks, written as 32-bit words into one scratch buffer that lives as long as the module
 * (grown when a longer APDU comes): nothing of it outlives a call, only node's output is new.
 */
let scratch = new ArrayBuffer(1024);
let scratchWords = new Uint32Array(scratch);
let scratchBytes = new Uint8Array(scratch);

/** GCM's CTR part: keystream blocks E(IV ‖ n) for n = 2, 3, … (32-bit counter), XORed with the data. */
function ctr(key: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const blocks = Math.ceil(data.length / 16);
  const size = blocks * 16;
  if (size > scratch.byteLength) {
    scratch = new ArrayBuffer(size);
    scratchWords = new Uint32Array(scratch);
    scratchBytes = new Uint8Array(scratch);
  }
  const w = scratchWords;
  for (let k = 0; k < 12; k++) scratchBytes[k] = iv[k] as number;
  const w0 = w[0] as number;
  const w1 = w[1] as number;
  const w2 = w[2] as number;
  for (let i = 0, o = 0; i < blocks; i++, o += 4) {
    w[o] = w0;
    w[o + 1] = w1;
    w[o + 2] = w2;
    const n = 2 + i; // big-endian in the block
    w[o + 3] = LITTLE_ENDIAN ? ((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24) : n;
  }
  // the keystream buffer is ours alone: XOR the data into it and hand out its first bytes
  const stream = ecb(key).update(new Uint8Array(scratch, 0, size));
  const length = data.length;
  if ((stream.byteOffset & 3) === 0) {
    // Four bytes per step: the counters are spent, so the data (at any offset) is copied into the
    // aligned scratch and XORed word by word; the bytes past `length` are never handed out.
    scratchBytes.set(data);
    const sw = new Uint32Array(stream.buffer, stream.byteOffset, size >>> 2);
    const words = (length + 3) >>> 2;
    for (let j = 0; j < words; j++) sw[j] = (sw[j] as number) ^ (scratchWords[j] as number);
  } else for (let i = 0; i < length; i++) stream[i] = (data[i] as number) ^ (stream[i] as number);
  return new Uint8Array(stream.buffer, stream.byteOffset, length);
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
