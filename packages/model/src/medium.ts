/** What a (sub-)meter measures. DSMR channel device types and M-Bus use the EN 13757-3 medium codes. */
export const MEDIUM_NAMES = [
  'other',
  'oil',
  'electricity',
  'gas',
  'heat',
  'steam',
  'warm_water',
  'water',
  'heat_cost_allocator',
  'compressed_air',
  'cooling',
  'hot_water',
  'cold_water',
  'unknown',
] as const;
export type Medium = (typeof MEDIUM_NAMES)[number];

/** EN 13757-3 medium (device type) byte → medium. */
const MEDIA: Readonly<Record<number, Medium>> = {
  0x00: 'other',
  0x01: 'oil',
  0x02: 'electricity',
  0x03: 'gas',
  0x04: 'heat',
  0x05: 'steam',
  0x06: 'warm_water',
  0x07: 'water',
  0x08: 'heat_cost_allocator',
  0x09: 'compressed_air',
  0x0a: 'cooling',
  0x0b: 'cooling',
  0x0c: 'heat',
  0x0d: 'heat',
  0x15: 'hot_water',
  0x16: 'cold_water',
};

export function mediumFromCode(code: number): Medium {
  return MEDIA[code] ?? 'unknown';
}
