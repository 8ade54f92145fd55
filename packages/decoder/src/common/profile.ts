import { canonicalObis, MEDIUM_NAMES, normalizeUnit, type Medium, type ObisCode, type Unit } from '@smi/model';
import { PUSH_STYLES, type PushStyle } from '../dlms/push-list';
import { MEDIUM_BY_A } from '../iec62056-21/constants';
import { POWER_SIGN_FIXES, type SmlQuirks } from '../sml/profiles';
import { parseModbusSection, type ModbusSection } from '../modbus/section';
import { fail, ok, type DecodeError, type Result } from './errors';

/**
 * The one shape of a meter profile (docs/adding-a-meter.md): plain JSON-compatible data, the same
 * for built-in profiles and user files. Common fields say which meter it is for and where the facts
 * come from; the section named after the protocol (`dlms`, `sml`, `d0`, `modbus`) says what to do.
 * Each decoder reads a view of it (`toDlmsProfile`, `toSmlProfile`, `toD0Profile`; Modbus reads
 * its section as it is).
 */
export type MeterProfile = DlmsMeterProfile | SmlMeterProfileData | D0MeterProfile | ModbusMeterProfile;

export type MeterProfileProtocol = MeterProfile['protocol'];

export interface MeterProfileCommon {
  /** Stable id (`kaifa-list-3-3p`): letters, digits, `.`, `_`, `-`. */
  readonly id: string;
  /** What the profile is for (at most 400 characters). */
  readonly description?: string;
  /** Which meter: every given criterion must hold (which ones a protocol can check: MATCH_FIELDS). */
  readonly match: ProfileMatch;
  /** What the profile implies about the meter when the frames do not tell. */
  readonly meter?: ProfileMeter;
  /** Where the facts come from: source repository and file, document, issue, own capture. */
  readonly provenance: readonly string[];
}

export interface ProfileMatch {
  /** FLAG manufacturer id (`KFM`, `DZG`, `SIE`) as the meter sends it (system title, server id, identification). */
  readonly manufacturerId?: string;
  /** Model prefix, case-insensitive, compared with the configured model (SML sends none). */
  readonly model?: string;
  /** Regular expression tested on the identification text (D0: after the baud character). */
  readonly identification?: string;
  /** Medium the frames declare; checked by protocols whose frames carry one (M-Bus; none here yet). */
  readonly medium?: Medium;
}

export interface ProfileMeter {
  /** FLAG id reported when the frame does not carry one (Kaifa's Norwegian lists). */
  readonly manufacturerId?: string;
  /** Model reported when none is configured. */
  readonly model?: string;
}

export interface DlmsMeterProfile extends MeterProfileCommon {
  readonly protocol: 'dlms';
  readonly dlms: DlmsSection;
}

export interface DlmsSection {
  /** DLMS-only criteria, all of which must hold as well. */
  readonly match?: {
    /** The list version string the meter sends (`KFM_001`, `Kamstrup_V0001`). */
    readonly listId?: string;
    /** Number of top-level elements of the push list. */
    readonly elementCount?: number;
    readonly style?: PushStyle;
  };
  /** Position in the top-level push list → OBIS, for elements the list sends without one. */
  readonly positions?: readonly DlmsProfilePosition[];
  /** Scaler and unit by OBIS, for values the list sends without a scaler-unit structure. */
  readonly registers?: readonly DlmsProfileRegister[];
}

export interface DlmsProfileRegister {
  readonly obis: ObisCode;
  /** Power of ten applied to the raw value (default 0). */
  readonly scaler?: number;
  /** Unit of the scaled value: a unit text (`kWh`, `V`) or a DLMS unit code (30 = Wh). */
  readonly unit?: Unit | number;
}

export interface DlmsProfilePosition extends DlmsProfileRegister {
  readonly index: number;
}

export interface SmlMeterProfileData extends MeterProfileCommon {
  readonly protocol: 'sml';
  readonly sml: SmlSection;
}

export interface SmlSection {
  readonly match?: {
    /** Hex prefix of the server id (`0A01445A4700`), case-insensitive, spaces ignored. */
    readonly serverIdPrefix?: string;
    /** Inclusive ranges of the decimal serial number inside a 10-byte server id. */
    readonly serialRanges?: readonly (readonly [from: number, to: number])[];
  };
  readonly quirks: SmlQuirks;
}

export interface D0MeterProfile extends MeterProfileCommon {
  readonly protocol: 'iec62056-21';
  readonly d0: D0Section;
}

export interface D0Section {
  /** OBIS value group A for the meter's short codes (`6.8` → `6-0:6.8.0`): 6 heat, 7 gas … (default 1). */
  readonly valueGroupA: number;
}

