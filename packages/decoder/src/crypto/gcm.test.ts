import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexBytes as h } from '../common/testing';
import { aesKey, gcmDecrypt, gcmEncrypt } from './gcm';

const vector = JSON.parse(readFileSync(join(__dirname, '../../fixtures/dlms-gcm/dlms-cosem-greenbook-gcm-vector.json'), 'utf8')) as {
  key: { encryption_key: string; authentication_key: string; system_title: string; invocation_counter: string; security_control: string };
  plaintext: string;
};
const sealed = h(readFileSync(join(__dirname, '../../fixtures/dlms-gcm/dlms-cosem-greenbook-gcm-vector.hex'), 'utf8').trim());
const key = aesKey(h(vector.key.encryption_key));
const iv = h(vector.key.system_title + vector.key.invocation_counter);
const aad = h(vector.key.security_control + vector.key.authentication_key);

describe('AES-128-GCM (DLMS suite 0)', () => {
  it('decrypts the Green Book vector (ciphertext ‖ 12-byte tag) to the GET request', () => {
    const r = gcmDecrypt({ key, iv, aad, ciphertext: sealed.subarray(0, sealed.length - 12), tag: sealed.subarray(sealed.length - 12) });
    expect(r.ok && Buffer.from(r.value).toString('hex').toUpperCase()).toBe(vector.plaintext);
  });

  it('encrypts the plaintext back to the published ciphertext and tag', () => {
    const e = gcmEncrypt({ key, iv, aad, plaintext: h(vector.plaintext), tagLength: 12 });
    expect(
      Buffer.from([...e.ciphertext, ...(e.tag ?? [])])
        .toString('hex')
        .toUpperCase(),
    ).toBe(Buffer.from(sealed).toString('hex').toUpperCase());
  });

  it('without a tag equals GCM keystream (CTR from counter 2)', () => {
    const r = gcmDecrypt({ key, iv, ciphertext: sealed.subarray(0, sealed.length - 12) });
    expect(r.ok && Buffer.from(r.value).toString('hex').toUpperCase()).toBe(vector.plaintext);
  });

  it.each([
    ['wrong key', { key: aesKey(h('000102030405060708090A0B0C0D0E0E')), aad }],
    ['wrong authentication key', { key, aad: h('30D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDE') }],
    ['wrong security control in the AAD', { key, aad: h('20D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF') }],
  ])('reports %s as auth-failed', (_n, k) => {
    const r = gcmDecrypt({ ...k, iv, ciphertext: sealed.subarray(0, sealed.length - 12), tag: sealed.subarray(sealed.length - 12) });
    expect(r.ok ? 'ok' : r.error.kind).toBe('auth-failed');
  });

  it("without a tag matches node's AES-128-GCM for any data offset and length (word-wise XOR, growing scratch)", () => {
    const buffer = Uint8Array.from({ length: 2100 }, (_, i) => (i * 37 + 11) & 0xff);
    const cases: [number, number][] = [];
    for (let offset = 0; offset < 4; offset++) for (const length of [0, 1, 3, 4, 5, 15, 16, 17, 31, 33, 524]) cases.push([offset, length]);
    cases.push([1, 1500], [3, 2093]); // past the first scratch size, then larger again
    const mismatches = cases.filter(([offset, length]) => {
      const data = buffer.subarray(offset, offset + length);
      const r = gcmDecrypt({ key, iv, ciphertext: data });
      const reference = createDecipheriv('aes-128-gcm', key, iv).update(data);
      return !(r.ok && Buffer.from(r.value).equals(reference) && r.value.length === length);
    });
    expect(mismatches).toEqual([]);
    expect(cases).toHaveLength(46);
  });

  it('rejects an IV that is not 12 bytes', () => {
    const r = gcmDecrypt({ key, iv: iv.subarray(0, 8), ciphertext: sealed });
    expect(r.ok ? 'ok' : r.error.kind).toBe('bad-length');
  });
});

describe('aesKey cache', () => {
  it('re-imports when the caller rewrites its key array (no stale key shared between users)', () => {
    const bytes = h(vector.key.encryption_key);
    const first = aesKey(bytes);
    expect(aesKey(bytes)).toBe(first);
    bytes[0] = (bytes[0] as number) ^ 1;
    expect(aesKey(bytes)).not.toBe(first);
    expect(aesKey(bytes).export().equals(Buffer.from(bytes))).toBe(true);
  });
});
