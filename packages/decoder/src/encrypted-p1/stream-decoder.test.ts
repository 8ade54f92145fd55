import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import type { FrameEvent } from '../common';
import { expectOk, hexBytes, randomChunks, seededRandom } from '../common/testing';
import { buildCipheredApdu } from '../dlms';
import { SMARTY_AUTH_KEY } from './envelope';
import { createP1Decoder } from './stream-decoder';
import { createDecoder } from '../factory';

/**
 * Encrypted P1 as a stream: real DSMR telegrams from the fixtures (Sagemcom T210-D-r, the
 * Luxembourg/Austrian meter, and the Iskra MT382 DSMR 5 telegram), wrapped in the §1.6 envelope
 * here with node:crypto (no published Smarty capture with its key exists in our fixtures).
 */
const DIR = join(__dirname, '../../fixtures/dsmr');
const SAGEMCOM = new Uint8Array(readFileSync(join(DIR, 'sagemcom-t210-d-r-plain.txt')));
const ISKRA = new Uint8Array(readFileSync(join(DIR, 'v5-iskra-mt382.txt')));
const KEY = hexBytes('AABBCCDDEEFF00112233445566778899');
const OTHER = hexBytes('00112233445566778899AABBCCDDEEFF');
const GAK = hexBytes('0F0E0D0C0B0A09080706050403020100');
const ST = Uint8Array.from(Buffer.from('SAG12345', 'latin1'));

