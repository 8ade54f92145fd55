import type { Unit } from '@smi/model';
import { toDlmsProfile, type DlmsMeterProfile, type DlmsProfile, type DlmsProfilePosition, type DlmsProfileRegister } from './profile';

/**
 * Built-in DLMS meter profiles (§4.11) in the one profile shape (common/profile.ts), plain data.
 * The decoder tries the caller's profiles first, then these, and takes the first whose match holds.
 */

const reg = (obis: string, unit: Unit, scaler = 0): DlmsProfileRegister => (scaler === 0 ? { obis, unit } : { obis, unit, scaler });
const at = (codes: readonly string[]): DlmsProfilePosition[] => codes.map((obis, index) => ({ index, obis }));

/** Electricity registers with the usual units; phase current/voltage scalers vary by meter. */
function electricity(b: number, currentScaler: number, voltageScaler: number, energyScaler = 0): DlmsProfileRegister[] {
  const p = `1-${b}:`;
  return [
    reg(`${p}1.7.0`, 'W'),
    reg(`${p}2.7.0`, 'W'),
    reg(`${p}3.7.0`, 'var'),
    reg(`${p}4.7.0`, 'var'),
    ...[21, 22, 41, 42, 61, 62].map((c) => reg(`${p}${c}.7.0`, 'W')),
    ...[23, 24, 43, 44, 63, 64].map((c) => reg(`${p}${c}.7.0`, 'var')),
    ...[31, 51, 71].map((c) => reg(`${p}${c}.7.0`, 'A', currentScaler)),
    ...[32, 52, 72].map((c) => reg(`${p}${c}.7.0`, 'V', voltageScaler)),
    // Energy registers C = 1…8 (active import/export, reactive import/export, quadrants), totals and tariffs 1–4.
    ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((c) => [0, 1, 2, 3, 4].map((e) => reg(`${p}${c}.8.${e}`, c <= 2 ? 'Wh' : 'varh', energyScaler))),
  ];
}

/** Power factor sent as a plain number in thousandths (no unit). */
function withPowerFactor(regs: DlmsProfileRegister[], b = 0): DlmsProfileRegister[] {
  return [...regs, { obis: `1-${b}:13.7.0`, scaler: -3 }];
}

const KAIFA_3P = [
  '1-0:0.2.129',
  '0-0:96.1.0',
  '0-0:96.1.7',
  '1-0:1.7.0',
  '1-0:2.7.0',
  '1-0:3.7.0',
  '1-0:4.7.0',
  '1-0:31.7.0',
  '1-0:51.7.0',
  '1-0:71.7.0',
  '1-0:32.7.0',
  '1-0:52.7.0',
  '1-0:72.7.0',
  '0-0:1.0.0',
  '1-0:1.8.0',
  '1-0:2.8.0',
  '1-0:3.8.0',
  '1-0:4.8.0',
];
const KAIFA_1P = [...KAIFA_3P.slice(0, 8), KAIFA_3P[10] as string, ...KAIFA_3P.slice(13)];
const KAIFA_REGISTERS = electricity(0, -3, -1);

const AMSHAN_KAIFA = 'toreamun/amshan amshan/meter_common.py and tests/test_kaifa.py @3571bed4 (list layouts, scalers); fixtures/dlms-hdlc-han/amshan-kaifa-*';
const AMSHAN_KAMSTRUP =
  'toreamun/amshan tests/test_kamstrup.py @3571bed4 (scalers: energies in 10 Wh, currents 0.01 A); fixtures/dlms-hdlc-han/amshan-kamstrup-*';
const SCS = (meter: string): string =>
  `scs/smartmeter-datacollector tests/testdata/${meter}.py @1507c3fc (values the tests assert); fixtures/dlms-hdlc-cii/scs-${meter}-*`;

function kaifaList(id: string, codes: readonly string[], description: string): DlmsMeterProfile {
  return {
    id,
    description,
    protocol: 'dlms',
    match: {},
    meter: { manufacturerId: 'KFM' },
    provenance: [AMSHAN_KAIFA],
    dlms: { match: { listId: 'KFM_001', elementCount: codes.length, style: 'positional' }, positions: at(codes), registers: KAIFA_REGISTERS },
  };
}

/**
 * Iskra AM550 as configured by Slovenian distribution companies (Elektro Ljubljana…): a structure of
 * plain values, logical device name and serial first. Order of the three-phase list as published by
 * Elektro Ljubljana (amsreader-firmware issue #615); voltages u16 in 0.1 V, currents u16 in 0.01 A.
 */
const ISKRA_SI_HEAD = ['0-0:42.0.0', '0-0:96.1.0', '1-0:1.7.0', '1-0:2.7.0', '1-0:3.7.0', '1-0:4.7.0'];
const ISKRA_SI_3P = [
  ...ISKRA_SI_HEAD,
  '1-0:32.7.0',
  '1-0:52.7.0',
  '1-0:72.7.0',
  '1-0:31.7.0',
  '1-0:51.7.0',
  '1-0:71.7.0',
  '1-0:21.7.0',
  '1-0:41.7.0',
  '1-0:61.7.0',
  '1-0:22.7.0',
  '1-0:42.7.0',
  '1-0:62.7.0',
];

function iskraSi(id: string, elementCount: number, codes: readonly string[], description: string, provenance: readonly string[]): DlmsMeterProfile {
  return {
    id,
    description,
    protocol: 'dlms',
    match: { manufacturerId: 'ISK' },
    meter: { manufacturerId: 'ISK' },
    provenance,
    dlms: { match: { elementCount, style: 'positional' }, positions: at(codes), registers: electricity(0, -2, -1) },
  };
}

