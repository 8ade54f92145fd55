import type { MeterSnapshot } from '@smi/model';
import { decodeSmlFile, parseSmlFile, type SmlOptions } from './stream-decoder';
import { crc16Kermit } from '../common';
import { encodeSmlFile, encodeSmlMessage, smlw } from './encode';
import { parseMeterProfile } from '../common/profile';
import { BUILTIN_SML_METER_PROFILES, BUILTIN_SML_PROFILES, mergeProfiles, profileMatches, resolveQuirks, toSmlProfile } from './profiles';
import { describeServerId } from './server-id';
import { buildSmlSnapshot } from './snapshot';

/** Server id of a DZG meter: `0A 01 'DZG' 00` + serial (4 bytes, big-endian). */
function dzgId(serial: number): number[] {
  return [0x0a, 0x01, 0x44, 0x5a, 0x47, 0x00, (serial >>> 24) & 0xff, (serial >>> 16) & 0xff, (serial >>> 8) & 0xff, serial & 0xff];
}

/** A DZG-style file: manufacturer 1-0:96.50.1*1, server id 1-0:96.1.0, energy and power 16.7.0. */
function dzgFile(serverId: readonly number[], power: number[]): Uint8Array {
  const entries = [
    smlw.entry([1, 0, 96, 50, 1, 1], smlw.octets('DZG')),
    smlw.entry([1, 0, 96, 1, 0, 255], smlw.octets(serverId)),
    smlw.entry([1, 0, 1, 8, 0, 255], smlw.uint(518, 4), { unit: 30, scaler: -1, status: smlw.uint(0x1a0104, 3) }),
    smlw.entry([1, 0, 16, 7, 0, 255], power, { unit: 27, scaler: -2 }),
  ];
  return encodeSmlFile([
    encodeSmlMessage({
      transactionId: [1],
      tag: 0x0101,
      body: smlw.list(smlw.absent(), smlw.absent(), smlw.octets([7]), smlw.octets(serverId), smlw.absent(), smlw.absent()),
    }),
    encodeSmlMessage({
      transactionId: [2],
      tag: 0x0701,
      body: smlw.list(smlw.absent(), smlw.octets(serverId), smlw.absent(), smlw.time(1, 12345), smlw.list(...entries), smlw.absent(), smlw.absent()),
    }),
    encodeSmlMessage({ transactionId: [3], tag: 0x0201, body: smlw.list(smlw.absent()) }),
  ]);
}

function power(bytes: Uint8Array, options: SmlOptions = {}): unknown {
  const r = decodeSmlFile(bytes, options);
  if (!r.ok) throw new Error(r.error.kind);
  return r.value.readings.find((x) => x.obis === '1-0:16.7.0')?.value;
}

// 42082910: a DVS7412.2 with the bug (vzlogger PR #606); 40221297: a DVBS12.2H (libsml issue #162).
const DVS74 = dzgId(42_082_910);
const DVBS = dzgId(40_221_297);
const SENT_AS_INT16 = smlw.int(-29912, 2); // 53 8B 28: what the buggy firmware sends for +356.24 W
const NEGATIVE_INT16 = smlw.int(-10550, 2); // 53 D6 CA: a real −105.50 W (libsml-testing PR #15)

