import type { Identification } from './identification';

/**
 * D0 meters that are no electricity meters, recognised by their identification. Their short
 * codes (`6.8`, `6.26`) take the medium's OBIS value group A instead of 1, so a heat meter's
 * energy is `6-0:6.8.0` and not the electricity code `1-0:6.8.0` (reactive energy Q2).
 */
interface MeterProfile {
  /** FLAG manufacturer id, compared case-sensitively as sent. */
  readonly manufacturerId: string;
  /** Matched against the identification text after the baud character (and escape). */
  readonly model: RegExp;
  /** OBIS value group A of the medium (constants.ts `MEDIUM_BY_A`: 6 = heat). */
  readonly a: number;
}

const PROFILES: readonly MeterProfile[] = [
  // Siemens 2WR5 heat meter: `/SIE32WR5` (fixtures/d0/smartmeter-obis-siemens-2wr5*.txt; the
  // smartmeter-obis tests read it with obisFallbackMedium 6).
  { manufacturerId: 'SIE', model: /^2WR/, a: 6 },
  // Landis+Gyr Ultraheat UH50 heat meter: `/LUGCUH50` (ESPHome `landisgyr` component and
  // ESPEasy plugin P221, which read its `6.8` as quantity of heat and `6.26` as volume).
  { manufacturerId: 'LUG', model: /^UH50/, a: 6 },
];

/** OBIS value group A for the short codes of the meter this identification names; undefined: electricity (1). */
export function mediumOfIdentification(id: Identification): number | undefined {
  for (const p of PROFILES) if (p.manufacturerId === id.manufacturerId && p.model.test(id.ident)) return p.a;
  return undefined;
}
