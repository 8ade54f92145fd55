import { optional, type Quantity, type Unit } from '@smi/model';
import { bytesToHex, fail, ok, scaleDecimal, type Result } from '../common';
import {
  bcdDigits,
  decodeTypeF,
  decodeTypeG,
  decodeTypeI,
  decodeTypeJ,
  formatMbusDateTime,
  hexMsbFirst,
  lvarLength,
  readBcd,
  readReal32LE,
  readSignedLE,
  readUnsignedLE,
  reversedText,
  type LvarKind,
} from './data-coding';
import {
  DIF_GLOBAL_READOUT,
  DIF_IDLE_FILLER,
  DIF_MANUFACTURER_DATA,
  DIF_MORE_RECORDS_FOLLOW,
  parseDib,
  type DataCoding,
  type DataInformationBlock,
  type RecordPlace,
} from './dif';
import { decodeManufacturer } from './header';
import { parseVib, type Qualifier, type ValueInformationBlock } from './vib';

/** How the value bytes were coded (DIF data field, LVAR kind for variable length). */
export type RecordCoding = Exclude<DataCoding, 'lvar' | 'special'> | `lvar-${LvarKind}`;

/** One decoded data record (DIB + VIB + data) with its typed, scaled value. */
export interface MbusDataRecord extends RecordPlace {
  readonly type: 'data';
  /** Offset of the DIF within the user data (after the CI field). */
  readonly offset: number;
  readonly dif: number;
  readonly difes: readonly number[];
  readonly vib: ValueInformationBlock;
  readonly coding: RecordCoding;
  /** Identifier-safe key of what is measured, with VIFE qualifiers (`energy_forward`), no storage/tariff. */
  readonly key: string;
  /** Description (`Flow temperature`, `Volume flow, forward`). */
  readonly name: string;
  /**
   * Model quantity of the value as the VIB states it (`timestamp` for date VIFEs, `duration` for
   * duration VIFEs); generic `energy`/`volume` are narrowed by the medium when readings are built.
   */
  readonly quantity: Quantity;
  /** `false`: announced disabled (manufacturer specific, any VIF, reserved codes). */
  readonly enabledByDefault?: false;
  /** Number in `unit`/`meterUnit`, text, ISO date (-time), or null (no data, invalid BCD/date). */
  readonly value: number | string | null;
  readonly unit?: Unit;
  readonly meterUnit?: string;
  /** The number as sent, before VIF scaling. */
  readonly rawValue?: number;
  /** Data bytes in wire order, hex. */
  readonly raw: string;
  readonly qualifiers: readonly Qualifier[];
  /** Record errors reported through VIFEs, and values that could not be read. */
  readonly errors: readonly string[];
}

/** DIF 0F / 1F: manufacturer-specific data up to the end of the user data. */
export interface MbusManufacturerRecord {
  readonly type: 'manufacturer-data';
  readonly offset: number;
  readonly dif: number;
  readonly data: Uint8Array;
  /** DIF 1F: the slave has more records; send REQ_UD2 again. */
  readonly moreRecordsFollow: boolean;
}

export type MbusRecord = MbusDataRecord | MbusManufacturerRecord;

export interface RecordList {
  readonly records: readonly MbusRecord[];
  readonly moreRecordsFollow: boolean;
}

const LAYER = 'mbus-record';

