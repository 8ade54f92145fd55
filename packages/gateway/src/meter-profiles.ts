import { readFileSync } from 'node:fs';
import {
  BUILTIN_D0_METER_PROFILES,
  BUILTIN_D0_PROFILES,
  BUILTIN_DLMS_METER_PROFILES,
  BUILTIN_SML_METER_PROFILES,
  BUILTIN_SML_PROFILES,
  builtinDlmsProfile,
  parseDlmsProfile,
  parseMeterProfile,
  toD0Profile,
  toDlmsProfile,
  toSmlProfile,
  type D0Profile,
  type DlmsProfile,
  type MeterProfile,
  type MeterProfileProtocol,
  type SmlMeterProfile,
} from '@smi/decoder';
import type { MeterConfig } from './config/schema';

export type ProfilesResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** The decoder views of a meter's profiles, by protocol, in the order the entry names them. */
export interface MeterProfiles {
  readonly dlms: readonly DlmsProfile[];
  readonly sml: readonly SmlMeterProfile[];
  readonly d0: readonly D0Profile[];
}

const PROFILE_PROTOCOLS: readonly MeterProfileProtocol[] = ['dlms', 'sml', 'iec62056-21'];
const BUILTINS: readonly MeterProfile[] = [...BUILTIN_DLMS_METER_PROFILES, ...BUILTIN_SML_METER_PROFILES, ...BUILTIN_D0_METER_PROFILES];

type View =
  | { readonly protocol: 'dlms'; readonly view: DlmsProfile }
  | { readonly protocol: 'sml'; readonly view: SmlMeterProfile }
  | { readonly protocol: 'iec62056-21'; readonly view: D0Profile };

/** A built-in by id, as the stable view object the decoder already holds. */
function builtinView(id: string): View | undefined {
  const p = BUILTINS.find((b) => b.id === id);
  if (p === undefined) return undefined;
  switch (p.protocol) {
    case 'dlms': {
      const v = builtinDlmsProfile(id);
      return v && { protocol: 'dlms', view: v };
    }
    case 'sml': {
      const v = BUILTIN_SML_PROFILES.find((b) => b.id === id);
      return v && { protocol: 'sml', view: v };
    }
    case 'iec62056-21': {
      const v = BUILTIN_D0_PROFILES.find((b) => b.id === id);
      return v && { protocol: 'iec62056-21', view: v };
    }
    case 'modbus':
      return undefined; // not in BUILTINS: a Modbus meter names its profile in meters[].modbus.profile
  }
}

function viewOf(p: Exclude<MeterProfile, { readonly protocol: 'modbus' }>): View {
  switch (p.protocol) {
    case 'dlms':
      return { protocol: 'dlms', view: toDlmsProfile(p) };
    case 'sml':
      return { protocol: 'sml', view: toSmlProfile(p) };
    case 'iec62056-21':
      return { protocol: 'iec62056-21', view: toD0Profile(p) };
  }
}

/**
 * One item of a profile file: the one profile shape (it has `protocol`), or the earlier DLMS-only
 * format (no `protocol`), still accepted as a `dlms` profile.
 */
function parseItem(item: unknown): ProfilesResult<View> {
  const legacy = typeof item === 'object' && item !== null && !Array.isArray(item) && !('protocol' in item);
  if (legacy) {
    const r = parseDlmsProfile(item);
    return r.ok ? { ok: true, value: { protocol: 'dlms', view: r.value } } : { ok: false, error: r.error.message };
  }
  const r = parseMeterProfile(item);
  if (!r.ok) return { ok: false, error: r.error.message };
  if (r.value.protocol === 'modbus') return { ok: false, error: `profile ${r.value.id} is a Modbus profile: name it in meters[].modbus.profile` };
  return { ok: true, value: viewOf(r.value) };
}

