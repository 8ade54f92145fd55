import type { D0MeterProfile } from '../common/profile';
import type { Identification } from './identification';

/**
 * D0 meters that are no electricity meters, recognised by their identification. Their short
 * codes (`6.8`, `6.26`) take the medium's OBIS value group A instead of 1, so a heat meter's
 * energy is `6-0:6.8.0` and not the electricity code `1-0:6.8.0` (reactive energy Q2).
 * The built-ins are `iec62056-21` meter profiles in the one profile shape (common/profile.ts);
 * the decoder reads their `toD0Profile` views.
 */
export const BUILTIN_D0_METER_PROFILES: readonly D0MeterProfile[] = [
  {
    id: 'siemens-2wr5-heat',
    description: 'Siemens 2WR5 heat meter (`/SIE32WR5`): short codes are heat-meter codes (6.8 heat energy, 6.26 volume)',
    protocol: 'iec62056-21',
    match: { manufacturerId: 'SIE', identification: '^2WR' },
    provenance: ['Apollon77/smartmeter-obis tests read it with obisFallbackMedium 6; fixtures/d0/smartmeter-obis-siemens-2wr5*.txt'],
    d0: { valueGroupA: 6 },
  },
  {
    id: 'landis-gyr-uh50-heat',
    description: 'Landis+Gyr Ultraheat UH50 heat meter (`/LUGCUH50`): 6.8 is the quantity of heat, 6.26 the volume',
    protocol: 'iec62056-21',
    match: { manufacturerId: 'LUG', identification: '^UH50' },
    provenance: ['ESPHome `landisgyr` component and ESPEasy plugin P221 (read its 6.8 as heat, 6.26 as volume); no fixture'],
    d0: { valueGroupA: 6 },
  },
];

/** What the decoder matches with: the view of an `iec62056-21` meter profile. */
export interface D0Profile {
  readonly id: string;
  /** FLAG manufacturer id, compared case-sensitively as sent (the case of the third letter means something in D0). */
  readonly manufacturerId: string;
  /** Tested on the identification text after the baud character (and escape). */
  readonly identification: RegExp;
  /** OBIS value group A of the medium (constants.ts `MEDIUM_BY_A`: 6 = heat). */
  readonly valueGroupA: number;
}

/**
 * The decoder's view of a D0 meter profile, the identification pattern compiled once. A validated
 * profile always has a manufacturer id and an identification pattern (parseMeterProfile requires
 * both); without a manufacturer id the view matches no meter, without a pattern any identification.
 */
export function toD0Profile(p: D0MeterProfile): D0Profile {
  return {
    id: p.id,
    manufacturerId: p.match.manufacturerId ?? '',
    identification: new RegExp(p.match.identification ?? ''),
    valueGroupA: p.d0.valueGroupA,
  };
}

/** The built-in profiles as views, made once. */
export const BUILTIN_D0_PROFILES: readonly D0Profile[] = BUILTIN_D0_METER_PROFILES.map(toD0Profile);

/**
 * OBIS value group A for the short codes of the meter this identification names, from the first
 * matching profile (`profiles`, the built-ins by default); undefined: electricity (1).
 */
export function mediumOfIdentification(id: Identification, profiles: readonly D0Profile[] = BUILTIN_D0_PROFILES): number | undefined {
  for (const p of profiles) if (p.manufacturerId === id.manufacturerId && p.identification.test(id.ident)) return p.valueGroupA;
  return undefined;
}
