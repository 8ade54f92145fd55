import {
  bcdDigits,
  decodeTypeF,
  decodeTypeG,
  decodeTypeI,
  decodeTypeJ,
  formatMbusDateTime,
  hexMsbFirst,
  readBcd,
  readReal32LE,
  readSignedLE,
  readUnsignedLE,
  reversedText,
} from './data-coding';
import { decodeManufacturer } from './header';
import type { RecordCoding } from './records';
import type { ValueInformationBlock } from './vib';

/** A record's value as its data bytes give it, before the VIF scaling. */
export interface Decoded {
  readonly value: number | string | null;
  readonly rawValue?: number;
  readonly error?: string;
  readonly numeric: boolean;
}

function decodeDate(bytes: Uint8Array): Decoded {
  const t = bytes.length === 2 ? decodeTypeG(bytes) : bytes.length === 4 ? decodeTypeF(bytes) : bytes.length === 6 ? decodeTypeI(bytes) : undefined;
  if (bytes.length === 3) {
    const j = decodeTypeJ(bytes);
    return j === undefined ? { value: null, error: 'invalid time', numeric: false } : { value: j, numeric: false };
  }
  if (t === undefined)
    return {
      value: null,
      error: bytes.length === 2 || bytes.length === 4 || bytes.length === 6 ? 'invalid date' : 'no date type of this length',
      numeric: false,
    };
  return { value: formatMbusDateTime(t), numeric: false };
}

/** Reads the value bytes as the DIF coding and the VIF value type say. */
export function decodeValue(coding: RecordCoding, bytes: Uint8Array, vib: ValueInformationBlock): Decoded {
  const valueType = vib.valueIs?.kind === 'date' ? 'date' : vib.valueIs?.kind === 'duration' ? 'number' : vib.definition.valueType;
  switch (coding) {
    case 'none':
    case 'selection':
      return { value: null, numeric: false };
    case 'lvar-text':
      // Meters pad text fields with spaces; the raw bytes stay in `raw`.
      return { value: reversedText(bytes).trim(), numeric: false };
    case 'lvar-binary':
      return { value: hexMsbFirst(bytes), numeric: false };
    case 'bcd':
    case 'lvar-bcd':
    case 'lvar-negative-bcd': {
      const v = readBcd(bytes);
      if (valueType === 'identifier') return { value: bcdDigits(bytes), numeric: false };
      if (valueType === 'text') return { value: v === undefined ? bcdDigits(bytes) : String(v), numeric: false };
      if (v === undefined) return { value: null, error: 'invalid BCD digits', numeric: true };
      const signed = coding === 'lvar-negative-bcd' ? -v : v;
      return { value: signed, rawValue: signed, numeric: true };
    }
    case 'int': {
      if (valueType === 'date') return decodeDate(bytes);
      if (valueType === 'identifier' || valueType === 'text') return { value: String(readUnsignedLE(bytes)), numeric: false };
      if (valueType === 'manufacturer' && bytes.length === 2) return { value: decodeManufacturer(readUnsignedLE(bytes)), numeric: false };
      const v = readSignedLE(bytes);
      return { value: v, rawValue: v, numeric: true };
    }
    case 'real': {
      const v = readReal32LE(bytes);
      return Number.isFinite(v) ? { value: v, rawValue: v, numeric: true } : { value: null, error: 'not a finite number', numeric: true };
    }
  }
}
