import { BUILTIN_DLMS_METER_PROFILES } from '../dlms/builtin-profiles';
import { BUILTIN_D0_METER_PROFILES } from '../iec62056-21/meter-profiles';
import { BUILTIN_SML_METER_PROFILES } from '../sml/profiles';
import { parseMeterProfile, type MeterProfile } from './profile';

const ALL: readonly MeterProfile[] = [...BUILTIN_DLMS_METER_PROFILES, ...BUILTIN_SML_METER_PROFILES, ...BUILTIN_D0_METER_PROFILES];

const message = (json: unknown): string => {
  const r = parseMeterProfile(json);
  return r.ok ? 'ok' : `${r.error.kind} ${r.error.message}`;
};

const d0 = { id: 'x', protocol: 'iec62056-21', match: { manufacturerId: 'SIE', identification: '^2WR' }, provenance: ['own capture'], d0: { valueGroupA: 6 } };
const sml = { id: 'x', protocol: 'sml', match: { manufacturerId: 'EMH' }, provenance: ['own capture'], sml: { quirks: {} } };

describe('parseMeterProfile (the one profile shape)', () => {
  it('holds every built-in profile of every protocol, each with provenance, ids unique', () => {
    expect(ALL.map((p) => p.protocol).filter((v, i, a) => a.indexOf(v) === i)).toEqual(['dlms', 'sml', 'iec62056-21']);
    expect(new Set(ALL.map((p) => p.id)).size).toBe(ALL.length);
    for (const p of ALL) expect(message(JSON.parse(JSON.stringify(p)))).toBe('ok');
  });

  it('returns a D0 profile as written', () => {
    expect(parseMeterProfile({ ...d0, description: 'heat meter' })).toEqual({ ok: true, value: { ...d0, description: 'heat meter' } });
  });

  it.each([
    [null, 'profile: must be an object'],
    [{ ...d0, id: '' }, 'id: must be a non-empty identifier'],
    [{ ...d0, protocol: 'dsmr' }, 'protocol: must be one of dlms, sml, iec62056-21'],
    [{ ...d0, extra: 1 }, 'extra: unknown field'],
    [{ ...d0, sml: { quirks: {} } }, 'sml: belongs to another protocol; a iec62056-21 profile has a "d0" section'],
    [{ ...d0, d0: undefined }, 'd0: required for protocol iec62056-21'],
    [{ ...d0, d0: { valueGroupA: 2 } }, 'd0.valueGroupA: must be one of 1 (electricity), 4 (heat_cost_allocator), 5 (cooling), 6 (heat)'],
    [{ ...d0, match: { manufacturerId: 'SIE' } }, 'match.identification: required for iec62056-21 profiles'],
    [{ ...d0, match: { ...d0.match, identification: '(' } }, 'match.identification: not a valid regular expression'],
    [{ ...d0, match: { ...d0.match, model: '2WR5' } }, 'match.model: not used by iec62056-21 profiles (they use: manufacturerId, identification)'],
    [{ ...d0, meter: { model: '2WR5' } }, 'meter.model: not used by iec62056-21 profiles (they use: none)'],
    [{ ...d0, provenance: [] }, 'provenance: must list at least one source'],
    [{ ...d0, provenance: ['ok', ''] }, 'provenance[1]: must be a non-empty text'],
    [{ ...sml, match: {} }, 'match.manufacturerId: required for sml profiles'],
    [{ ...sml, match: { manufacturerId: 'EMHX' } }, 'match.manufacturerId: must be a 3-letter FLAG id'],
    [{ ...sml, sml: {} }, 'sml.quirks: required'],
    [{ ...sml, sml: { quirks: { powerSignFix: 'flip' } } }, 'sml.quirks.powerSignFix: must be one of dzg-int16-unsigned, none'],
    [{ ...sml, sml: { quirks: {}, match: { serverIdPrefix: '0A1' } } }, 'sml.match.serverIdPrefix: must be hex bytes'],
    [{ ...sml, sml: { quirks: {}, match: { serialRanges: [[5, 1]] } } }, 'sml.match.serialRanges[0]: must be [from, to]'],
    [{ id: 'x', protocol: 'dlms', provenance: ['p'], dlms: { positions: [{ index: 0, obis: 'x' }] } }, 'dlms.positions[0].obis: not an OBIS code'],
    [
      { id: 'x', protocol: 'dlms', provenance: ['p'], match: { identification: 'A' }, dlms: {} },
      'match.identification: not used by dlms profiles (they use: manufacturerId)',
    ],
  ])('names the field: %j', (json, want) => {
    expect(message(json)).toMatch(new RegExp(`^bad-value ${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
