import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import { hexBytes } from '../common/testing';
import { createDlmsDecoder } from './stream-decoder';
import { parseDlmsProfile, type DlmsProfile } from './profile';

const dir = join(__dirname, '../../fixtures/dlms-hdlc-si');
const frame = (name: string): Uint8Array => hexBytes(readFileSync(join(dir, name), 'utf8'));
const REAL = 'amsreader-869-iskra-am550-elektro-ljubljana.hex';
const SYNTHETIC = 'synthetic-iskra-am550-si-three-phase-list.hex';

function decode(bytes: Uint8Array, profiles?: readonly DlmsProfile[]): MeterSnapshot {
  const events = createDlmsDecoder(profiles ? { profiles } : {}).push(bytes);
  expect(events).toHaveLength(1);
  const [e] = events;
  if (!e?.ok) throw new Error(e?.error.message ?? 'no event');
  return e.snapshot;
}
const values = (s: MeterSnapshot): [string | undefined, unknown, string | undefined][] => s.readings.map((r) => [r.obis, r.value, r.unit]);

describe('Iskra AM550, Slovenia: positional list without OBIS codes', () => {
  it('decodes the real published frame (amsreader-firmware #869) with the built-in profile iskra-si-1p', () => {
    const s = decode(frame(REAL));
    expect(s.meter).toEqual({ id: 'ISK84605887', manufacturerId: 'ISK', manufacturer: expect.stringMatching(/Iskra/), medium: 'electricity' });
    expect(s.meter.version).toBeUndefined();
    expect(s.time).toBe('2024-11-22T20:44:59+01:00');
    expect(values(s)).toEqual([
      ['0-0:42.0.0', 'ISK1020784605887', undefined],
      ['0-0:96.1.0', 'ISK84605887', undefined],
      ['1-0:1.7.0', 592, 'W'],
      ['1-0:2.7.0', 0, 'W'],
      ['1-0:3.7.0', 0, 'var'],
      ['1-0:4.7.0', 112, 'var'],
      ['1-0:32.7.0', 231.3, 'V'],
    ]);
  });

  it('with a profile that does not name element 0, the device name identifies the meter and is not the list version', () => {
    const other = parseDlmsProfile({ id: 'nothing', match: { manufacturerId: 'KFM' } });
    if (!other.ok) throw new Error(other.error.message);
    // The first user profile does not match (KFM); the second maps only positions 6 and 7.
    const mine = parseDlmsProfile({
      id: 'si-user',
      match: { manufacturerId: 'ISK', elementCount: 9, style: 'positional' },
      positions: [
        { index: 7, obis: '1-0:21.7.0', unit: 'W' },
        { index: 6, obis: '1-0:32.7.0', scaler: -1, unit: 'V' },
      ],
    });
    if (!mine.ok) throw new Error(mine.error.message);
    const s = decode(frame(REAL), [other.value, mine.value]);
    expect(s.meter.id).toBe('ISK1020784605887');
    expect(s.meter.version).toBeUndefined();
    expect(values(s)).toEqual([
      ['1-0:32.7.0', 231.3, 'V'],
      ['1-0:21.7.0', 0, 'W'],
    ]);
  });

  it('a user profile file maps positions to OBIS, scaler and unit and wins over the built-in one', () => {
    const p = parseDlmsProfile(
      JSON.parse(
        JSON.stringify({
          id: 'si-kw',
          description: 'powers in kW',
          match: { manufacturerId: 'ISK', elementCount: 9 },
          positions: [
            { index: 1, obis: '0-0:96.1.0' },
            { index: 2, obis: '1-0:1.7.0', scaler: -3, unit: 'kW' },
            { index: 6, obis: '1-0:32.7.0', scaler: -1, unit: 35 },
          ],
        }),
      ),
    );
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.positions?.[1]).toEqual({ index: 2, obis: '1-0:1.7.0', scaler: -3, unit: 'kW' });
    const s = decode(frame(REAL), [p.value]);
    expect(values(s)).toEqual([
      ['0-0:96.1.0', 'ISK84605887', undefined],
      ['1-0:1.7.0', 592, 'W'],
      ['1-0:32.7.0', 231.3, 'V'],
    ]);
  });

  it('decodes the three-phase list (synthetic frame encoded from the published layout) with iskra-si-3p', () => {
    const s = decode(frame(SYNTHETIC));
    expect(s.meter.id).toBe('00000000');
    expect(s.meter.manufacturerId).toBe('ISK');
    expect(s.meter.version).toBeUndefined();
    expect(s.time).toBe('2025-05-16T23:45:00+02:00');
    expect(values(s).slice(2)).toEqual([
      ['1-0:1.7.0', 256, 'W'],
      ['1-0:2.7.0', 0, 'W'],
      ['1-0:3.7.0', 0, 'var'],
      ['1-0:4.7.0', 80, 'var'],
      ['1-0:32.7.0', 231, 'V'],
      ['1-0:52.7.0', 232, 'V'],
      ['1-0:72.7.0', 232.5, 'V'],
      ['1-0:31.7.0', 1, 'A'],
      ['1-0:51.7.0', 0.5, 'A'],
      ['1-0:71.7.0', 0.25, 'A'],
      ['1-0:21.7.0', 140, 'W'],
      ['1-0:41.7.0', 70, 'W'],
      ['1-0:61.7.0', 70, 'W'],
      ['1-0:22.7.0', 0, 'W'],
      ['1-0:42.7.0', 0, 'W'],
      ['1-0:62.7.0', 0, 'W'],
    ]);
  });

  it('rejects a bad position scaler or unit and names the field', () => {
    const r = parseDlmsProfile({ id: 'x', match: {}, positions: [{ index: 0, obis: '1-0:1.7.0', unit: 'furlong' }] });
    expect(r.ok ? 'ok' : r.error.message.startsWith('positions[0].unit:')).toBe(true);
    const s = parseDlmsProfile({ id: 'x', match: {}, positions: [{ index: 0, obis: '1-0:1.7.0', scaler: 200 }] });
    expect(s.ok ? 'ok' : s.error.message.startsWith('positions[0].scaler:')).toBe(true);
  });
});
