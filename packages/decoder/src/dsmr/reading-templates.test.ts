import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReading } from '@smi/model';
import { decodeDsmrTelegram, parseDsmrTelegram } from './index';
import { latin1Bytes } from '../common/testing';
import { fixtureOptions, signTelegram } from './testing';

/**
 * The decoder asks buildReading once per (code, meter unit, medium) and fills values in itself;
 * this checks that every numeric reading of every fixture equals what buildReading makes of the
 * object as written.
 */
const DIR = join(__dirname, '../../fixtures/dsmr');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4));

describe.each(NAMES)('%s', (name) => {
  it('numeric readings equal buildReading of the raw object', () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, `${name}.txt`)));
    const decoded = decodeDsmrTelegram(bytes, fixtureOptions(name));
    const raw = parseDsmrTelegram(bytes, fixtureOptions(name));
    if (!decoded.ok || !raw.ok) throw new Error('decode failed');
    const objects = new Map(raw.value.objects.map((o) => [o.obis, o.values]));
    const media = new Map((decoded.value.devices ?? []).map((d) => [d.channel, d.medium]));
    let checked = 0;
    for (const r of decoded.value.readings) {
      if (typeof r.value !== 'number' || r.entries !== undefined || r.obis === undefined) continue;
      const values = objects.get(r.obis) ?? [];
      const last = values[values.length - 1];
      if (last === undefined) throw new Error(`no raw object for ${r.obis}`);
      const unit = last.unit ?? (r.obis.endsWith(':24.3.0') ? values[5]?.text : undefined);
      const medium = r.channel === undefined ? undefined : media.get(r.channel);
      const expected = buildReading(
        unit === undefined ? { obis: r.obis, value: Number(last.text) } : { obis: r.obis, value: Number(last.text), unit },
        medium === undefined ? {} : { medium },
      );
      expect({ ...r, value: 0, channel: undefined, time: undefined }).toEqual({ ...expected, value: 0 });
      expect(r.value).toBeCloseTo(expected.value as number, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('reading keys stay unique', () => {
  const telegram = [
    '/ISk5\\2MT382-1000',
    '',
    '0-0:96.1.1(4B384547303034303436333935353037)',
    '0-0:96.1.0(3232)',
    '1-3:0.2.8(50)',
    '0-0:96.1.4(50217)',
    '1-0:1.8.1(000004.426*kWh)',
    '1-0:1.8.1(000004.427*kWh)',
    '1-0:1.8.1(000004.428*kWh)',
    '0-1:24.1.0(003)',
    '0-1:24.2.1(170102161005W)(00000.107*m3)',
    '0-1:24.2.3(170102161005W)(00000.100*m3)',
    '!',
  ].join('\r\n');

  it('suffixes a key taken twice with the OBIS slug, then a counter', () => {
    const result = decodeDsmrTelegram(signTelegram(telegram));
    if (!result.ok) throw new Error(result.error.kind);
    const keys = result.value.readings.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([
      'equipment_id',
      'equipment_id_0_0_96_1_0',
      'p1_version',
      'p1_version_0_0_96_1_4',
      'energy_import_tariff_1',
      'energy_import_tariff_1_1_0_1_8_1',
      'energy_import_tariff_1_1_0_1_8_1_2',
      'channel_device_type',
      'gas_volume',
      'gas_volume_0_1_24_2_3',
    ]);
  });

  it('starts afresh for each telegram', () => {
    const bytes = latin1Bytes('/KFM5KAIFA-METER\r\n\r\n0-0:96.1.1(41)\r\n0-0:96.1.0(42)\r\n!\r\n');
    const first = decodeDsmrTelegram(bytes);
    const second = decodeDsmrTelegram(bytes);
    if (!first.ok || !second.ok) throw new Error('decode failed');
    expect(second.value.readings.map((r) => r.key)).toEqual(first.value.readings.map((r) => r.key));
    expect(first.value.readings.map((r) => r.key)).toEqual(['equipment_id', 'equipment_id_0_0_96_1_0']);
  });
});
