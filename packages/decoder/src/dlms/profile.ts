import { canonicalObis, normalizeUnit, type ObisCode, type Unit } from '@smi/model';
import { fail, ok, type Result } from '../common';
import { PUSH_STYLES, type PushStyle } from './push-list';

/**
 * A meter profile: how to read one push-list layout. Plain JSON-compatible data, so a user can
 * add a file for a new meter (`parseDlmsProfile` validates it) without a code change.
 */
export interface DlmsProfile {
  /** Stable id (`kaifa-no-list-3`). */
  readonly id: string;
  readonly description?: string;
  /** FLAG id to report when the frame itself does not tell (no system title, no id prefix). */
  readonly manufacturerId?: string;
  /** All given criteria must hold; an empty match applies to every push. */
  readonly match: DlmsProfileMatch;
  /** Position in the top-level push list → OBIS, for elements the list sends without one. */
  readonly positions?: readonly DlmsProfilePosition[];
  /** Scaler and unit by OBIS, for values the list sends without a scaler-unit structure. */
  readonly registers?: readonly DlmsProfileRegister[];
}

export interface DlmsProfileMatch {
  /** The list version string the meter sends (`KFM_001`, `Kamstrup_V0001`, `AIDON_V0001`). */
  readonly listId?: string;
  /** Number of top-level elements of the push list. */
  readonly elementCount?: number;
  /** FLAG id from the system title or the meter id prefix (`KFM`, `LGZ`, `ISK`). */
  readonly manufacturerId?: string;
  readonly style?: PushStyle;
}

export interface DlmsProfilePosition {
  readonly index: number;
  readonly obis: ObisCode;
  /** Power of ten for the value at this position (overrides `registers`; default 0). */
  readonly scaler?: number;
  /** Unit of the scaled value at this position (overrides `registers`): unit text or DLMS unit code. */
  readonly unit?: Unit | number;
}

export interface DlmsProfileRegister {
  readonly obis: ObisCode;
  /** Power of ten applied to the raw value (default 0). */
  readonly scaler?: number;
  /** Unit of the scaled value: a unit text (`kWh`, `V`) or a DLMS unit code (30 = Wh). */
  readonly unit?: Unit | number;
}

const LAYER = 'dlms-profile';
type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function unknownKeys(o: Json, allowed: readonly string[], path: string): string | undefined {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  return extra === undefined ? undefined : `${path}${path ? '.' : ''}${extra}: unknown field`;
}

function bad(message: string): { ok: false; error: ReturnType<typeof fail>['error'] } {
  return fail('bad-value', LAYER, message);
}

function parseMatch(v: unknown): Result<DlmsProfileMatch> {
  if (!isObject(v)) return bad('match: must be an object');
  const extra = unknownKeys(v, ['listId', 'elementCount', 'manufacturerId', 'style'], 'match');
  if (extra) return bad(extra);
  const m: { -readonly [K in keyof DlmsProfileMatch]: DlmsProfileMatch[K] } = {};
  if (v.listId !== undefined) {
    if (typeof v.listId !== 'string' || v.listId === '') return bad('match.listId: must be a non-empty string');
    m.listId = v.listId;
  }
  if (v.elementCount !== undefined) {
    if (!isInt(v.elementCount, 1, 10000)) return bad('match.elementCount: must be an integer from 1');
    m.elementCount = v.elementCount;
  }
  if (v.manufacturerId !== undefined) {
    if (typeof v.manufacturerId !== 'string' || !/^[A-Za-z]{3}$/.test(v.manufacturerId)) return bad('match.manufacturerId: must be a 3-letter FLAG id');
    m.manufacturerId = v.manufacturerId.toUpperCase();
  }
  if (v.style !== undefined) {
    if (!PUSH_STYLES.includes(v.style as PushStyle)) return bad(`match.style: must be one of ${PUSH_STYLES.join(', ')}`);
    m.style = v.style as PushStyle;
  }
  return ok(m);
}

function parseObisField(v: unknown, path: string): Result<ObisCode> {
  const code = typeof v === 'string' ? canonicalObis(v) : undefined;
  return code === undefined ? bad(`${path}: not an OBIS code (e.g. "1-0:1.8.0")`) : ok(code);
}

