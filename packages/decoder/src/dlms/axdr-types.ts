/** A-XDR Data types (IEC 62056-6-2 / Blue Book `Data` CHOICE), by tag. */
export const AXDR_TAGS = {
  0x00: 'null-data',
  0x01: 'array',
  0x02: 'structure',
  0x03: 'boolean',
  0x04: 'bit-string',
  0x05: 'double-long',
  0x06: 'double-long-unsigned',
  0x09: 'octet-string',
  0x0a: 'visible-string',
  0x0c: 'utf8-string',
  0x0d: 'bcd',
  0x0f: 'integer',
  0x10: 'long',
  0x11: 'unsigned',
  0x12: 'long-unsigned',
  0x13: 'compact-array',
  0x14: 'long64',
  0x15: 'long64-unsigned',
  0x16: 'enum',
  0x17: 'float32',
  0x18: 'float64',
  0x19: 'date-time',
  0x1a: 'date',
  0x1b: 'time',
} as const;

export type AxdrTag = keyof typeof AXDR_TAGS;
export type AxdrTypeName = (typeof AXDR_TAGS)[AxdrTag];

/** Types whose value is a JavaScript number. */
export type NumberTypeName =
  'integer' | 'long' | 'double-long' | 'unsigned' | 'long-unsigned' | 'double-long-unsigned' | 'enum' | 'bcd' | 'float32' | 'float64';

/** One decoded A-XDR value. Byte values are copies the caller may keep. */
export type DlmsData =
  | { readonly type: 'null-data' }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bit-string'; readonly bits: number; readonly value: Uint8Array }
  | { readonly type: NumberTypeName; readonly value: number }
  | { readonly type: 'long64' | 'long64-unsigned'; readonly value: bigint }
  | { readonly type: 'octet-string'; readonly value: Uint8Array }
  | { readonly type: 'visible-string' | 'utf8-string'; readonly value: string }
  /** COSEM date-time (12 bytes), date (5) or time (4) as sent; see `decodeCosemDateTime`. */
  | { readonly type: 'date-time' | 'date' | 'time'; readonly value: Uint8Array }
  | { readonly type: 'array' | 'structure' | 'compact-array'; readonly items: readonly DlmsData[] };

/** Numeric value of a data item (integers, enums, floats, 64-bit values as numbers), else undefined. */
export function dlmsNumber(d: DlmsData): number | undefined {
  switch (d.type) {
    case 'integer':
    case 'long':
    case 'double-long':
    case 'unsigned':
    case 'long-unsigned':
    case 'double-long-unsigned':
    case 'enum':
    case 'bcd':
    case 'float32':
    case 'float64':
      return d.value;
    case 'long64':
    case 'long64-unsigned':
      return Number(d.value);
    case 'null-data':
    case 'boolean':
    case 'bit-string':
    case 'octet-string':
    case 'visible-string':
    case 'utf8-string':
    case 'date-time':
    case 'date':
    case 'time':
    case 'array':
    case 'structure':
    case 'compact-array':
      return undefined;
  }
}