const AMSREADER_615 = 'UtilitechAS/amsreader-firmware issue #615 (Elektro Ljubljana list order), #956 (element types and resolutions)';

/** A CII profile: values raw in the push, scalers per meter family, power factor in thousandths. */
function cii(id: string, flag: string, description: string, regs: DlmsProfileRegister[], provenance: string): DlmsMeterProfile {
  return {
    id,
    description,
    protocol: 'dlms',
    match: { manufacturerId: flag },
    meter: { manufacturerId: flag },
    provenance: [provenance],
    dlms: { match: { style: 'capture-definition' }, registers: withPowerFactor(regs) },
  };
}

const CII = 'CII push with a capture definition; values raw, scalers per meter family';

/** The built-in DLMS profiles in the one profile shape. */
export const BUILTIN_DLMS_METER_PROFILES: readonly DlmsMeterProfile[] = [
  {
    id: 'kaifa-list-1',
    description: 'Kaifa MA304 (NO/SE HAN) list 1: active power import only',
    protocol: 'dlms',
    match: {},
    meter: { manufacturerId: 'KFM' },
    provenance: [AMSHAN_KAIFA],
    dlms: { match: { elementCount: 1, style: 'positional' }, positions: at(['1-0:1.7.0']), registers: KAIFA_REGISTERS },
  },
  kaifaList('kaifa-list-2-1p', KAIFA_1P.slice(0, 9), 'Kaifa MA304 (NO/SE HAN) list 2, single phase'),
  kaifaList('kaifa-list-2-3p', KAIFA_3P.slice(0, 13), 'Kaifa MA304 (NO/SE HAN) list 2, three phase'),
  kaifaList('kaifa-list-3-1p', KAIFA_1P, 'Kaifa MA304 (NO/SE HAN) list 3, single phase'),
  kaifaList('kaifa-list-3-3p', KAIFA_3P, 'Kaifa MA304 (NO/SE HAN) list 3, three phase'),
  {
    id: 'kaifa-obis',
    description: 'Kaifa (SE HAN) OBIS/value list without scalers',
    protocol: 'dlms',
    match: {},
    meter: { manufacturerId: 'KFM' },
    provenance: [AMSHAN_KAIFA],
    dlms: { match: { listId: 'KFM_001', style: 'obis-flat' }, registers: KAIFA_REGISTERS },
  },
  {
    id: 'kamstrup',
    description: 'Kamstrup Omnipower (NO/SE/DK HAN) OBIS/value list; energies in 10 Wh',
    protocol: 'dlms',
    match: {},
    meter: { manufacturerId: 'KAM' },
    provenance: [AMSHAN_KAMSTRUP],
    dlms: { match: { listId: 'Kamstrup_V0001' }, registers: electricity(1, -2, 0, 1) },
  },
  {
    id: 'at-evn-kaifa-ma309',
    description: 'Netz NÖ / EVN Kaifa MA309 (M-Bus): clock first, meter number last',
    protocol: 'dlms',
    match: { manufacturerId: 'KFM' },
    meter: { manufacturerId: 'KFM' },
    provenance: ['Netz NÖ "Smart Meter Kundenschnittstelle" documentation sample; fixtures/dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample'],
    dlms: {
      match: { style: 'obis-flat', elementCount: 35 },
      positions: [
        { index: 0, obis: '0-0:1.0.0' },
        { index: 34, obis: '0-0:96.1.0' },
      ],
    },
  },
  iskraSi('iskra-si-3p', 18, ISKRA_SI_3P, 'Iskra AM550 (Slovenia) three-phase list without OBIS: names, P±, Q±, U, I, P± per phase', [
    AMSREADER_615,
    'fixtures/dlms-hdlc-si/synthetic-iskra-am550-si-three-phase-list (synthetic)',
  ]),
  iskraSi(
    'iskra-si-1p',
    9,
    [...ISKRA_SI_HEAD, '1-0:32.7.0'],
    'Iskra AM550 (Slovenia) 9-element list: names, P±, Q±, U L1; the last two values are not published and stay unmapped',
    [
      'UtilitechAS/amsreader-firmware issue #869 (real frame, Elektro Ljubljana)',
      AMSREADER_615,
      'fixtures/dlms-hdlc-si/amsreader-869-iskra-am550-elektro-ljubljana',
    ],
  ),
  cii('iskra-am550-cii', 'ISK', `Iskra AM550 ${CII}: V in 0.1 V, A in 0.01 A`, electricity(0, -2, -1), SCS('iskra_am550')),
  cii('lg-e450-cii', 'LGZ', `Landis+Gyr E450 ${CII}: V in 1 V, A in 0.01 A (default for LGZ)`, electricity(0, -2, 0), SCS('lg_e450')),
  cii('lg-e570-cii', 'LGZ', `Landis+Gyr E570 ${CII}: V in 1 V, A in 1 A (select explicitly)`, electricity(0, 0, 0), SCS('lg_e570')),
  cii('lg-e360-cii', 'LGZ', `Landis+Gyr E360 ${CII}: V in 0.1 V, A in 0.01 A (select explicitly)`, electricity(0, -2, -1), SCS('lg_e360')),
];

/** What the push mapper reads: the built-in profiles as `DlmsProfile` views, made once (stable objects). */
export const BUILTIN_DLMS_PROFILES: readonly DlmsProfile[] = BUILTIN_DLMS_METER_PROFILES.map(toDlmsProfile);

/** A built-in profile by id (for users who must pick one, e.g. `lg-e570-cii`). */
export function builtinDlmsProfile(id: string): DlmsProfile | undefined {
  return BUILTIN_DLMS_PROFILES.find((p) => p.id === id);
}
