import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createD0Decoder, createDecoder, hexToBytes, mediumOfIdentification, parseIdentification, type FrameEvent } from '@smi/decoder';
import { validateConfig } from './config/load';
import { createMeterDecoder } from './meter-decoder';
import { dlmsProfilesFor, loadDlmsProfiles, loadMeterProfiles, meterProfilesFor } from './meter-profiles';

/** L+G E570 under load (scs/smartmeter-datacollector test data): currents in whole amperes, which only the E570 profile knows. */
const E570_LOAD = hexToBytes(
  readFileSync(join(__dirname, '../../decoder/fixtures/dlms-hdlc-cii/scs-lg_e570-unencrypted-valid-data-load-cfg2026.hex'), 'latin1'),
) as Uint8Array;
const dir = mkdtempSync(join(tmpdir(), 'smi-profiles-'));
const FIXTURES = join(__dirname, '../../decoder/fixtures');
const write = (name: string, json: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(json));
  return file;
};
const error = (r: { ok: boolean; error?: string }): string => (r.ok ? 'ok' : (r.error ?? ''));

function currents(meter: Record<string, unknown>): unknown[] {
  const r = validateConfig({ meters: [{ protocol: 'dlms', transport: { type: 'tcp', host: 'h', port: 1 }, ...meter }] });
  if (!r.ok) throw new Error(r.problems.join('; '));
  const d = createMeterDecoder(r.config.meters[0] as (typeof r.config.meters)[number]);
  if (!d.ok) throw new Error(d.error);
  const s = d.value.push(E570_LOAD).find((e): e is Extract<FrameEvent, { ok: true }> => e.ok)?.snapshot;
  return ['current_l1', 'current_l2', 'current_l3'].map((k) => s?.readings.find((x) => x.key === k)?.value);
}

describe('meters[].profiles', () => {
  it('scales the E570 push by the built-in profile the user names (source asserts 400, 200, 601 A)', () => {
    expect(currents({})).toEqual([4, 2, 6.01]); // LGZ default: the E450 scaling (0.01 A)
    expect(currents({ profiles: ['lg-e570-cii'] })).toEqual([400, 200, 601]);
  });

  it('loads a user profile file (one profile or a list) and tries it before the built-in ones', () => {
    const file = join(dir, 'e570.json');
    const profile = {
      id: 'my-e570',
      manufacturerId: 'LGZ',
      match: { manufacturerId: 'LGZ', style: 'capture-definition' },
      registers: ['31', '51', '71'].map((c) => ({ obis: `1-0:${c}.7.0`, unit: 'A', scaler: 1 })),
    };
    writeFileSync(file, JSON.stringify(profile));
    expect(currents({ profiles: [file] })).toEqual([4000, 2000, 6010]);
    writeFileSync(file, JSON.stringify([profile]));
    expect(loadDlmsProfiles([file, 'lg-e360-cii'])).toMatchObject({ ok: true, value: [{ id: 'my-e570' }, { id: 'lg-e360-cii' }] });
  });

  it.each([
    [['no-such-profile'], /^profiles\.0 \(no-such-profile\): neither a built-in profile \(.*lg-e570-cii.*\) nor a \.json file$/],
    [[join(dir, 'missing.json')], /^profiles\.0 \(.*missing\.json\): cannot read the file \(ENOENT\)$/],
  ])('names the entry that cannot be used: %j', (entries, message) => {
    const r = loadDlmsProfiles(entries);
    expect(r.ok ? 'ok' : r.error).toMatch(message);
  });

  it('names the field of a bad profile file, and refuses profiles on a non-DLMS meter', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', match: {}, positions: [{ index: 0, obis: 'nonsense' }] }));
    const r = loadDlmsProfiles([bad]);
    expect(r.ok ? 'ok' : r.error).toMatch(/^profiles\.0 \(.*bad\.json\): positions\[0\]\.obis: /);
    const c = validateConfig({ meters: [{ protocol: 'dsmr', profiles: ['lg-e570-cii'], transport: { type: 'tcp', host: 'h', port: 1 } }] });
    const d = c.ok ? createMeterDecoder(c.config.meters[0] as (typeof c.config.meters)[number]) : undefined;
    expect(d && !d.ok && d.error).toMatch(/^profiles: .* not dsmr$/);
  });
});