describe('DZG power sign profile', () => {
  it('writes the bytes the notes quote', () => {
    expect(SENT_AS_INT16).toEqual([0x53, 0x8b, 0x28]);
    expect(NEGATIVE_INT16).toEqual([0x53, 0xd6, 0xca]);
  });

  it('turns 53 8B 28 (scaler −2) into +356.24 W for a DVS74 in an affected serial range', () => {
    expect(power(dzgFile(DVS74, SENT_AS_INT16))).toBe(356.24);
    const parsed = parseSmlFile(dzgFile(DVS74, SENT_AS_INT16));
    const structured = parsed.ok ? buildSmlSnapshot(parsed.value.messages, { quirks: parsed.value.quirks }) : undefined;
    expect(structured?.readings.find((x) => x.obis === '1-0:16.7.0')?.value).toBe(356.24);
    const f = parseSmlFile(dzgFile(DVS74, SENT_AS_INT16));
    expect(f.ok && [f.value.profileId, f.value.model, f.value.quirks.powerSignFix]).toEqual(['dzg-dvs74-sign', 'DVS74', 'dzg-int16-unsigned']);
  });

  it('leaves 53 D6 CA at −105.50 W for a DZG meter outside those ranges', () => {
    expect(power(dzgFile(DVBS, NEGATIVE_INT16))).toBe(-105.5);
    expect(power(dzgFile(DVBS, SENT_AS_INT16))).toBe(-299.12);
    const f = parseSmlFile(dzgFile(DVBS, NEGATIVE_INT16));
    expect(f.ok && f.value.profileId).toBeUndefined();
  });

  it('never touches wider values: 55 FF FE 13 93 stays −1260.61 W under the fix', () => {
    expect(power(dzgFile(DVS74, smlw.int(-126061, 4)))).toBe(-1260.61);
  });

  it('is off without the profile table, and can be forced or vetoed by configuration', () => {
    expect(power(dzgFile(DVS74, SENT_AS_INT16), { builtinProfiles: false })).toBe(-299.12);
    expect(power(dzgFile(DVBS, SENT_AS_INT16), { quirks: { powerSignFix: 'dzg-int16-unsigned' } })).toBe(356.24);
    expect(power(dzgFile(DVS74, SENT_AS_INT16), { quirks: { powerSignFix: 'none' } })).toBe(-299.12);
  });

  it('matches a configured DVS74 model below serial 60000000', () => {
    const other = dzgId(30_000_000);
    expect(power(dzgFile(other, SENT_AS_INT16))).toBe(-299.12);
    expect(power(dzgFile(other, SENT_AS_INT16), { model: 'DVS7412.2' })).toBe(356.24);
    expect(power(dzgFile(dzgId(61_000_000), SENT_AS_INT16), { model: 'DVS7412.2' })).toBe(-299.12);
  });

  it('lets a user profile replace a built-in one by id', () => {
    const off = { id: 'dzg-dvs74-sign', match: { manufacturer: 'DZG' }, quirks: {} };
    expect(power(dzgFile(DVS74, SENT_AS_INT16), { profiles: [off] })).toBe(-299.12);
    expect(mergeProfiles([off]).filter((p) => p.id === 'dzg-dvs74-sign')).toEqual([off]);
  });

  it('reads the DZG identity and its text objects', () => {
    const r = decodeSmlFile(dzgFile(DVS74, SENT_AS_INT16));
    const s = (r.ok ? r.value : undefined) as MeterSnapshot;
    expect(s.meter).toEqual({
      id: '0A01445A47000282225E',
      manufacturerId: 'DZG',
      manufacturer: 'DZG Metering',
      model: 'DVS74',
      medium: 'electricity',
      identification: '0A01445A47000282225E',
    });
    expect(s.readings.find((x) => x.obis === '1-0:96.50.1*1')?.value).toBe('DZG');
    expect(s.readings.find((x) => x.obis === '1-0:96.1.0')?.value).toBe('0A01445A47000282225E');
    expect(s.readings.find((x) => x.obis === '1-0:1.8.0')).toMatchObject({ value: 0.0518, unit: 'kWh' });
    expect(describeServerId(Uint8Array.from(DVS74)).text).toBe('1DZG0042082910'); // jmberg's meter, vzlogger PR #606
  });
});

describe('Holley CRC profile', () => {
  /** Rewrites every message CRC and the file CRC as CRC-16/KERMIT. */
  function kermitFile(serverId: readonly number[]): Uint8Array {
    const msgs = [
      encodeSmlMessage({
        transactionId: [1],
        tag: 0x0701,
        body: smlw.list(
          smlw.absent(),
          smlw.octets(serverId),
          smlw.absent(),
          smlw.absent(),
          smlw.list(smlw.entry([1, 0, 1, 8, 0, 255], smlw.uint(77, 2), { unit: 30, scaler: 0 })),
          smlw.absent(),
          smlw.absent(),
        ),
      }),
    ].map((m) => {
      const o = m.slice();
      const k = crc16Kermit(o, 0, o.length - 4);
      o[o.length - 3] = k >> 8;
      o[o.length - 2] = k & 0xff;
      return o;
    });
    const f = encodeSmlFile(msgs);
    const k = crc16Kermit(f, 0, f.length - 2);
    f[f.length - 2] = k & 0xff;
    f[f.length - 1] = k >> 8;
    return f;
  }
  const HLY = [0x0a, 0x01, 0x48, 0x4c, 0x59, 0x02, 0x00, 0x01, 0x59, 0xbb];
  const ISK = [0x0a, 0x01, 0x49, 0x53, 0x4b, 0x00, 0x05, 0x16, 0x46, 0x5c];

  it('CRC-16/KERMIT check value', () => {
    expect(crc16Kermit(new TextEncoder().encode('123456789'))).toBe(0x2189);
  });

  it('accepts KERMIT CRCs from a Holley meter only', () => {
    expect(decodeSmlFile(kermitFile(HLY))).toMatchObject({ ok: true });
    expect(decodeSmlFile(kermitFile(ISK))).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    expect(decodeSmlFile(kermitFile(ISK), { quirks: { alternativeCrc: 'kermit' } })).toMatchObject({ ok: true });
    expect(decodeSmlFile(kermitFile(HLY), { quirks: { alternativeCrc: 'none' } })).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
  });
});