/** A Modbus meter (Eastron SDM, SunSpec): the registers to read and what they are (modbus/section.ts). */
export interface ModbusMeterProfile extends MeterProfileCommon {
  readonly protocol: 'modbus';
  readonly modbus: ModbusSection;
}

type MatchField = keyof ProfileMatch;
type MeterField = keyof ProfileMeter;

/** Common criteria each decoder can check, which it needs, and what it reports from `meter`. */
export const MATCH_FIELDS: Readonly<
  Record<MeterProfileProtocol, { readonly match: readonly MatchField[]; readonly required: readonly MatchField[]; readonly meter: readonly MeterField[] }>
> = {
  dlms: { match: ['manufacturerId'], required: [], meter: ['manufacturerId'] },
  sml: { match: ['manufacturerId', 'model'], required: ['manufacturerId'], meter: ['model'] },
  'iec62056-21': { match: ['manufacturerId', 'identification'], required: ['manufacturerId', 'identification'], meter: [] },
  // Modbus meters send no identity: the configuration names the profile, which names the model.
  modbus: { match: [], required: [], meter: ['manufacturerId', 'model'] },
};

const SECTION = { dlms: 'dlms', sml: 'sml', 'iec62056-21': 'd0', modbus: 'modbus' } as const;
const LAYER = 'meter-profile';

export type Json = Readonly<Record<string, unknown>>;
export type Problem = { readonly ok: false; readonly error: DecodeError };

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const join = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

/** A validation error `path: problem` (kind `bad-value`). */
export function problem(path: string, message: string): Problem {
  return fail('bad-value', LAYER, `${path || 'profile'}: ${message}`);
}

/** `path.key: unknown field` for the first key not in `allowed`. */
export function unknownKey(o: Json, allowed: readonly string[], path: string): Problem | undefined {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  return extra === undefined ? undefined : problem(join(path, extra), 'unknown field');
}

export function parseFlag(v: unknown, path: string): Result<string> {
  return typeof v === 'string' && /^[A-Za-z]{3}$/.test(v) ? ok(v) : problem(path, 'must be a 3-letter FLAG id');
}

const isText = (v: unknown, max = 200): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max;

function parseObis(v: unknown, path: string): Result<ObisCode> {
  const code = typeof v === 'string' ? canonicalObis(v) : undefined;
  return code === undefined ? problem(path, 'not an OBIS code (e.g. "1-0:1.8.0")') : ok(code);
}

/** A register (`{ obis, scaler?, unit? }`), or with `index` a push-list position. */
function parseRegister(v: unknown, path: string, withIndex: boolean): Result<DlmsProfilePosition | DlmsProfileRegister> {
  if (!isObject(v)) return problem(path, 'must be an object');
  const extra = unknownKey(v, withIndex ? ['index', 'obis', 'scaler', 'unit'] : ['obis', 'scaler', 'unit'], path);
  if (extra) return extra;
  if (withIndex && !isInt(v.index, 0, 10000)) return problem(join(path, 'index'), 'must be an integer from 0');
  const obis = parseObis(v.obis, join(path, 'obis'));
  if (!obis.ok) return obis;
  const out: { index?: number; obis: ObisCode; scaler?: number; unit?: Unit | number } = withIndex
    ? { index: v.index as number, obis: obis.value }
    : { obis: obis.value };
  if (v.scaler !== undefined) {
    if (!isInt(v.scaler, -128, 127)) return problem(join(path, 'scaler'), 'must be an integer from -128 to 127');
    out.scaler = v.scaler;
  }
  if (v.unit !== undefined) {
    const unit = isInt(v.unit, 0, 255) ? v.unit : typeof v.unit === 'string' ? normalizeUnit(v.unit) : undefined;
    if (unit === undefined) return problem(join(path, 'unit'), 'not a known unit text or DLMS unit code 0…255');
    out.unit = unit;
  }
  return ok(out as DlmsProfilePosition | DlmsProfileRegister);
}

/** `positions` of a DLMS profile (indexes unique); errors name `path[i].field`. */
export function parseDlmsPositions(v: unknown, path: string): Result<DlmsProfilePosition[]> {
  if (!Array.isArray(v)) return problem(path, 'must be an array');
  const out: DlmsProfilePosition[] = [];
  for (const [i, item] of v.entries()) {
    const p = parseRegister(item, join(path, i), true);
    if (!p.ok) return p;
    const pos = p.value as DlmsProfilePosition;
    if (out.some((q) => q.index === pos.index)) return problem(join(join(path, i), 'index'), `position ${pos.index} is listed twice`);
    out.push(pos);
  }
  return ok(out);
}

