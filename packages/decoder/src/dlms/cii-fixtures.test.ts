import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import type { FrameEvent } from '../common';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { builtinDlmsProfile } from './builtin-profiles';
import { createDlmsDecoder, type DlmsDecoderOptions } from './stream-decoder';

/** Swiss/EU CII HDLC pushes (scs/smartmeter-datacollector tests), fed whole and in random chunks. */
const dir = join(__dirname, '../../fixtures/dlms-hdlc-cii');
const load = (f: string): Uint8Array => hexBytes(readFileSync(join(dir, `${f}.hex`), 'utf8'));
const E570_KEY = hexBytes('101112131415161718191A1B1C1D1E1F');

function run(bytes: Uint8Array, options: DlmsDecoderOptions = {}, seed = 0): FrameEvent[] {
  const d = createDlmsDecoder(options);
  if (seed === 0) return d.push(bytes);
  return randomChunks(bytes, seededRandom(seed), 64).flatMap((c) => d.push(c));
}

const snapshots = (events: FrameEvent[]): MeterSnapshot[] => events.flatMap((e) => (e.ok ? [e.snapshot] : []));
const value = (s: MeterSnapshot, obis: string): unknown => s.readings.find((r) => r.obis === obis)?.value;

/** Meter id and time the source asserts (fixture json `expected`); times as the frame states them. */
const ASSERTED: [file: string, id: string, time: string, options?: DlmsDecoderOptions][] = [
  ['scs-iskra_am550-unencrypted-valid-data', 'ISK1030775213859', '2020-08-15T06:19:45+02:00'], // source: 04:19:45 in UTC
  ['scs-iskra_am550-unencrypted-valid-data-cfg2026', 'ISK1030783821282', '2026-05-04T19:19:30+02:00'], // 17:19:30 UTC
  ['scs-lg_e360-unencrypted-valid-data-cfg2026', 'LGZ1030163598905', '2023-06-06T17:31:20.18+02:00'], // source: 15:31:20 UTC
  ['scs-lg_e450-unencrypted-valid-data', 'LGZ1030655933512', '2021-07-06T14:58:18'],
  ['scs-lg_e450-unencrypted-valid-data-cfg2026', 'LGZ1030653520967', '2026-05-04T11:39:21'], // source: 09:39:21 as UTC of local 11:39:21
  ['scs-lg_e570-unencrypted-valid-data-cfg2026', 'LGZ1030781910790', '2026-06-04T17:06:40'],
  ['scs-lg_e570-unencrypted-valid-data-load-cfg2026', 'LGZ1030769231250', '2026-06-09T16:04:40'],
  ['scs-lg_e570-encrypted-valid-data', 'LGZ1030769231253', '2024-03-13T09:02:45', { key: E570_KEY }],
];

describe.each(ASSERTED)('%s', (file, id, time, options) => {
  const bytes = load(file);
  it('decodes to exactly one snapshot with the asserted meter id and push time', () => {
    const s = snapshots(run(bytes, options));
    expect(s).toHaveLength(1);
    expect(s[0]?.meter.id).toBe(id);
    expect(s[0]?.time).toBe(time);
    expect(s[0]?.protocol).toBe('dlms');
  });
  it('gives the same snapshot at random chunk boundaries', () => {
    const whole = snapshots(run(bytes, options));
    for (let seed = 1; seed <= 15; seed++) expect(snapshots(run(bytes, options, seed))).toEqual(whole);
  });
});

