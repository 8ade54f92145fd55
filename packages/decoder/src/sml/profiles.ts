/**
 * Meter quirks as data (architecture rule 4, protocol-notes §3.5). A quirk switches on for one
 * meter, by its identity (FLAG id, server id, serial range, configured model) or by configuration
 * of the decoder that reads that meter — never for every meter.
 */

import type { SmlMeterProfileData } from '../common/profile';

/** Known ways a meter gets the sign of its power wrong, and how to undo them. */
export type PowerSignFix = 'dzg-int16-unsigned';

/**
 * `dzg-int16-unsigned`: DZG DVS74 firmware before 1.2 tags 16.7.0 as Integer but writes 8/16-bit
 * values as unsigned magnitudes (`53 8B 28` sent for +356.24 W). Longer widths are real negatives
 * (`55 FF FE 13 93` = −1260.61 W). Sources: libsml `sml_shared.h` comment, issue #59, PR #66.
 */
export const POWER_SIGN_FIXES: Readonly<Record<PowerSignFix, { readonly obis: readonly string[]; readonly widths: readonly number[] }>> = {
  'dzg-int16-unsigned': { obis: ['1-0:16.7.0'], widths: [1, 2] },
};

/** CRC variants some meters use instead of CRC-16/X.25. */
export type SmlCrcVariant = 'kermit';

export interface SmlQuirks {
  /** Reinterpret mis-signed power values (`none` switches a profile's fix off). */
  readonly powerSignFix?: PowerSignFix | 'none';
  /**
   * Accept messages whose CRC is wrong when the file CRC holds (the file CRC still protects the
   * bytes). Never applies to a file whose own CRC fails.
   */
  readonly ignoreMessageCrc?: boolean;
  /** Also accept this CRC (either byte order) for message and file CRCs (`none`: X.25 only). */
  readonly alternativeCrc?: SmlCrcVariant | 'none';
}

export interface SmlProfileMatch {
  /** FLAG id from the server id (`DZG`), case-insensitive. */
  readonly manufacturer: string;
  /** Hex prefix of the server id (`0A01445A4700`), case-insensitive, spaces ignored. */
  readonly serverIdPrefix?: string;
  /** Inclusive ranges of the decimal serial number inside a 10-byte server id. */
  readonly serialRanges?: readonly (readonly [from: number, to: number])[];
  /**
   * Model prefix, compared case-insensitively with the model configured for the meter (SML does
   * not send a model); the profile does not match when no model is configured.
   */
  readonly model?: string;
}

/** What the decoder matches with: the view of an `sml` meter profile (`toSmlProfile`). */
export interface SmlMeterProfile {
  /** Stable id; a user profile with a built-in's id replaces it. */
  readonly id: string;
  readonly description?: string;
  readonly match: SmlProfileMatch;
  readonly quirks: SmlQuirks;
  /** Model name the match implies, reported in the snapshot when no model is configured. */
  readonly model?: string;
}

const LIBSML_DZG = 'volkszaehler/libsml sml_shared.h comment, issue #59, PR #66; devZer0/libsml-testing PR #16 (53 8B 28 sent for +356.24 W)';

/**
 * The built-in SML profiles in the one profile shape (common/profile.ts), plain data. The decoder
 * reads their `toSmlProfile` views (`BUILTIN_SML_PROFILES`).
 */
export const BUILTIN_SML_METER_PROFILES: readonly SmlMeterProfileData[] = [
  {
    id: 'dzg-dvs74-sign',
    description:
      'DZG DVS74 before firmware 1.2 writes 16.7.0 as unsigned magnitude in Integer8/16. DZG: only DVS74 with serial < 60000000 is affected; 42000000–48999999 and 55000000–58999999 are DVS74 ranges (libsml PR #106, #136).',
    protocol: 'sml',
    match: { manufacturerId: 'DZG' },
    meter: { model: 'DVS74' },
    provenance: [LIBSML_DZG, 'volkszaehler/libsml PR #106, #136 (DVS74 serial ranges)', 'volkszaehler/vzlogger PR #606 (DVS7412.2, serial 42082910)'],
    sml: {
      match: {
        serialRanges: [
          [42_000_000, 48_999_999],
          [55_000_000, 58_999_999],
        ],
      },
      quirks: { powerSignFix: 'dzg-int16-unsigned' },
    },
  },
  {
    id: 'dzg-dvs74-sign-configured',
    description: 'A meter configured as DVS74 with a serial number below 60000000 (libsml PR #106).',
    protocol: 'sml',
    match: { manufacturerId: 'DZG', model: 'DVS74' },
    provenance: [LIBSML_DZG, 'volkszaehler/libsml PR #106 (only DVS74 below serial 60000000)'],
    sml: { match: { serialRanges: [[0, 59_999_999]] }, quirks: { powerSignFix: 'dzg-int16-unsigned' } },
  },
  {
    id: 'holley-kermit-crc',
    description: 'Holley DTZ541 computes its CRCs as CRC-16/KERMIT (libsml issue #75; open-sml accepts it). Unverified on a fixture.',
    protocol: 'sml',
    match: { manufacturerId: 'HLY' },
    provenance: ['volkszaehler/libsml issue #75 (Holley DTZ541 CRC-16/KERMIT); open-sml accepts it; no fixture'],
    sml: { quirks: { alternativeCrc: 'kermit' } },
  },
];