/** `registers` of a DLMS profile; errors name `path[i].field`. */
export function parseDlmsRegisters(v: unknown, path: string): Result<DlmsProfileRegister[]> {
  if (!Array.isArray(v)) return problem(path, 'must be an array');
  const out: DlmsProfileRegister[] = [];
  for (const [i, item] of v.entries()) {
    const r = parseRegister(item, join(path, i), false);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

/** The DLMS-only criteria `listId`, `elementCount`, `style` at `path`. */
export function parseDlmsCriteria(v: Json, path: string): Result<NonNullable<DlmsSection['match']>> {
  const m: { listId?: string; elementCount?: number; style?: PushStyle } = {};
  if (v.listId !== undefined) {
    if (typeof v.listId !== 'string' || v.listId === '') return problem(join(path, 'listId'), 'must be a non-empty string');
    m.listId = v.listId;
  }
  if (v.elementCount !== undefined) {
    if (!isInt(v.elementCount, 1, 10000)) return problem(join(path, 'elementCount'), 'must be an integer from 1');
    m.elementCount = v.elementCount;
  }
  if (v.style !== undefined) {
    if (!PUSH_STYLES.includes(v.style as PushStyle)) return problem(join(path, 'style'), `must be one of ${PUSH_STYLES.join(', ')}`);
    m.style = v.style as PushStyle;
  }
  return ok(m);
}

/** Parses the keys of `o` listed in `parsers` into a new object (absent keys stay absent). */
function fields<T>(o: Json, path: string, parsers: { readonly [K in keyof T]-?: (v: unknown, path: string) => Result<T[K]> }): Result<T> {
  const out: Partial<Record<keyof T, unknown>> = {};
  for (const key of Object.keys(parsers) as (keyof T & string)[]) {
    if (o[key] === undefined) continue;
    const r = parsers[key](o[key], join(path, key));
    if (!r.ok) return r;
    out[key] = r.value;
  }
  return ok(out as T);
}

const object = (v: unknown, path: string, allowed: readonly string[]): Result<Json> =>
  !isObject(v) ? problem(path, 'must be an object') : (unknownKey(v, allowed, path) ?? ok(v));
const text = (v: unknown, path: string): Result<string> => (isText(v) ? ok(v) : problem(path, 'must be a non-empty text (at most 200 characters)'));
const bool = (v: unknown, path: string): Result<boolean> => (typeof v === 'boolean' ? ok(v) : problem(path, 'must be true or false'));
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown, path: string): Result<T> =>
    values.includes(v as T) ? ok(v as T) : problem(path, `must be one of ${values.join(', ')}`);

function pattern(v: unknown, path: string): Result<string> {
  if (!isText(v)) return problem(path, 'must be a regular expression text');
  try {
    new RegExp(v);
    return ok(v);
  } catch {
    return problem(path, 'not a valid regular expression');
  }
}

function serialRanges(v: unknown, path: string): Result<[number, number][]> {
  if (!Array.isArray(v) || v.length === 0) return problem(path, 'must be a non-empty array of [from, to]');
  const out: [number, number][] = [];
  for (const [i, r] of v.entries()) {
    const ok2 = Array.isArray(r) && r.length === 2 && isInt(r[0], 0, 99_999_999) && isInt(r[1], 0, 99_999_999) && r[0] <= r[1];
    if (!ok2) return problem(join(path, i), 'must be [from, to]: integers 0…99999999, from ≤ to');
    out.push([r[0] as number, r[1] as number]);
  }
  return ok(out);
}

/** The media a profile may name: every one the model knows but `unknown`. */
const PROFILE_MEDIA: readonly Medium[] = MEDIUM_NAMES.filter((m) => m !== 'unknown');

function parseSection(protocol: MeterProfileProtocol, v: unknown, path: string): Result<DlmsSection | SmlSection | D0Section | ModbusSection> {
  switch (protocol) {
    case 'dlms': {
      const o = object(v, path, ['match', 'positions', 'registers']);
      if (!o.ok) return o;
      return fields<DlmsSection>(o.value, path, {
        match: (m, p) => {
          const mo = object(m, p, ['listId', 'elementCount', 'style']);
          return mo.ok ? parseDlmsCriteria(mo.value, p) : mo;
        },
        positions: parseDlmsPositions,
        registers: parseDlmsRegisters,
      });
    }
    case 'sml': {
      const o = object(v, path, ['match', 'quirks']);
      if (!o.ok) return o;
      if (o.value.quirks === undefined) return problem(join(path, 'quirks'), 'required');
      return fields<SmlSection>(o.value, path, {
        match: (m, p) => {
          const mo = object(m, p, ['serverIdPrefix', 'serialRanges']);
          return !mo.ok
            ? mo
            : fields<NonNullable<SmlSection['match']>>(mo.value, p, {
                serverIdPrefix: (x, q) =>
                  typeof x === 'string' && /^(\s*[0-9A-Fa-f]{2})+\s*$/.test(x) ? ok(x) : problem(q, 'must be hex bytes (`0A01445A4700`)'),
                serialRanges,
              });
        },
        quirks: (q, p) => {
          const qo = object(q, p, ['powerSignFix', 'ignoreMessageCrc', 'alternativeCrc']);
          return !qo.ok
            ? qo
            : fields<SmlQuirks>(qo.value, p, {
                powerSignFix: oneOf<keyof typeof POWER_SIGN_FIXES | 'none'>([...(Object.keys(POWER_SIGN_FIXES) as (keyof typeof POWER_SIGN_FIXES)[]), 'none']),
                ignoreMessageCrc: bool,
                alternativeCrc: oneOf(['kermit', 'none'] as const),
              });
        },
      });
    }
    case 'iec62056-21': {
      const o = object(v, path, ['valueGroupA']);
      if (!o.ok) return o;
      const a = o.value.valueGroupA;
      if (!(typeof a === 'number' && a in MEDIUM_BY_A))
        return problem(
          join(path, 'valueGroupA'),
          `must be one of ${Object.entries(MEDIUM_BY_A)
            .map(([k, m]) => `${k} (${m})`)
            .join(', ')}`,
        );
      return ok({ valueGroupA: a });
    }
    case 'modbus':
      return parseModbusSection(v, path);
  }
}

const PROTOCOLS = Object.keys(SECTION) as MeterProfileProtocol[];

/** An object whose keys are among `known`, and among `usable` for this protocol. */
function criteria(v: unknown, path: string, known: readonly string[], usable: readonly string[], protocol: MeterProfileProtocol): Result<Json> {
  const o = object(v, path, known);
  if (!o.ok) return o;
  const other = Object.keys(o.value).find((k) => !usable.includes(k));
  const can = usable.length === 0 ? 'none' : usable.join(', ');
  return other === undefined ? o : problem(join(path, other), `not used by ${protocol} profiles (they use: ${can})`);
}

/** Validates one profile in the one shape; errors are `path: problem` (`dlms.positions[2].obis: …`). */
export function parseMeterProfile(json: unknown): Result<MeterProfile> {
  const top = object(json, '', ['id', 'description', 'protocol', 'match', 'meter', 'provenance', 'dlms', 'sml', 'd0', 'modbus']);
  if (!top.ok) return top;
  const o = top.value;
  if (typeof o.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(o.id)) return problem('id', 'must be a non-empty identifier (letters, digits, . _ -)');
  const protocol = oneOf(PROTOCOLS)(o.protocol, 'protocol');
  if (!protocol.ok) return protocol;
  const rules = MATCH_FIELDS[protocol.value];
  const section = SECTION[protocol.value];
  const other = Object.values(SECTION).find((s) => s !== section && o[s] !== undefined);
  if (other !== undefined) return problem(other, `belongs to another protocol; a ${protocol.value} profile has a "${section}" section`);
  const description =
    o.description === undefined
      ? ok(undefined)
      : isText(o.description, 400)
        ? ok(o.description)
        : problem('description', 'must be a non-empty text (at most 400 characters)');
  if (!description.ok) return description;
  const match = criteria(o.match ?? {}, 'match', ['manufacturerId', 'model', 'identification', 'medium'], rules.match, protocol.value);
  if (!match.ok) return match;
  const missing = rules.required.find((k) => match.value[k] === undefined);
  if (missing) return problem(`match.${missing}`, `required for ${protocol.value} profiles`);
  const m = fields<ProfileMatch>(match.value, 'match', { manufacturerId: parseFlag, model: text, identification: pattern, medium: oneOf(PROFILE_MEDIA) });
  if (!m.ok) return m;
  let meter: ProfileMeter | undefined;
  if (o.meter !== undefined) {
    const mo = criteria(o.meter, 'meter', ['manufacturerId', 'model'], rules.meter, protocol.value);
    if (!mo.ok) return mo;
    const r = fields<ProfileMeter>(mo.value, 'meter', { manufacturerId: parseFlag, model: text });
    if (!r.ok) return r;
    meter = r.value;
  }
  if (!Array.isArray(o.provenance) || o.provenance.length === 0)
    return problem('provenance', 'must list at least one source (repository and file, document, issue, or "own capture <date>")');
  const bad = o.provenance.findIndex((s) => !isText(s, 400));
  if (bad >= 0) return problem(`provenance[${bad}]`, 'must be a non-empty text (at most 400 characters)');
  if (o[section] === undefined) return problem(section, `required for protocol ${protocol.value}`);
  const s = parseSection(protocol.value, o[section], section);
  if (!s.ok) return s;
  const profile = {
    id: o.id,
    ...(description.value === undefined ? {} : { description: description.value }),
    protocol: protocol.value,
    match: m.value,
    ...(meter === undefined ? {} : { meter }),
    provenance: o.provenance as string[],
    [section]: s.value,
  };
  return ok(profile as unknown as MeterProfile);
}
