import { readFileSync } from 'node:fs';
import { BUILTIN_DLMS_PROFILES, builtinDlmsProfile, parseDlmsProfile, type DlmsProfile } from '@smi/decoder';
import type { MeterConfig } from './config/schema';

export type ProfilesResult = { ok: true; value: DlmsProfile[] } | { ok: false; error: string };

/**
 * The DLMS profiles a meter entry names (`meters[].profiles`), in order: a built-in id
 * (`lg-e570-cii`) or a JSON file holding one profile or a list of them. Errors name the entry and
 * the field (`profiles.0 (my.json): positions[2].obis: …`).
 */
export function loadDlmsProfiles(entries: readonly string[]): ProfilesResult {
  const out: DlmsProfile[] = [];
  for (const [i, entry] of entries.entries()) {
    const builtin = builtinDlmsProfile(entry);
    if (builtin) {
      out.push(builtin);
      continue;
    }
    const where = `profiles.${i} (${entry})`;
    if (!/[/\\]/.test(entry) && !entry.toLowerCase().endsWith('.json')) {
      return { ok: false, error: `${where}: neither a built-in profile (${BUILTIN_DLMS_PROFILES.map((p) => p.id).join(', ')}) nor a .json file` };
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(entry, 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { ok: false, error: `${where}: ${err.code ? `cannot read the file (${err.code})` : `not JSON: ${err.message}`}` };
    }
    for (const [k, item] of (Array.isArray(json) ? json : [json]).entries()) {
      const p = parseDlmsProfile(item);
      if (!p.ok) return { ok: false, error: `${where}${Array.isArray(json) ? `[${k}]` : ''}: ${p.error.message}` };
      out.push(p.value);
    }
  }
  return { ok: true, value: out };
}

/** The profiles of a meter entry; only DLMS (or auto-detected) meters use them. */
export function dlmsProfilesFor(m: MeterConfig): ProfilesResult {
  if (!m.profiles || m.profiles.length === 0) return { ok: true, value: [] };
  if (m.protocol !== 'dlms' && m.protocol !== 'auto') return { ok: false, error: `profiles: DLMS meter profiles apply to protocol dlms (or auto), not ${m.protocol}` };
  return loadDlmsProfiles(m.profiles);
}