/**
 * The decoder's view of an `sml` meter profile: the common `match.manufacturerId` and `model` and
 * the SML criteria in one `match`, `meter.model` as `model`. A validated profile always has a
 * manufacturer id (parseMeterProfile requires it); without one the view matches no meter.
 */
export function toSmlProfile(p: SmlMeterProfileData): SmlMeterProfile {
  const m = p.sml.match;
  const match: SmlProfileMatch = {
    manufacturer: p.match.manufacturerId ?? '',
    ...(m?.serverIdPrefix === undefined ? {} : { serverIdPrefix: m.serverIdPrefix }),
    ...(m?.serialRanges === undefined ? {} : { serialRanges: m.serialRanges }),
    ...(p.match.model === undefined ? {} : { model: p.match.model }),
  };
  return {
    id: p.id,
    ...(p.description === undefined ? {} : { description: p.description }),
    match,
    quirks: p.sml.quirks,
    ...(p.meter?.model === undefined ? {} : { model: p.meter.model }),
  };
}

/** What the decoder reads: the built-in profiles as `SmlMeterProfile` views, made once (stable objects). */
export const BUILTIN_SML_PROFILES: readonly SmlMeterProfile[] = BUILTIN_SML_METER_PROFILES.map(toSmlProfile);

/** Who the meter is, as far as matching profiles goes. */
export interface SmlMeterIdentity {
  readonly serverIdHex: string;
  readonly manufacturerId?: string;
  readonly serial?: number;
  /** Model configured by the user. */
  readonly model?: string;
}

export function profileMatches(profile: SmlMeterProfile, id: SmlMeterIdentity): boolean {
  const m = profile.match;
  if (id.manufacturerId === undefined || id.manufacturerId.toUpperCase() !== m.manufacturer.toUpperCase()) return false;
  if (m.serverIdPrefix !== undefined && !id.serverIdHex.startsWith(m.serverIdPrefix.replace(/\s+/g, '').toUpperCase())) return false;
  if (m.serialRanges !== undefined) {
    const s = id.serial;
    if (s === undefined || !m.serialRanges.some(([from, to]) => s >= from && s <= to)) return false;
  }
  if (m.model !== undefined && (id.model === undefined || !id.model.toUpperCase().startsWith(m.model.toUpperCase()))) return false;
  return true;
}

/** User profiles first, then the built-ins they do not replace (by id). */
export function mergeProfiles(user: readonly SmlMeterProfile[] = [], builtins: readonly SmlMeterProfile[] = BUILTIN_SML_PROFILES): readonly SmlMeterProfile[] {
  if (user.length === 0) return builtins;
  const ids = new Set(user.map((p) => p.id));
  return [...user, ...builtins.filter((p) => !ids.has(p.id))];
}

export interface ResolvedQuirks {
  readonly quirks: SmlQuirks;
  /** The profile that matched, if any. */
  readonly profile?: SmlMeterProfile;
}

/** First matching profile's quirks, overridden field by field by the configured ones. */
export function resolveQuirks(profiles: readonly SmlMeterProfile[], id: SmlMeterIdentity, configured: SmlQuirks = {}): ResolvedQuirks {
  const profile = profiles.find((p) => profileMatches(p, id));
  const quirks = profile === undefined ? configured : { ...profile.quirks, ...configured };
  return profile === undefined ? { quirks } : { quirks, profile };
}