describe('CII values the source tests assert', () => {
  it('L+G E450 (VSE 2026 config), default LGZ profile', () => {
    const [s] = snapshots(run(load('scs-lg_e450-unencrypted-valid-data-cfg2026')));
    if (!s) throw new Error('no snapshot');
    expect(s.meter).toMatchObject({ manufacturerId: 'LGZ', manufacturer: 'Landis+Gyr' });
    expect(value(s, '1-0:1.7.0')).toBe(28);
    expect(value(s, '1-0:2.7.0')).toBe(0);
    expect(value(s, '1-1:1.8.0')).toBe(482.939); // 482939 Wh
    expect(value(s, '1-1:2.8.0')).toBe(0);
    expect(value(s, '1-1:3.8.0')).toBe(37);
    expect(value(s, '1-1:4.8.0')).toBe(344697);
    expect([value(s, '1-0:32.7.0'), value(s, '1-0:52.7.0'), value(s, '1-0:72.7.0')]).toEqual([236, 236, 0]);
    expect([value(s, '1-0:31.7.0'), value(s, '1-0:51.7.0'), value(s, '1-0:71.7.0')]).toEqual([0.09, 0.08, 0]);
  });

  it('L+G E570 under load, with the lg-e570-cii profile chosen by the user', () => {
    const profile = builtinDlmsProfile('lg-e570-cii');
    const [s] = snapshots(run(load('scs-lg_e570-unencrypted-valid-data-load-cfg2026'), profile ? { profiles: [profile] } : {}));
    if (!s) throw new Error('no snapshot');
    expect(value(s, '1-0:1.7.0')).toBe(258874);
    expect(value(s, '1-1:1.8.0')).toBe(2607.383);
    expect(value(s, '1-1:2.8.0')).toBe(641.338);
    expect(value(s, '1-1:3.8.0')).toBe(956364);
    expect(value(s, '1-1:4.8.0')).toBe(2329593);
    expect([value(s, '1-0:32.7.0'), value(s, '1-0:52.7.0'), value(s, '1-0:72.7.0')]).toEqual([229, 230, 229]);
    expect([value(s, '1-0:31.7.0'), value(s, '1-0:51.7.0'), value(s, '1-0:71.7.0')]).toEqual([400, 200, 601]);
  });

  it('L+G E570 (VSE 2026 config) and E360 with their profiles', () => {
    const e570 = builtinDlmsProfile('lg-e570-cii');
    const [a] = snapshots(run(load('scs-lg_e570-unencrypted-valid-data-cfg2026'), e570 ? { profiles: [e570] } : {}));
    expect(a && [value(a, '1-0:32.7.0'), value(a, '1-0:31.7.0'), value(a, '1-1:1.8.0'), value(a, '1-0:1.7.0')]).toEqual([232, 0, 0, 0]);
    const e360 = builtinDlmsProfile('lg-e360-cii');
    const [b] = snapshots(run(load('scs-lg_e360-unencrypted-valid-data-cfg2026'), e360 ? { profiles: [e360] } : {}));
    if (!b) throw new Error('no snapshot');
    expect([value(b, '1-0:1.7.0'), value(b, '1-0:2.7.0')]).toEqual([11, 0]);
    expect([value(b, '1-1:1.8.0'), value(b, '1-1:2.8.0'), value(b, '1-1:3.8.0'), value(b, '1-1:4.8.0')]).toEqual([21.956, 4.547, 27256, 4432]);
    expect([value(b, '1-0:32.7.0'), value(b, '1-0:52.7.0'), value(b, '1-0:72.7.0')]).toEqual([235.7, 0, 0]);
    expect([value(b, '1-0:31.7.0'), value(b, '1-0:51.7.0'), value(b, '1-0:71.7.0')]).toEqual([0.06, 0, 0]);
  });

  it('E450 with two pushes where the first is cut off after block 2: one snapshot, the complete one', () => {
    const s = snapshots(run(load('scs-lg_e450-unencrypted-valid-data')));
    expect(s).toHaveLength(1);
    expect(value(s[0] as MeterSnapshot, '1-0:13.7.0')).toBe(0.941);
  });

  it('E570 encrypted (SC 20, key from the source) reads 14 registers of LGZ system title 4C475A6774206295', () => {
    const [s] = snapshots(run(load('scs-lg_e570-encrypted-valid-data'), { key: E570_KEY }));
    expect(s?.meter.identification).toBe('4C475A6774206295');
    expect(s && value(s, '1-1:1.8.0')).toBe(862.055);
  });
});

describe('CII pushes the source rejects', () => {
  it('E450 with a duplicated block: no snapshot, block-order errors', () => {
    const events = run(load('scs-lg_e450-unencrypted-invalid-data'));
    expect(snapshots(events)).toEqual([]);
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['bad-format', 'bad-format', 'bad-format']);
  });

  it('E450 lone last block (source test_lge450_do_not_provide_invalid_data): no snapshot', () => {
    const lone = hexBytes(
      '7EA057CEFF0313E969E0C00004000046393132090C07E50706020E0813FF80008106000000000600000000060000000006000000000600' +
        '0D88C10600000000060000001206000000010600000000060004720D1203E8AD297E',
    );
    expect(snapshots(run(lone))).toEqual([]);
  });

  it('E450 encrypted without a published key: missing-key; with a wrong key: auth-failed', () => {
    const bytes = load('scs-lg_e450-encrypted-data-no-pushlist');
    expect(run(bytes).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['missing-key']);
    const wrong = { key: E570_KEY, authKey: E570_KEY };
    expect(run(bytes, wrong).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['auth-failed']);
  });

  it('plain pushes while a key is configured: not-encrypted', () => {
    const events = run(load('scs-lg_e450-unencrypted-valid-data-cfg2026'), { key: E570_KEY });
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['not-encrypted']);
  });

  it('the same encrypted push twice: the second is replayed', () => {
    const bytes = load('scs-lg_e570-encrypted-valid-data');
    const d = createDlmsDecoder({ key: E570_KEY });
    expect(d.push(bytes).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['ok']);
    expect(d.push(bytes).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['replayed']);
  });

  it('corrupted HCS and FCS are reported as bad-crc and the stream recovers', () => {
    const bytes = load('scs-lg_e570-unencrypted-valid-data-cfg2026');
    const hcs = bytes.slice();
    hcs[8] = (hcs[8] as number) ^ 0x01; // HCS of the first frame
    const fcs = bytes.slice();
    fcs[0x84] = (fcs[0x84] as number) ^ 0x01; // FCS of the first frame (length 0x84: FCS at 0x84..0x85)
    for (const broken of [hcs, fcs]) {
      const events = run(Uint8Array.from([...broken, ...bytes]));
      expect(events.filter((e) => !e.ok).map((e) => (e.ok ? 'ok' : e.error.kind))).toContain('bad-crc');
      expect(snapshots(events)).toHaveLength(1); // the intact second copy
    }
  });
});