describe('profile files in the one shape (dlms, sml, iec62056-21)', () => {
  it('a dlms profile file makes the real E570 push decode as the source asserts (400, 200, 601 A)', () => {
    const file = write('e570-one-shape.json', {
      id: 'my-e570',
      description: 'L+G E570: currents in whole amperes',
      protocol: 'dlms',
      match: { manufacturerId: 'LGZ' },
      meter: { manufacturerId: 'LGZ' },
      provenance: ['scs/smartmeter-datacollector tests/testdata/lg_e570.py'],
      dlms: { match: { style: 'capture-definition' }, registers: ['31', '51', '71'].map((c) => ({ obis: `1-0:${c}.7.0`, unit: 'A' })) },
    });
    expect(currents({ profiles: [file] })).toEqual([400, 200, 601]);
  });

  it('an sml profile file gives the real EMH eHZ file its model; the values the source asserts stay', () => {
    const file = write('emh.json', [
      {
        id: 'my-emh',
        protocol: 'sml',
        match: { manufacturerId: 'EMH' },
        meter: { model: 'eHZ' },
        provenance: ['fixtures/sml/smartmeter-obis-emh-ehz.hex'],
        sml: { match: { serverIdPrefix: '09 01 45 4D 48' }, quirks: {} },
      },
    ]);
    const loaded = loadMeterProfiles([file], 'sml');
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.value.sml).toEqual([{ id: 'my-emh', match: { manufacturer: 'EMH', serverIdPrefix: '09 01 45 4D 48' }, quirks: {}, model: 'eHZ' }]);
    const bytes = hexToBytes(readFileSync(join(FIXTURES, 'sml/smartmeter-obis-emh-ehz.hex'), 'latin1')) as Uint8Array;
    const decode = (profiles: typeof loaded.value.sml) => {
      const d = createDecoder('sml', { sml: { profiles } });
      if (!d.ok) throw new Error(d.error);
      return d.value.push(bytes).find((e): e is Extract<FrameEvent, { ok: true }> => e.ok)?.snapshot;
    };
    const s = decode(loaded.value.sml);
    expect(s?.meter).toMatchObject({ manufacturerId: 'EMH', model: 'eHZ' });
    const plain = decode([]);
    expect(plain?.meter.manufacturerId).toBe('EMH');
    expect(plain?.meter.model).toBeUndefined();
    expect(s?.readings.find((r) => r.obis === '1-0:1.8.1')).toMatchObject({ value: 15338.5557, unit: 'kWh' });
    expect(s?.readings.find((r) => r.obis === '129-129:199.130.3')?.value).toBe('EMH');
  });

  it('an iec62056-21 profile file names the medium of the real 2WR5, whose heat energy then reads 6-0:6.8.0 = 29055 kWh', () => {
    const file = write('2wr5.json', {
      id: 'my-2wr5',
      protocol: 'iec62056-21',
      match: { manufacturerId: 'SIE', identification: '^2WR5$' },
      provenance: ['fixtures/d0/smartmeter-obis-siemens-2wr5-modeD-noSTX.txt'],
      d0: { valueGroupA: 6 },
    });
    const loaded = loadMeterProfiles([file, 'landis-gyr-uh50-heat'], 'iec62056-21');
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.value.d0.map((p) => [p.id, p.identification.source, p.valueGroupA])).toEqual([
      ['my-2wr5', '^2WR5$', 6],
      ['landis-gyr-uh50-heat', '^UH50', 6],
    ]);
    const text = readFileSync(join(FIXTURES, 'd0/smartmeter-obis-siemens-2wr5-modeD-noSTX.txt'));
    const ident = parseIdentification(new Uint8Array(text.subarray(0, text.indexOf(0x0a) + 1)));
    if (!ident.ok) throw new Error(ident.error.message);
    const a = mediumOfIdentification(ident.value, loaded.value.d0);
    expect(a).toBe(6);
    const d = createD0Decoder({ defaultMedium: a ?? 1 });
    const s = [...d.push(new Uint8Array(text)), ...d.flush()].find((e): e is Extract<FrameEvent, { ok: true }> => e.ok)?.snapshot;
    expect(s?.readings.find((r) => r.raw === '0029.055*MWh')).toMatchObject({ obis: '6-0:6.8.0', value: 29055, unit: 'kWh' });
  });

  it("refuses a profile whose protocol is not the meter's, naming both", () => {
    const smlFile = write('sml-only.json', {
      id: 'emh-x',
      protocol: 'sml',
      match: { manufacturerId: 'EMH' },
      provenance: ['own capture'],
      sml: { quirks: {} },
    });
    expect(error(loadMeterProfiles([smlFile], 'dlms'))).toMatch(
      /^profiles\.0 \(.*sml-only\.json\): profile emh-x is for protocol sml, but the meter's protocol is dlms$/,
    );
    expect(error(loadMeterProfiles(['lg-e570-cii'], 'sml'))).toBe(
      "profiles.0 (lg-e570-cii): profile lg-e570-cii is for protocol dlms, but the meter's protocol is sml",
    );
    const legacy = write('legacy.json', [{ id: 'old', match: { listId: 'X' } }]);
    expect(error(loadMeterProfiles([legacy], 'iec62056-21'))).toMatch(
      /\(.*legacy\.json\)\[0\]: profile old is for protocol dlms, but the meter's protocol is iec62056-21$/,
    );
    expect(loadMeterProfiles([smlFile, legacy, 'siemens-2wr5-heat'], 'auto')).toMatchObject({
      ok: true,
      value: { dlms: [{ id: 'old' }], sml: [{ id: 'emh-x' }], d0: [{ id: 'siemens-2wr5-heat' }] },
    });
  });

  it.each([
    [
      [{ id: 'a', protocol: 'sml', match: { manufacturerId: 'EMH' }, provenance: ['p'], sml: { quirks: { powerSignFix: 'flip' } } }],
      '[0]: sml.quirks.powerSignFix: must be one of dzg-int16-unsigned, none',
    ],
    [
      { id: 'a', protocol: 'sml', match: { manufacturerId: 'EMH' }, provenance: ['p'], d0: { valueGroupA: 6 } },
      ': d0: belongs to another protocol; a sml profile has a "sml" section',
    ],
    [
      { id: 'a', protocol: 'iec62056-21', match: { manufacturerId: 'SIE' }, provenance: ['p'], d0: { valueGroupA: 6 } },
      ': match.identification: required for iec62056-21 profiles',
    ],
    [{ id: 'a', protocol: 'dlms', dlms: {} }, ': provenance: must list at least one source (repository and file, document, issue, or "own capture <date>")'],
    [[], ': the file holds an empty list'],
  ])('names the file, item and field of a bad profile: %j', (json, tail) => {
    const file = write('bad-one-shape.json', json);
    expect(error(loadMeterProfiles([file], 'auto'))).toBe(`profiles.0 (${file})${tail}`);
  });

  it('per meter: no profiles for dsmr or mbus meters; the DLMS-only entry point refuses non-DLMS profiles by name', () => {
    const meter = (protocol: string, profiles: string[]) => {
      const r = validateConfig({ meters: [{ protocol, profiles, transport: { type: 'tcp', host: 'h', port: 1 } }] });
      if (!r.ok) throw new Error(r.problems.join('; '));
      return r.config.meters[0] as (typeof r.config.meters)[number];
    };
    expect(error(meterProfilesFor(meter('mbus', ['lg-e570-cii'])))).toBe(
      'profiles: meter profiles exist for protocols dlms, sml, iec62056-21 (or auto), not mbus',
    );
    expect(meterProfilesFor(meter('sml', ['holley-kermit-crc']))).toMatchObject({
      ok: true,
      value: { dlms: [], sml: [{ id: 'holley-kermit-crc', quirks: { alternativeCrc: 'kermit' } }], d0: [] },
    });
    expect(error(dlmsProfilesFor(meter('sml', ['holley-kermit-crc'])))).toBe(
      'profiles: profile holley-kermit-crc is not a DLMS profile, and this gateway passes only DLMS profiles to the decoder',
    );
    expect(dlmsProfilesFor(meter('auto', ['lg-e360-cii']))).toMatchObject({ ok: true, value: [{ id: 'lg-e360-cii' }] });
  });
});