interface Decoded {
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
function decodeValue(coding: RecordCoding, bytes: Uint8Array, vib: ValueInformationBlock): Decoded {
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

function joinName(base: string, qualifiers: readonly Qualifier[]): string {
  return qualifiers.length === 0 ? base : `${base}, ${qualifiers.map((q) => q.name).join(', ')}`;
}

function buildRecord(
  offset: number,
  d: DataInformationBlock,
  vib: ValueInformationBlock,
  coding: RecordCoding,
  bytes: Uint8Array,
  raw: string,
): MbusDataRecord {
  const def = vib.definition;
  const decoded = decodeValue(coding, bytes, vib);
  const qualifiers = [...vib.qualifiers];
  let key = [def.key, ...qualifiers.map((q) => q.key)].join('_');
  let name = joinName(def.name, qualifiers);
  let quantity = def.quantity;
  let unitInfo: { unit?: Unit; meterUnit?: string } = {};
  let value = decoded.value;
  if (vib.valueIs?.kind === 'date') {
    key = `${key}_${vib.valueIs.key}`;
    name = `${name}, ${vib.valueIs.name}`;
    quantity = 'timestamp';
  } else if (vib.valueIs?.kind === 'duration') {
    key = `${key}_${vib.valueIs.key}`;
    name = `${name}, ${vib.valueIs.name}`;
    quantity = 'duration';
    unitInfo = { unit: vib.valueIs.unit as Unit };
  } else if (decoded.numeric) {
    if (def.unit !== undefined) unitInfo = { unit: def.unit };
    else if (def.meterUnit !== undefined) unitInfo = { meterUnit: def.meterUnit };
    if (typeof value === 'number') {
      let v = scaleDecimal(value, def.exponent + vib.scaleExponent);
      for (const e of vib.offsetExponents) v += 10 ** e;
      value = def.factor === 1 ? v : v * def.factor;
    }
  }
  const errors = [...vib.errors, ...(decoded.error ? [decoded.error] : [])];
  return {
    type: 'data',
    offset,
    dif: d.dif,
    difes: d.difes,
    vib,
    function: d.function,
    storage: d.storage,
    tariff: d.tariff,
    subunit: d.subunit,
    coding,
    key,
    name,
    quantity,
    ...optional('enabledByDefault', def.enabledByDefault),
    value,
    ...unitInfo,
    ...optional('rawValue', decoded.rawValue),
    raw,
    qualifiers,
    errors,
  };
}

/**
 * Walks the data records from `start` to `end` of the user data: skips fillers (2F), stops at
 * manufacturer data (0F/1F), rejects reserved special functions, checks every length.
 * `msbFirst` (CI 76) reverses fixed-length numeric fields before reading them (unverified: no fixture).
 */
export function parseRecords(data: Uint8Array, start: number, end = data.length, msbFirst = false): Result<RecordList> {
  const records: MbusRecord[] = [];
  let i = start;
  while (i < end) {
    const dif = data[i] as number;
    if (dif === DIF_IDLE_FILLER || dif === DIF_GLOBAL_READOUT) {
      i++;
      continue;
    }
    if (dif === DIF_MANUFACTURER_DATA || dif === DIF_MORE_RECORDS_FOLLOW) {
      const more = dif === DIF_MORE_RECORDS_FOLLOW;
      records.push({ type: 'manufacturer-data', offset: i, dif, data: data.slice(i + 1, end), moreRecordsFollow: more });
      return ok({ records, moreRecordsFollow: more });
    }
    if ((dif & 0x0f) === 0x0f) return fail('bad-format', LAYER, `reserved special function DIF 0x${dif.toString(16)}`, i);
    const dib = parseDib(data, i);
    if (!dib.ok) return dib;
    if (dib.value.end >= end) return fail('truncated', LAYER, 'record ends before its VIF', dib.value.end);
    const vib = parseVib(data, dib.value.end, end);
    if (!vib.ok) return vib;
    let p = vib.value.end;
    let length = dib.value.field.length;
    let coding: RecordCoding;
    const fieldCoding = dib.value.field.coding;
    if (fieldCoding === 'lvar') {
      const lvar = data[p];
      if (lvar === undefined || p >= end) return fail('truncated', LAYER, 'record ends before its LVAR byte', p);
      const l = lvarLength(lvar);
      if (!l) return fail('bad-format', LAYER, `reserved LVAR 0x${lvar.toString(16)}`, p);
      length = l.length;
      coding = `lvar-${l.kind}`;
      p++;
    } else if (fieldCoding === 'special') {
      return fail('bad-format', LAYER, 'special function DIF with extensions', i);
    } else {
      coding = fieldCoding;
    }
    if (p + length > end) return fail('truncated', LAYER, `record needs ${length} data bytes`, p);
    const bytes = data.slice(p, p + length);
    const raw = bytesToHex(bytes);
    if (msbFirst && (coding === 'int' || coding === 'real' || coding === 'bcd')) bytes.reverse();
    records.push(buildRecord(i, dib.value, vib.value, coding, bytes, raw));
    i = p + length;
  }
  return ok({ records, moreRecordsFollow: false });
}
