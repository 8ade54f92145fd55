import { manufacturerName, type Medium } from '@smi/model';
import { bytesToHex } from '../common';

/**
 * What the SML server id (meter address) tells, protocol-notes §3.4. Layouts seen on meters:
 * - `0A 01 'ISK' 00 0516465C`, `09 01 'EMH' 00 0041F045`: id type, medium (`01` electricity),
 *   FLAG id, fabrication block, 4-byte serial (DIN 43863-5 style, partly unverified);
 * - `06 'HAG' 01 04C537527B`: older Hager layout without the medium byte.
 * The hex string is the stable identity; the decoded parts are hints.
 */
export interface SmlServerIdInfo {
  /** Upper-case hex of the server id: the stable meter id. */
  readonly hex: string;
  /** Three-letter FLAG manufacturer id as sent. */
  readonly manufacturerId?: string;
  readonly manufacturer?: string;
  readonly medium?: Medium;
  /** Serial number (4 bytes after the fabrication block, as a decimal number) for the 10-byte layout. */
  readonly serial?: number;
  /** Printed form (`1ISK0085345884`: medium digit, FLAG, fabrication block, 8-digit serial). */
  readonly text?: string;
}

/** DIN 43863-5 / OBIS "A" medium digit at byte 1 of the 10-byte layout. */
const MEDIA: Readonly<Record<number, Medium>> = {
  1: 'electricity',
  4: 'heat_cost_allocator',
  5: 'cooling',
  6: 'heat',
  7: 'gas',
  8: 'cold_water',
  9: 'hot_water',
};

function isLetter(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

function flagAt(id: Uint8Array, i: number): string | undefined {
  if (!isLetter(id[i]) || !isLetter(id[i + 1]) || !isLetter(id[i + 2])) return undefined;
  return String.fromCharCode(id[i] as number, id[i + 1] as number, id[i + 2] as number);
}

export function describeServerId(id: Uint8Array): SmlServerIdInfo {
  const hex = bytesToHex(id);
  // 10-byte layout: type, medium, FLAG, fabrication block, 4-byte serial.
  const medium = id[1];
  const flag10 = id.length >= 5 && medium !== undefined && medium <= 9 ? flagAt(id, 2) : undefined;
  if (flag10 !== undefined) {
    const serial = id.length === 10 ? new DataView(id.buffer, id.byteOffset + 6, 4).getUint32(0) : undefined;
    const fab = id[5];
    const name = manufacturerName(flag10);
    const m = MEDIA[medium as number];
    return {
      hex,
      manufacturerId: flag10,
      ...(name !== undefined && { manufacturer: name }),
      ...(m !== undefined && { medium: m }),
      ...(serial !== undefined && { serial }),
      ...(serial !== undefined && fab !== undefined && { text: `${medium}${flag10}${String(fab).padStart(2, '0')}${String(serial).padStart(8, '0')}` }),
    };
  }
  // Older layout: type, FLAG, …
  const flag = flagAt(id, 1);
  if (flag !== undefined) {
    const name = manufacturerName(flag);
    return { hex, manufacturerId: flag, ...(name !== undefined && { manufacturer: name }) };
  }
  return { hex };
}
