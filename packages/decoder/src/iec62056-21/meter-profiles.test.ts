import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMeterProfile } from '../common/profile';
import { parseIdentification } from './identification';
import { BUILTIN_D0_METER_PROFILES, BUILTIN_D0_PROFILES, mediumOfIdentification, toD0Profile, type D0Profile } from './meter-profiles';
import { asciiBytes } from './text';

/** The identification line of a fixture (its first line starting with `/`). */
function identOf(file: string) {
  const line = readFileSync(join(__dirname, '../../fixtures/d0', file), 'latin1')
    .split(/\r?\n/)
    .find((l) => l.startsWith('/'));
  const r = parseIdentification(asciiBytes(`${line ?? ''}\r\n`));
  if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
  return r.value;
}

function userProfile(json: unknown): D0Profile {
  const r = parseMeterProfile(json);
  if (!r.ok || r.value.protocol !== 'iec62056-21') throw new Error(r.ok ? r.value.protocol : r.error.message);
  return toD0Profile(r.value);
}

describe('D0 meter profiles in the one profile shape', () => {
  it('gives the decoder the table it read before: SIE /^2WR/ and LUG /^UH50/ → value group A 6', () => {
    expect(BUILTIN_D0_PROFILES.map((p) => [p.id, p.manufacturerId, p.identification.source, p.valueGroupA])).toEqual([
      ['siemens-2wr5-heat', 'SIE', '^2WR', 6],
      ['landis-gyr-uh50-heat', 'LUG', '^UH50', 6],
    ]);
  });

  it('validates every built-in through the user-file validator, unchanged', () => {
    for (const p of BUILTIN_D0_METER_PROFILES) {
      const r = parseMeterProfile(JSON.parse(JSON.stringify(p)));
      expect(r.ok ? r.value : r.error.message).toEqual(p);
    }
  });

  it('reads the medium of the real 2WR5 identification from the built-ins, and electricity for the MT174', () => {
    const sie = identOf('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt');
    expect([sie.manufacturerId, sie.ident]).toEqual(['SIE', '2WR5']);
    expect(mediumOfIdentification(sie)).toBe(6);
    expect(mediumOfIdentification(sie, [])).toBeUndefined();
    expect(mediumOfIdentification(identOf('smartmeter-obis-iskra-mt174.txt'))).toBeUndefined();
  });

  it('takes a user profile: manufacturer id compared as sent, identification as a pattern', () => {
    const mt174 = identOf('smartmeter-obis-iskra-mt174.txt');
    expect([mt174.manufacturerId, mt174.ident]).toEqual(['ISk', 'MT174-0001']);
    const gas = userProfile({
      id: 'iskra-as-gas',
      protocol: 'iec62056-21',
      match: { manufacturerId: 'ISk', identification: '^MT174' },
      provenance: ['own capture'],
      d0: { valueGroupA: 7 },
    });
    expect(mediumOfIdentification(mt174, [gas])).toBe(7);
    const upper = userProfile({
      id: 'upper',
      protocol: 'iec62056-21',
      match: { manufacturerId: 'ISK', identification: '^MT174' },
      provenance: ['own capture'],
      d0: { valueGroupA: 7 },
    });
    expect(mediumOfIdentification(mt174, [upper])).toBeUndefined();
  });
});