describe('profile matching', () => {
  const id = { serverIdHex: '0A01445A47000282225E', manufacturerId: 'DZG', serial: 42_082_910 };

  it('matches on FLAG id, server id prefix, serial range and model', () => {
    expect(profileMatches({ id: 'a', match: { manufacturer: 'dzg' }, quirks: {} }, id)).toBe(true);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'EMH' }, quirks: {} }, id)).toBe(false);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'DZG', serverIdPrefix: '0a 01 44 5a 47 00' }, quirks: {} }, id)).toBe(true);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'DZG', serverIdPrefix: '0A0144' + '5A4701' }, quirks: {} }, id)).toBe(false);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'DZG', serialRanges: [[1, 2]] }, quirks: {} }, id)).toBe(false);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'DZG', model: 'DVS74' }, quirks: {} }, id)).toBe(false);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'DZG', model: 'dvs74' }, quirks: {} }, { ...id, model: 'DVS7412.2' })).toBe(true);
    expect(profileMatches({ id: 'a', match: { manufacturer: 'DZG' }, quirks: {} }, { serverIdHex: '' })).toBe(false);
  });

  it('lets configured quirks override the matched profile field by field', () => {
    const r = resolveQuirks(BUILTIN_SML_PROFILES, id, { ignoreMessageCrc: true });
    expect(r.profile?.id).toBe('dzg-dvs74-sign');
    expect(r.quirks).toEqual({ powerSignFix: 'dzg-int16-unsigned', ignoreMessageCrc: true });
    expect(resolveQuirks(BUILTIN_SML_PROFILES, { serverIdHex: 'AA' }, {}).quirks).toEqual({});
  });
});

describe('server id', () => {
  const sid = (hex: string) => describeServerId(Uint8Array.from(Buffer.from(hex, 'hex')));

  it.each([
    ['0A0149534B000516465C', { manufacturerId: 'ISK', manufacturer: 'Iskraemeco', medium: 'electricity', serial: 85345884, text: '1ISK0085345884' }],
    ['0901454D48000041F045', { manufacturerId: 'EMH', manufacturer: 'EMH Metering', medium: 'electricity', serial: 4321349, text: '1EMH0004321349' }],
    ['0901444E540100002030', { manufacturerId: 'DNT', serial: 8240, text: '1DNT0100008240' }],
    ['064841470104C537527B', { manufacturerId: 'HAG', manufacturer: 'Hager' }],
  ])('%s', (hex, want) => {
    expect(sid(hex)).toMatchObject({ hex, ...want });
  });

  it('keeps an unknown layout as opaque hex', () => {
    expect(sid('01A815743145040102')).toEqual({ hex: '01A815743145040102' });
  });
});

describe('SML profiles in the one profile shape', () => {
  it('gives the decoder exactly the views it read before the one shape (ids, match, quirks, model)', () => {
    expect(BUILTIN_SML_PROFILES.map(({ description: _d, ...rest }) => rest)).toEqual([
      {
        id: 'dzg-dvs74-sign',
        match: {
          manufacturer: 'DZG',
          serialRanges: [
            [42_000_000, 48_999_999],
            [55_000_000, 58_999_999],
          ],
        },
        quirks: { powerSignFix: 'dzg-int16-unsigned' },
        model: 'DVS74',
      },
      {
        id: 'dzg-dvs74-sign-configured',
        match: { manufacturer: 'DZG', model: 'DVS74', serialRanges: [[0, 59_999_999]] },
        quirks: { powerSignFix: 'dzg-int16-unsigned' },
      },
      { id: 'holley-kermit-crc', match: { manufacturer: 'HLY' }, quirks: { alternativeCrc: 'kermit' } },
    ]);
    expect(BUILTIN_SML_PROFILES.map((p) => p.description?.slice(0, 20))).toEqual(['DZG DVS74 before fir', 'A meter configured a', 'Holley DTZ541 comput']);
  });

  it('validates every built-in through the user-file validator, unchanged', () => {
    for (const p of BUILTIN_SML_METER_PROFILES) {
      const r = parseMeterProfile(JSON.parse(JSON.stringify(p)));
      expect(r.ok ? r.value : r.error.message).toEqual(p);
    }
  });

  it('a user file in the one shape switches the sign fix on for a DZG meter outside the built-in ranges', () => {
    const r = parseMeterProfile({
      id: 'my-dvbs',
      protocol: 'sml',
      match: { manufacturerId: 'DZG' },
      meter: { model: 'DVBS12.2H' },
      provenance: ['own capture 2026-12-07'],
      sml: { match: { serverIdPrefix: '0A 01 44 5A 47 00', serialRanges: [[40_000_000, 40_999_999]] }, quirks: { powerSignFix: 'dzg-int16-unsigned' } },
    });
    if (!r.ok || r.value.protocol !== 'sml') throw new Error(r.ok ? r.value.protocol : r.error.message);
    const view = toSmlProfile(r.value);
    expect(view).toEqual({
      id: 'my-dvbs',
      match: { manufacturer: 'DZG', serverIdPrefix: '0A 01 44 5A 47 00', serialRanges: [[40_000_000, 40_999_999]] },
      quirks: { powerSignFix: 'dzg-int16-unsigned' },
      model: 'DVBS12.2H',
    });
    expect(power(dzgFile(DVBS, SENT_AS_INT16), { profiles: [view] })).toBe(356.24);
    const f = parseSmlFile(dzgFile(DVBS, SENT_AS_INT16), { profiles: [view] });
    expect(f.ok && [f.value.profileId, f.value.model]).toEqual(['my-dvbs', 'DVBS12.2H']);
  });
});
