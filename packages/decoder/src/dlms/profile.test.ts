import { expectOk, hexBytes } from '../common/testing';
import { BUILTIN_DLMS_PROFILES } from './builtin-profiles';
import { decodeDlmsPush } from './stream-decoder';
import { parseDlmsProfile } from './profile';

describe('parseDlmsProfile', () => {
  it('accepts a user profile file and canonicalises OBIS codes, units and the FLAG id', () => {
    const r = parseDlmsProfile({
      id: 'wiener-netze-example',
      description: 'positional list, no OBIS',
      manufacturerId: 'sag',
      match: { manufacturerId: 'SAG', elementCount: 4, style: 'positional' },
      positions: [
        { index: 0, obis: '0.0.1.0.0.255' },
        { index: 1, obis: '1-0:1.8.0*255' },
        { index: 2, obis: '1.0.2.8.0.255' },
        { index: 3, obis: '1-0:1.7.0' },
      ],
      registers: [
        { obis: '1-0:1.8.0', unit: 'Wh' },
        { obis: '1-0:2.8.0', unit: 30 },
        { obis: '1-0:1.7.0', scaler: -1, unit: 'kw' },
      ],
    });
    const v = expectOk(r);
    expect(v.manufacturerId).toBe('SAG');
    expect(v.positions?.map((p) => p.obis)).toEqual(['0-0:1.0.0', '1-0:1.8.0', '1-0:2.8.0', '1-0:1.7.0']);
    expect(v.registers?.map((x) => x.unit)).toEqual(['Wh', 30, 'kW']);
  });

  it('validates every built-in profile through the same loader (they are plain data)', () => {
    for (const p of BUILTIN_DLMS_PROFILES) {
      const r = parseDlmsProfile(JSON.parse(JSON.stringify(p)));
      expect(r.ok ? r.value : r.error.message).toEqual(p);
    }
  });

  it.each([
    [null, 'profile:'],
    [{ match: {} }, 'id:'],
    [{ id: 'x', match: { style: 'zigzag' } }, 'match.style:'],
    [{ id: 'x', match: { manufacturerId: 'KAMSTRUP' } }, 'match.manufacturerId:'],
    [{ id: 'x', match: { elementCount: 0 } }, 'match.elementCount:'],
    [{ id: 'x', match: {}, positions: [{ index: 0, obis: 'not-obis' }] }, 'positions[0].obis:'],
    [
      {
        id: 'x',
        match: {},
        positions: [
          { index: 1, obis: '1-0:1.8.0' },
          { index: 1, obis: '1-0:2.8.0' },
        ],
      },
      'positions[1].index:',
    ],
    [{ id: 'x', match: {}, registers: [{ obis: '1-0:1.8.0', unit: 'furlong' }] }, 'registers[0].unit:'],
    [{ id: 'x', match: {}, registers: [{ obis: '1-0:1.8.0', scaler: 1.5 }] }, 'registers[0].scaler:'],
    [{ id: 'x', match: {}, registers: [{ obis: '1-0:1.8.0', scale: -1 }] }, 'registers[0].scale: unknown field'],
    [{ id: 'x', match: {}, extra: 1 }, 'extra: unknown field'],
  ])('names the field of a bad profile: %j', (json, prefix) => {
    const r = parseDlmsProfile(json);
    expect(r.ok ? 'ok' : r.error.kind).toBe('bad-value');
    expect(r.ok ? '' : r.error.message.startsWith(prefix)).toBe(true);
  });
});

describe('profiles in use', () => {
  // A positional push without OBIS (Wiener Netze style): clock, A+ and A- energies, P+ — synthetic.
  const apdu = hexBytes('0F 00000001 00 02 04 09 0C 07E8030D0309022DFF800000 06 0001E240 06 00000000 06 0000012C');

  it('without a profile, a positional list gives only the time', () => {
    const r = decodeDlmsPush(apdu);
    expect(r.ok && [r.value.readings.length, r.value.time]).toEqual([0, '2024-03-13T09:02:45']);
  });

  it('a user profile maps positions to OBIS, scaler and unit', () => {
    const p = parseDlmsProfile({
      id: 'wn',
      manufacturerId: 'SAG',
      match: { elementCount: 4, style: 'positional' },
      positions: [
        { index: 0, obis: '0-0:1.0.0' },
        { index: 1, obis: '1-0:1.8.0' },
        { index: 2, obis: '1-0:2.8.0' },
        { index: 3, obis: '1-0:1.7.0' },
      ],
      registers: [
        { obis: '1-0:1.8.0', unit: 'Wh' },
        { obis: '1-0:2.8.0', unit: 'Wh' },
        { obis: '1-0:1.7.0', scaler: -1, unit: 'W' },
      ],
    });
    if (!p.ok) throw new Error(p.error.message);
    const r = decodeDlmsPush(apdu, { profiles: [p.value] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.readings.map((x) => [x.obis, x.value, x.unit])).toEqual([
      ['0-0:1.0.0', '2024-03-13T09:02:45', undefined],
      ['1-0:1.8.0', 123.456, 'kWh'],
      ['1-0:2.8.0', 0, 'kWh'],
      ['1-0:1.7.0', 30, 'W'],
    ]);
    expect(r.value.meter).toMatchObject({ manufacturerId: 'SAG', manufacturer: 'Sagemcom' });
  });

  it('user profiles win over built-in ones', () => {
    const kamstrup = hexBytes('0F 00000000 00 02 04 0A 0E 4B616D73747275705F5630303031 09 06 0101010700FF 06 00000064 00');
    const builtin = decodeDlmsPush(kamstrup);
    expect(builtin.ok && builtin.value.readings[0]?.value).toBe(100);
    const p = parseDlmsProfile({ id: 'kw', match: { listId: 'Kamstrup_V0001' }, registers: [{ obis: '1-1:1.7.0', unit: 'kW' }] });
    if (!p.ok) throw new Error(p.error.message);
    const mine = decodeDlmsPush(kamstrup, { profiles: [p.value] });
    expect(mine.ok && mine.value.readings[0]?.value).toBe(100000);
  });
});
