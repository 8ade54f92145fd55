import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { buildCipheredApdu } from '../dlms/ciphering';
import { createEncryptedP1Framer, SMARTY_AUTH_KEY, unwrapEncryptedP1 } from './envelope';

/**
 * Synthetic envelopes: no published Smarty frame with its key is in our fixtures, so frames are
 * built here with node:crypto following §1.6 (the GCM itself is checked on the Green Book vector).
 */
const KEY = hexBytes('AABBCCDDEEFF00112233445566778899');
const GAK = hexBytes('00112233445566778899AABBCCDDEEF0');
const ST = Uint8Array.from(Buffer.from('SAG1234567', 'latin1').subarray(0, 8));
const TELEGRAM = Buffer.from('/SAG5SAG-METER\r\n\r\n1-3:0.2.8(50)\r\n0-0:1.0.0(210101120000W)\r\n1-0:1.8.0(000123.456*kWh)\r\n!ABCD\r\n', 'latin1');

const envelope = (ic: number, opts: { authKey?: Uint8Array; sc?: number; key?: Uint8Array } = {}): Uint8Array =>
  buildCipheredApdu(Uint8Array.from(TELEGRAM), {
    key: opts.key ?? KEY,
    authKey: opts.authKey ?? SMARTY_AUTH_KEY,
    systemTitle: ST,
    invocationCounter: ic,
    securityControl: opts.sc ?? 0x30,
  });

describe('unwrapEncryptedP1', () => {
  it('decrypts a Smarty envelope (DB 08 … 82 LLLL 30 IC ciphertext tag) with the fixed AAD key', () => {
    const env = envelope(1);
    expect(Array.from(env.subarray(0, 2))).toEqual([0xdb, 0x08]);
    expect(env[10]).toBe(5 + TELEGRAM.length + 12); // one length byte here; real telegrams use 82 LLLL
    const r = unwrapEncryptedP1(env, { key: KEY });
    expect(r.ok && Buffer.from(r.value).toString('latin1')).toBe(TELEGRAM.toString('latin1'));
  });

  it('uses a two-byte length for real-size telegrams and a user AAD key (Austrian GUEK + GAK)', () => {
    const long = Buffer.concat([TELEGRAM.subarray(0, TELEGRAM.length - 8), Buffer.alloc(400, 0x41), TELEGRAM.subarray(TELEGRAM.length - 8)]);
    const env = buildCipheredApdu(Uint8Array.from(long), { key: KEY, authKey: GAK, systemTitle: ST, invocationCounter: 2 });
    expect(env[10]).toBe(0x82);
    const r = unwrapEncryptedP1(env, { key: KEY, authKey: GAK });
    expect(r.ok && r.value.length).toBe(long.length);
  });

  it.each([
    ['wrong key', envelope(3), { key: GAK }, 'auth-failed'],
    ['wrong AAD key', envelope(3, { authKey: GAK }), { key: KEY }, 'auth-failed'],
    ['wrong key without tag (SC 20)', envelope(3, { sc: 0x20 }), { key: GAK }, 'decrypt-failed'],
    ['not starting with DB 08', Uint8Array.from([0x2f, 0x53]), { key: KEY }, 'bad-format'],
    ['cut short', envelope(3).subarray(0, 60), { key: KEY }, 'truncated'],
    ['authentication only (SC 10)', envelope(3, { sc: 0x10 }), { key: KEY }, 'not-encrypted'],
  ])('rejects %s', (_n, bytes, keys, kind) => {
    const r = unwrapEncryptedP1(bytes, keys);
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });
});

describe('createEncryptedP1Framer', () => {
  it('finds envelopes in a noisy stream split at random boundaries (resync on DB 08)', () => {
    const a = envelope(10);
    const b = envelope(11);
    const stream = Uint8Array.from([0x00, 0xdb, 0x07, 0x13, ...a, 0xdb, 0x08, 0x00, ...b]);
    // "DB 07" and "DB 08 00" are false starts; the second is rejected by its security control byte
    for (let seed = 1; seed <= 20; seed++) {
      const f = createEncryptedP1Framer();
      const frames = randomChunks(stream, seededRandom(seed), 30).flatMap((c) => f.push(c).frames);
      expect(frames.map((x) => Buffer.from(x).toString('hex'))).toEqual([a, b].map((x) => Buffer.from(x).toString('hex')));
      expect(unwrapEncryptedP1(frames[0] as Uint8Array, { key: KEY }).ok).toBe(true);
    }
  });

  it('reports an absurd declared length as too-long and resynchronises', () => {
    const f = createEncryptedP1Framer();
    const bogus = Uint8Array.from([0xdb, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x82, 0xff, 0xff, 0x30]);
    const r = f.push(Uint8Array.from([...bogus, ...envelope(12)]));
    expect(r.errors.map((e) => e.kind)).toEqual(['too-long']);
    expect(r.frames).toHaveLength(1);
  });
});
