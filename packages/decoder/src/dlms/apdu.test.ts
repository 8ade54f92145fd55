import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOk, hexBytes as h } from '../common/testing';
import { createFrameCounterTracker } from '../crypto';
import { decodeDlmsApdu, type DlmsApduOptions } from './apdu';
import { buildCipheredApdu } from './ciphering';

const fx = (dir: string, name: string): Uint8Array => h(readFileSync(join(__dirname, '../../fixtures', dir, name), 'utf8').replace(/\s+/g, ''));
const kind = (r: { ok: boolean; error?: { kind: string } }): string => (r.ok ? 'ok' : (r.error?.kind ?? '?'));

const glo = fx('dlms-gcm', 'dlms-cosem-general-glo-ciphering.hex');
const DUMMY = Uint8Array.from(Buffer.from('MYDUMMYGLOBALKEY', 'latin1'));
const plainAidon = fx('dlms-hdlc-han', 'amshan-aidon-no-list-2.hex');
const KEY = h('000102030405060708090A0B0C0D0E0F');
const AK = h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = h('4B464D6750000009');
const notification = plainAidon.subarray(3); // 0F… without LLC
const seal = (ic: number, sc = 0x30, tag = 0xdb): Uint8Array =>
  buildCipheredApdu(notification, { key: KEY, authKey: AK, systemTitle: ST, invocationCounter: ic, securityControl: sc, tag });

describe('decodeDlmsApdu', () => {
  it('dlms-cosem general-glo-ciphering (EK = AK = "MYDUMMYGLOBALKEY") → data-notification of system title 2F19229199164103', () => {
    const r = expectOk(decodeDlmsApdu(glo, { key: DUMMY, authKey: DUMMY }));
    expect(
      Buffer.from(r.security?.systemTitle ?? [])
        .toString('hex')
        .toUpperCase(),
    ).toBe('2F19229199164103');
    expect(r.security?.securityControl).toBe(0x30);
    expect(r.security?.authenticated).toBe(true);
    expect(r.notification.body.type).toBeDefined();
  });

  it('decodes a plain push with its LLC, and one without', () => {
    expect(kind(decodeDlmsApdu(plainAidon))).toBe('ok');
    expect(kind(decodeDlmsApdu(notification))).toBe('ok');
  });

  it.each([0x30, 0x20, 0x10, 0x31, 0x21])('round-trips security control %s (glo and ded)', (sc) => {
    for (const tag of [0xdb, 0xdc]) {
      const r = decodeDlmsApdu(seal(7, sc, tag), { key: KEY, authKey: AK });
      expect(r.ok && r.value.notification.longInvokeIdAndPriority).toBe(0x40000000);
      expect(r.ok && r.value.security?.authenticated).toBe((sc & 0x10) !== 0);
    }
  });

  it('decrypts an authenticated frame without checking the tag when no authentication key is given', () => {
    const r = decodeDlmsApdu(seal(8), { key: KEY });
    expect(r).toMatchObject({ ok: true, value: { security: { authenticated: false } } });
  });

  const counters = createFrameCounterTracker();
  const table: [string, Uint8Array, DlmsApduOptions, string][] = [
    ['wrong key (with tag)', glo, { key: KEY, authKey: DUMMY }, 'auth-failed'],
    ['wrong authentication key', glo, { key: DUMMY, authKey: AK }, 'auth-failed'],
    ['wrong key, tag not checked (no AK)', glo, { key: KEY }, 'decrypt-failed'],
    ['wrong key, no tag (SC 20)', seal(9, 0x20), { key: DUMMY }, 'decrypt-failed'],
    ['encrypted without key', glo, {}, 'missing-key'],
    ['plain frame with a key', plainAidon, { key: KEY }, 'not-encrypted'],
    ['authentication-only frame with a wrong AK', seal(10, 0x10), { key: KEY, authKey: DUMMY }, 'auth-failed'],
    ['security suite 2', seal(11, 0x32), { key: KEY, authKey: AK }, 'unsupported'],
    ['compressed', seal(12, 0xb0), { key: KEY, authKey: AK }, 'unsupported'],
    ['general-ciphering (DD)', h('DD00'), {}, 'unsupported'],
    ['not a push APDU', h('C401C100'), {}, 'unsupported'],
    ['empty', new Uint8Array(0), {}, 'truncated'],
    ['ciphered length beyond the data', glo.subarray(0, glo.length - 1), { key: DUMMY, authKey: DUMMY }, 'truncated'],
    ['extra byte after the ciphered content', Uint8Array.from([...glo, 0]), { key: DUMMY, authKey: DUMMY }, 'bad-length'],
    ['system title of 7 bytes', h('DB07'), { key: KEY }, 'bad-format'],
    ['key of 15 bytes', glo, { key: DUMMY.subarray(1) }, 'bad-length'],
  ];
  it.each(table)('%s → %s', (_n, bytes, opts, expected) => {
    expect(kind(decodeDlmsApdu(bytes, opts))).toBe(expected);
  });

  it('rejects a repeated or decreasing invocation counter (replayed) and accepts a higher one', () => {
    const opts = { key: KEY, authKey: AK, counters };
    expect(kind(decodeDlmsApdu(seal(100), opts))).toBe('ok');
    expect(kind(decodeDlmsApdu(seal(100), opts))).toBe('replayed');
    expect(kind(decodeDlmsApdu(seal(99), opts))).toBe('replayed');
    expect(kind(decodeDlmsApdu(seal(101), opts))).toBe('ok');
  });

  it('does not advance the counter on a frame that fails authentication', () => {
    const t = createFrameCounterTracker();
    const forged = seal(500);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    expect(kind(decodeDlmsApdu(forged, { key: KEY, authKey: AK, counters: t }))).toBe('auth-failed');
    expect(kind(decodeDlmsApdu(seal(200), { key: KEY, authKey: AK, counters: t }))).toBe('ok');
  });

  it('never puts key material in error messages', () => {
    const r = decodeDlmsApdu(glo, { key: KEY, authKey: DUMMY });
    expect(r.ok ? '' : r.error.message).not.toMatch(/000102|MYDUMMY|4D5944/i);
  });
});
