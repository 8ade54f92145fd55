import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes, type FrameEvent } from '@smi/decoder';
import { validateConfig } from './config/load';
import { createMeterDecoder } from './meter-decoder';
import { loadDlmsProfiles } from './meter-profiles';

/** L+G E570 under load (scs/smartmeter-datacollector test data): currents in whole amperes, which only the E570 profile knows. */
const E570_LOAD = hexToBytes(readFileSync(join(__dirname, '../../decoder/fixtures/dlms-hdlc-cii/scs-lg_e570-unencrypted-valid-data-load-cfg2026.hex'), 'latin1')) as Uint8Array;
const dir = mkdtempSync(join(tmpdir(), 'smi-profiles-'));

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
      id: 'my-e570', manufacturerId: 'LGZ', match: { manufacturerId: 'LGZ', style: 'capture-definition' },
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