function envelope(telegram: Uint8Array, ic: number, o: { key?: Uint8Array; authKey?: Uint8Array; sc?: number } = {}): Uint8Array {
  return buildCipheredApdu(telegram, {
    key: o.key ?? KEY,
    authKey: o.authKey ?? SMARTY_AUTH_KEY,
    systemTitle: ST,
    invocationCounter: ic,
    securityControl: o.sc ?? 0x30,
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function decodeAll(stream: Uint8Array, options: Parameters<typeof createP1Decoder>[0], seed = 1): FrameEvent[] {
  const d = createP1Decoder(options);
  const events = randomChunks(stream, seededRandom(seed), 97).flatMap((c) => d.push(c));
  return [...events, ...(d.flush?.() ?? [])];
}

const snapshots = (events: FrameEvent[]): MeterSnapshot[] => events.flatMap((e) => (e.ok ? [e.snapshot] : []));
const kinds = (events: FrameEvent[]): string[] => events.flatMap((e) => (e.ok ? [] : [e.error.kind]));
const value = (s: MeterSnapshot | undefined, key: string): unknown => s?.readings.find((r) => r.key === key)?.value;

describe('createP1Decoder: encrypted P1 (Smarty / Austrian envelope)', () => {
  it('decrypts real telegrams split at random boundaries, between line noise', () => {
    const stream = concat(Uint8Array.of(0x13, 0x37, 0xdb, 0x00), envelope(SAGEMCOM, 0x10000001), Uint8Array.of(0x00), envelope(ISKRA, 0x10000002));
    for (let seed = 1; seed <= 25; seed++) {
      const events = decodeAll(stream, { key: KEY }, seed);
      expect(kinds(events)).toEqual([]);
      const [sag, isk] = snapshots(events);
      expect(value(sag, 'energy_import_total')).toBe(6545.766); // 1-0:1.8.0(006545766*Wh)
      expect(value(sag, 'power_import')).toBe(286); // 1-0:1.7.0(000000286*W)
      expect(value(isk, 'energy_import_tariff_1')).toBe(4.426); // dsmr_parser TELEGRAM_V5
      expect(value(isk, 'power_import')).toBe(244);
      expect(isk?.meter.id).toBe('K8EG004046395507');
    }
  });

  it('uses a user authentication key (Austrian GUEK + GAK) instead of the fixed Smarty one', () => {
    const events = decodeAll(envelope(SAGEMCOM, 5, { authKey: GAK }), { key: KEY, authKey: GAK });
    expect(value(snapshots(events)[0], 'energy_import_total')).toBe(6545.766);
  });

  it('decodes through the factory for protocol dsmr and for auto (key spelled with spaces and 0x)', () => {
    const bytes = envelope(ISKRA, 7);
    for (const protocol of ['dsmr', 'auto'] as const) {
      const d = createDecoder(protocol, { key: '0xAA BB CC DD EE FF 00 11 22 33 44 55 66 77 88 99' });
      const decoder = expectOk(d);
      const events = [...decoder.push(bytes), ...(decoder.flush?.() ?? [])];
      expect(value(snapshots(events)[0], 'energy_import_tariff_2')).toBe(2.399);
      expect(decoder.protocol).toBe('dsmr');
    }
  });

  it('still decodes plain telegrams without a key, like the plain DSMR decoder', () => {
    const events = decodeAll(concat(SAGEMCOM, ISKRA), {});
    expect(kinds(events)).toEqual([]);
    expect(snapshots(events).map((s) => value(s, 'power_import'))).toEqual([286, 244]);
  });

  it('reports a broken plain telegram on a plain line (no DB byte seen)', () => {
    const broken = Buffer.from(Buffer.from(ISKRA).toString('latin1').replace('000004.426', '000004.427'), 'latin1');
    expect(kinds(decodeAll(broken, {}))).toEqual(['bad-crc']);
  });

  const tampered = (): Uint8Array => {
    const e = envelope(ISKRA, 9);
    const copy = e.slice();
    copy[40] = (copy[40] as number) ^ 0x01;
    return copy;
  };

  it.each([
    ['an envelope without a key', () => envelope(ISKRA, 1), {}, ['missing-key']],
    ['a wrong key (tag present)', () => envelope(ISKRA, 1), { key: OTHER }, ['auth-failed']],
    ['a wrong authentication key', () => envelope(ISKRA, 1, { authKey: GAK }), { key: KEY }, ['auth-failed']],
    ['a flipped ciphertext bit', tampered, { key: KEY }, ['auth-failed']],
    ['a wrong key without tag (SC 20)', () => envelope(ISKRA, 1, { sc: 0x20 }), { key: OTHER }, ['decrypt-failed']],
    ['plain telegrams while a key is configured', () => concat(SAGEMCOM, ISKRA), { key: KEY }, ['not-encrypted', 'not-encrypted']],
    [
      'a telegram whose own CRC is wrong inside a good envelope',
      () => envelope(Uint8Array.from(Buffer.from(Buffer.from(ISKRA).toString('latin1').replace('4.426', '4.427'), 'latin1')), 1),
      { key: KEY },
      ['bad-crc'],
    ],
  ])('rejects %s', (_name, bytes, options, expected) => {
    for (let seed = 1; seed <= 5; seed++) {
      const events = decodeAll(bytes(), options, seed);
      expect(kinds(events)).toEqual(expected);
      expect(snapshots(events)).toHaveLength(0);
    }
  });

  it('keeps going after a rejected envelope and never mutates the input', () => {
    const stream = concat(envelope(ISKRA, 1, { key: OTHER }), envelope(ISKRA, 2));
    const before = Buffer.from(stream).toString('hex');
    const events = decodeAll(stream, { key: KEY });
    expect(kinds(events)).toEqual(['auth-failed']);
    expect(snapshots(events)).toHaveLength(1);
    expect(Buffer.from(stream).toString('hex')).toBe(before);
  });
});

describe('createP1Decoder: the end of input before the stream was recognised', () => {
  it('reports an envelope cut by the end of input (nothing else came) instead of dropping it silently', () => {
    const whole = envelope(SAGEMCOM, 9);
    const d = createP1Decoder({ key: KEY });
    const events = [...d.push(whole.subarray(0, 300)), ...(d.flush?.() ?? [])];
    expect(kinds(events)).toEqual(['truncated']);
    expect(d.pendingBytes).toBe(0);
  });

  it('still decodes a whole envelope and reports nothing more at the end', () => {
    const d = createP1Decoder({ key: KEY });
    const events = [...d.push(envelope(SAGEMCOM, 9)), ...(d.flush?.() ?? [])];
    expect(kinds(events)).toEqual([]);
    expect(value(snapshots(events)[0], 'energy_import_total')).toBe(6545.766);
  });
});