/** Optional `scaler` (integer −128…127) and `unit` (unit text or DLMS unit code) of a position or register. */
function parseScalerUnit(o: Json, path: string): Result<{ scaler?: number; unit?: Unit | number }> {
  const out: { scaler?: number; unit?: Unit | number } = {};
  if (o.scaler !== undefined) {
    if (!isInt(o.scaler, -128, 127)) return bad(`${path}.scaler: must be an integer from -128 to 127`);
    out.scaler = o.scaler;
  }
  if (o.unit !== undefined) {
    if (isInt(o.unit, 0, 255)) out.unit = o.unit;
    else {
      const unit = typeof o.unit === 'string' ? normalizeUnit(o.unit) : undefined;
      if (unit === undefined) return bad(`${path}.unit: not a known unit text or DLMS unit code 0…255`);
      out.unit = unit;
    }
  }
  return ok(out);
}

function parsePositions(v: unknown): Result<DlmsProfilePosition[]> {
  if (!Array.isArray(v)) return bad('positions: must be an array');
  const out: DlmsProfilePosition[] = [];
  const seen = new Set<number>();
  for (const [i, p] of v.entries()) {
    const path = `positions[${i}]`;
    if (!isObject(p)) return bad(`${path}: must be an object`);
    const extra = unknownKeys(p, ['index', 'obis', 'scaler', 'unit'], path);
    if (extra) return bad(extra);
    if (!isInt(p.index, 0, 10000)) return bad(`${path}.index: must be an integer from 0`);
    if (seen.has(p.index)) return bad(`${path}.index: position ${p.index} is listed twice`);
    seen.add(p.index);
    const obis = parseObisField(p.obis, `${path}.obis`);
    if (!obis.ok) return obis;
    const scaled = parseScalerUnit(p, path);
    if (!scaled.ok) return scaled;
    out.push({ index: p.index, obis: obis.value, ...scaled.value });
  }
  return ok(out);
}

function parseRegisters(v: unknown): Result<DlmsProfileRegister[]> {
  if (!Array.isArray(v)) return bad('registers: must be an array');
  const out: DlmsProfileRegister[] = [];
  for (const [i, r] of v.entries()) {
    const path = `registers[${i}]`;
    if (!isObject(r)) return bad(`${path}: must be an object`);
    const extra = unknownKeys(r, ['obis', 'scaler', 'unit'], path);
    if (extra) return bad(extra);
    const obis = parseObisField(r.obis, `${path}.obis`);
    if (!obis.ok) return obis;
    const scaled = parseScalerUnit(r, path);
    if (!scaled.ok) return scaled;
    out.push({ obis: obis.value, ...scaled.value });
  }
  return ok(out);
}

/** Validates a profile read from JSON; errors name the field (`positions[2].obis: …`). */
export function parseDlmsProfile(json: unknown): Result<DlmsProfile> {
  if (!isObject(json)) return bad('profile: must be an object');
  const extra = unknownKeys(json, ['id', 'description', 'manufacturerId', 'match', 'positions', 'registers'], '');
  if (extra) return bad(extra);
  if (typeof json.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(json.id)) return bad('id: must be a non-empty identifier');
  const profile: { -readonly [K in keyof DlmsProfile]: DlmsProfile[K] } = { id: json.id, match: {} };
  if (json.description !== undefined) {
    if (typeof json.description !== 'string') return bad('description: must be a string');
    profile.description = json.description;
  }
  if (json.manufacturerId !== undefined) {
    if (typeof json.manufacturerId !== 'string' || !/^[A-Za-z]{3}$/.test(json.manufacturerId)) return bad('manufacturerId: must be a 3-letter FLAG id');
    profile.manufacturerId = json.manufacturerId.toUpperCase();
  }
  const match = parseMatch(json.match ?? {});
  if (!match.ok) return match;
  profile.match = match.value;
  if (json.positions !== undefined) {
    const p = parsePositions(json.positions);
    if (!p.ok) return p;
    profile.positions = p.value;
  }
  if (json.registers !== undefined) {
    const r = parseRegisters(json.registers);
    if (!r.ok) return r;
    profile.registers = r.value;
  }
  return ok(profile);
}