/** The views a file holds (one profile or a list); errors name the item and the field. */
function readFile(file: string, where: string): ProfilesResult<{ readonly id: string; readonly at: string; readonly v: View }[]> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: `${where}: ${err.code ? `cannot read the file (${err.code})` : `not JSON: ${err.message}`}` };
  }
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) return { ok: false, error: `${where}: the file holds an empty list` };
  const out: { id: string; at: string; v: View }[] = [];
  for (const [k, item] of items.entries()) {
    const at = `${where}${Array.isArray(json) ? `[${k}]` : ''}`;
    const p = parseItem(item);
    if (!p.ok) return { ok: false, error: `${at}: ${p.error}` };
    out.push({ id: p.value.view.id, at, v: p.value });
  }
  return { ok: true, value: out };
}

/**
 * The profiles a meter entry names (`meters[].profiles`), in order: built-in ids (`lg-e570-cii`,
 * `siemens-2wr5-heat`) or JSON files holding one profile or a list of them. Each profile must be
 * for `protocol` (any profile protocol when it is `auto`). Errors name the entry, the file and the
 * field (`profiles.0 (my.json): dlms.positions[2].obis: …`).
 */
export function loadMeterProfiles(entries: readonly string[], protocol: MeterConfig['protocol']): ProfilesResult<MeterProfiles> {
  const out = { dlms: [] as DlmsProfile[], sml: [] as SmlMeterProfile[], d0: [] as D0Profile[] };
  for (const [i, entry] of entries.entries()) {
    const where = `profiles.${i} (${entry})`;
    const builtin = builtinView(entry);
    let found: ProfilesResult<{ readonly id: string; readonly at: string; readonly v: View }[]>;
    if (builtin) found = { ok: true, value: [{ id: entry, at: where, v: builtin }] };
    else if (/[/\\]/.test(entry) || entry.toLowerCase().endsWith('.json')) found = readFile(entry, where);
    else return { ok: false, error: `${where}: neither a built-in profile (${BUILTINS.map((p) => p.id).join(', ')}) nor a .json file` };
    if (!found.ok) return found;
    for (const { id, at, v } of found.value) {
      if (protocol !== 'auto' && v.protocol !== protocol) {
        return { ok: false, error: `${at}: profile ${id} is for protocol ${v.protocol}, but the meter's protocol is ${protocol}` };
      }
      if (v.protocol === 'dlms') out.dlms.push(v.view);
      else if (v.protocol === 'sml') out.sml.push(v.view);
      else out.d0.push(v.view);
    }
  }
  return { ok: true, value: out };
}

/** The profiles of a meter entry; meters of protocols without profiles (dsmr, mbus) may name none. */
export function meterProfilesFor(m: MeterConfig): ProfilesResult<MeterProfiles> {
  if (!m.profiles || m.profiles.length === 0) return { ok: true, value: { dlms: [], sml: [], d0: [] } };
  if (m.protocol !== 'auto' && !(PROFILE_PROTOCOLS as readonly string[]).includes(m.protocol)) {
    return { ok: false, error: `profiles: meter profiles exist for protocols ${PROFILE_PROTOCOLS.join(', ')} (or auto), not ${m.protocol}` };
  }
  return loadMeterProfiles(m.profiles, m.protocol);
}

/** DLMS profiles only (`loadMeterProfiles(entries, 'dlms').dlms`), for callers that know the meter is DLMS. */
export function loadDlmsProfiles(entries: readonly string[]): ProfilesResult<DlmsProfile[]> {
  const r = loadMeterProfiles(entries, 'dlms');
  return r.ok ? { ok: true, value: [...r.value.dlms] } : r;
}

/**
 * The DLMS profiles of a meter entry, for a caller that hands only DLMS profiles to the decoder:
 * an SML or D0 profile is refused by name instead of being dropped (use `meterProfilesFor`).
 */
export function dlmsProfilesFor(m: MeterConfig): ProfilesResult<DlmsProfile[]> {
  const r = meterProfilesFor(m);
  if (!r.ok) return r;
  const other = r.value.sml[0] ?? r.value.d0[0];
  if (other !== undefined)
    return { ok: false, error: `profiles: profile ${other.id} is not a DLMS profile, and this gateway passes only DLMS profiles to the decoder` };
  return { ok: true, value: [...r.value.dlms] };
}
