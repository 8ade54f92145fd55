import { ok, type Result } from '../common';
import {
  isObject,
  parseDlmsCriteria,
  parseDlmsPositions,
  parseDlmsRegisters,
  parseFlag,
  problem,
  unknownKey,
  type DlmsMeterProfile,
  type DlmsProfilePosition,
  type DlmsProfileRegister,
  type DlmsSection,
} from '../common/profile';

// The one profile shape lives in common/profile.ts; it is re-exported here because this module is
// part of the package's public API (`export *` in dlms/index.ts).
export {
  MATCH_FIELDS as METER_PROFILE_MATCH_FIELDS,
  parseMeterProfile,
  type D0MeterProfile,
  type D0Section,
  type DlmsMeterProfile,
  type DlmsProfilePosition,
  type DlmsProfileRegister,
  type DlmsSection,
  type MeterProfile,
  type MeterProfileCommon,
  type MeterProfileProtocol,
  type ProfileMatch,
  type ProfileMeter,
  type SmlMeterProfileData,
  type SmlSection,
} from '../common/profile';

/**
 * What the DLMS push mapper reads: a view of a `dlms` meter profile (`toDlmsProfile`), with the
 * common `match.manufacturerId` and the DLMS criteria in one `match`, and `meter.manufacturerId`
 * as `manufacturerId`.
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

export interface DlmsProfileMatch extends NonNullable<DlmsSection['match']> {
  /** FLAG id from the system title or the meter id prefix (`KFM`, `LGZ`, `ISK`), upper case. */
  readonly manufacturerId?: string;
}

/** The push mapper's view of a `dlms` meter profile. */
export function toDlmsProfile(p: DlmsMeterProfile): DlmsProfile {
  const flag = p.match.manufacturerId?.toUpperCase();
  const reported = p.meter?.manufacturerId?.toUpperCase();
  return {
    id: p.id,
    ...(p.description === undefined ? {} : { description: p.description }),
    ...(reported === undefined ? {} : { manufacturerId: reported }),
    match: { ...p.dlms.match, ...(flag === undefined ? {} : { manufacturerId: flag }) },
    ...(p.dlms.positions === undefined ? {} : { positions: p.dlms.positions }),
    ...(p.dlms.registers === undefined ? {} : { registers: p.dlms.registers }),
  };
}

/**
 * Validates a DLMS profile in the earlier DLMS-only file format (the `DlmsProfile` view: criteria
 * in `match`, `positions` and `registers` at the top, no `protocol`/`provenance`), which files
 * written before the one profile shape use. Errors name the field (`positions[2].obis: …`).
 */
export function parseDlmsProfile(json: unknown): Result<DlmsProfile> {
  if (!isObject(json)) return problem('profile', 'must be an object');
  const extra = unknownKey(json, ['id', 'description', 'manufacturerId', 'match', 'positions', 'registers'], '');
  if (extra) return extra;
  if (typeof json.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(json.id)) return problem('id', 'must be a non-empty identifier');
  const profile: { -readonly [K in keyof DlmsProfile]: DlmsProfile[K] } = { id: json.id, match: {} };
  if (json.description !== undefined) {
    if (typeof json.description !== 'string') return problem('description', 'must be a string');
    profile.description = json.description;
  }
  if (json.manufacturerId !== undefined) {
    const flag = parseFlag(json.manufacturerId, 'manufacturerId');
    if (!flag.ok) return flag;
    profile.manufacturerId = flag.value.toUpperCase();
  }
  const m = json.match ?? {};
  if (!isObject(m)) return problem('match', 'must be an object');
  const extraMatch = unknownKey(m, ['listId', 'elementCount', 'manufacturerId', 'style'], 'match');
  if (extraMatch) return extraMatch;
  const criteria = parseDlmsCriteria(m, 'match');
  if (!criteria.ok) return criteria;
  profile.match = criteria.value;
  if (m.manufacturerId !== undefined) {
    const flag = parseFlag(m.manufacturerId, 'match.manufacturerId');
    if (!flag.ok) return flag;
    profile.match = { ...profile.match, manufacturerId: flag.value.toUpperCase() };
  }
  if (json.positions !== undefined) {
    const p = parseDlmsPositions(json.positions, 'positions');
    if (!p.ok) return p;
    profile.positions = p.value;
  }
  if (json.registers !== undefined) {
    const r = parseDlmsRegisters(json.registers, 'registers');
    if (!r.ok) return r;
    profile.registers = r.value;
  }
  return ok(profile);
}
