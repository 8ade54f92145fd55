import type { Quantity, Unit } from '@smi/model';
import { bytesToHex, fail, ok, scaleDecimal, type Result } from '../common';
import { lvarLength, readBcdAt, readIntLE, type LvarKind } from './data-coding';
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
import { decodeValue } from './record-values';
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

function joinName(base: string, qualifiers: readonly Qualifier[]): string {
  return qualifiers.length === 0 ? base : `${base}, ${qualifiers.map((q) => q.name).join(', ')}`;
}

/** What a record's DIB, VIB and coding decide, the same for every value (computed once per record shape). */
export interface RecordStatic {
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  readonly unit?: Unit;
  readonly meterUnit?: string;
  /** The value is scaled by the VIF (numeric, not a date or duration). */
  readonly scaled: boolean;
  /** A copy per static: reading templates are keyed by its identity. */
  readonly qualifiers: readonly Qualifier[];
  /** The VIB's errors (a record with a value error gets its own array). */
  readonly errors: readonly string[];
}

export function recordStatic(vib: ValueInformationBlock, numeric: boolean): RecordStatic {
  const def = vib.definition;
  const qualifiers = [...vib.qualifiers];
  const key = [def.key, ...qualifiers.map((q) => q.key)].join('_');
  const name = joinName(def.name, qualifiers);
  const errors = [...vib.errors];
  const valueIs = vib.valueIs;
  if (valueIs?.kind === 'date')
    return { key: `${key}_${valueIs.key}`, name: `${name}, ${valueIs.name}`, quantity: 'timestamp', scaled: false, qualifiers, errors };
  if (valueIs?.kind === 'duration') {
    return {
      key: `${key}_${valueIs.key}`,
      name: `${name}, ${valueIs.name}`,
      quantity: 'duration',
      unit: valueIs.unit as Unit,
      scaled: false,
      qualifiers,
      errors,
    };
  }
  if (!numeric) return { key, name, quantity: def.quantity, scaled: false, qualifiers, errors };
  if (def.unit !== undefined) return { key, name, quantity: def.quantity, unit: def.unit, scaled: true, qualifiers, errors };
  if (def.meterUnit !== undefined) return { key, name, quantity: def.quantity, meterUnit: def.meterUnit, scaled: true, qualifiers, errors };
  return { key, name, quantity: def.quantity, scaled: true, qualifiers, errors };
}

/** The record object (fields in the same order for every record, optional ones only when set). */
function assembleRecord(
  offset: number,
  d: DataInformationBlock,
  vib: ValueInformationBlock,
  coding: RecordCoding,
  s: RecordStatic,
  decodedValue: number | string | null,
  rawValue: number | undefined,
  error: string | undefined,
  raw: string,
): MbusDataRecord {
  let value = decodedValue;
  if (s.scaled && typeof value === 'number') {
    const def = vib.definition;
    let v = scaleDecimal(value, def.exponent + vib.scaleExponent);
    for (const e of vib.offsetExponents) v += 10 ** e;
    value = def.factor === 1 ? v : v * def.factor;
  }
  const errors = error === undefined ? s.errors : [...s.errors, error];
  if (vib.definition.enabledByDefault !== false && rawValue !== undefined && s.unit !== undefined) {
    // The common record (a number in a model unit) in one literal: the same fields in the same order.
    const { dif, difes, storage, tariff, subunit } = d;
    const { key, name, quantity, unit, qualifiers } = s;
    return {
      type: 'data',
      offset,
      dif,
      difes,
      vib,
      function: d.function,
      storage,
      tariff,
      subunit,
      coding,
      key,
      name,
      quantity,
      value,
      unit,
      rawValue,
      raw,
      qualifiers,
      errors,
    };
  }
  const r: { -readonly [K in keyof MbusDataRecord]?: MbusDataRecord[K] } = {
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
    key: s.key,
    name: s.name,
    quantity: s.quantity,
  };
  if (vib.definition.enabledByDefault === false) r.enabledByDefault = false;
  r.value = value;
  if (s.unit !== undefined) r.unit = s.unit;
  else if (s.meterUnit !== undefined) r.meterUnit = s.meterUnit;
  if (rawValue !== undefined) r.rawValue = rawValue;
  r.raw = raw;
  r.qualifiers = s.qualifiers;
  r.errors = errors;
  return r as MbusDataRecord;
}

function buildRecord(
  offset: number,
  d: DataInformationBlock,
  vib: ValueInformationBlock,
  coding: RecordCoding,
  bytes: Uint8Array,
  raw: string,
): MbusDataRecord {
  const decoded = decodeValue(coding, bytes, vib);
  return assembleRecord(offset, d, vib, coding, recordStatic(vib, decoded.numeric), decoded.value, decoded.rawValue, decoded.error, raw);
}

/** A record layout seen before: its DIB, VIB and fixed-length coding, by its DIB+VIB bytes. */
interface RecordShape {
  readonly dib: DataInformationBlock;
  readonly vib: ValueInformationBlock;
  readonly coding: RecordCoding;
  readonly length: number;
  /** Bytes from the DIF to the data. */
  readonly header: number;
  /** A plain number read in place: 1 binary integer (≤ 6 bytes), 2 BCD; 0 through `decodeValue`. */
  readonly inPlace: 0 | 1 | 2;
  numeric?: RecordStatic;
  other?: RecordStatic;
  /** The last data bytes (as a number, up to 6 bytes) and what they decoded to: unchanged values are not decoded again. */
  last?: {
    readonly bytes: number;
    readonly s: RecordStatic;
    readonly value: number | string | null;
    readonly rawValue: number | undefined;
    readonly error: string | undefined;
    readonly raw: string;
    /** The record made from them (shared, as readings are): reused at the same offset. */
    record: MbusDataRecord;
  };
}

/**
 * Per-decoder memo of record shapes (a meter sends the same DIB/VIB layout in every frame): keyed
 * by the DIB+VIB bytes when they are at most 6 (no plain-text VIF), bounded.
 */
export interface MbusRecordCache {
  readonly shapes: Map<number, RecordShape>;
}

const MAX_SHAPES = 4096;

export function createMbusRecordCache(): MbusRecordCache {
  return { shapes: new Map() };
}

/**
 * The DIB+VIB bytes at `i` as a number with a marker bit above them (so the length is part of the
 * key, and 1–3 bytes stay a small integer), or -1 when not cacheable.
 */
function shapeKey(data: Uint8Array, i: number, end: number): number {
  let key = 0;
  let scale = 1;
  let q = i;
  for (let part = 0; part < 2; part++) {
    let more = true;
    let first = true;
    while (more) {
      if (q >= end || q - i >= 6) return -1;
      const b = data[q++] as number;
      if (part === 1 && first && (b & 0x7f) === 0x7c) return -1; // plain-text unit follows the VIF
      key += b * scale;
      scale *= 256;
      more = (b & 0x80) !== 0;
      first = false;
    }
  }
  return key + scale;
}

/**
 * Adds the record at `i` through the cache and returns the offset after it; -1 when the record
 * needs the full path (an error to report, LVAR, a plain-text unit, a long DIB/VIB).
 */
function cachedRecord(data: Uint8Array, i: number, end: number, cache: MbusRecordCache, records: MbusRecord[]): number {
  const key = shapeKey(data, i, end);
  if (key < 0) return -1;
  let shape = cache.shapes.get(key);
  if (shape === undefined) {
    const dib = parseDib(data, i);
    if (!dib.ok || dib.value.end >= end) return -1;
    const vib = parseVib(data, dib.value.end, end);
    const fieldCoding = dib.value.field.coding;
    if (!vib.ok || fieldCoding === 'lvar' || fieldCoding === 'special') return -1;
    if (cache.shapes.size >= MAX_SHAPES) cache.shapes.clear();
    const v = vib.value;
    const valueType = v.valueIs?.kind === 'date' ? 'date' : v.valueIs?.kind === 'duration' ? 'number' : v.definition.valueType;
    const length = dib.value.field.length;
    const inPlace = valueType !== 'number' ? 0 : fieldCoding === 'int' && length <= 6 ? 1 : fieldCoding === 'bcd' ? 2 : 0;
    shape = { dib: dib.value, vib: v, coding: fieldCoding, length, header: v.end - i, inPlace };
    cache.shapes.set(key, shape);
  }
  const p = i + shape.header;
  const n = shape.length;
  if (p + n > end) return -1;
  // The data bytes as a number (exact up to 6 bytes): a value the meter sent last time is not decoded again.
  let bytesKey = -1;
  if (n <= 6) {
    bytesKey = 0;
    for (let k = p + n - 1; k >= p; k--) bytesKey = bytesKey * 256 + (data[k] as number);
    const last = shape.last;
    if (last !== undefined && last.bytes === bytesKey) {
      if (last.record.offset !== i)
        last.record = assembleRecord(i, shape.dib, shape.vib, shape.coding, last.s, last.value, last.rawValue, last.error, last.raw);
      records.push(last.record);
      return p + n;
    }
  }
  const raw = bytesToHex(data, p, p + n);
  let s: RecordStatic | undefined;
  let value: number | string | null | undefined = shape.inPlace === 1 ? readIntLE(data, p, n) : shape.inPlace === 2 ? readBcdAt(data, p, n) : undefined;
  let rawValue: number | undefined;
  let error: string | undefined;
  if (value !== undefined) {
    s = shape.numeric ??= recordStatic(shape.vib, true);
    rawValue = value;
  } else {
    const decoded = decodeValue(shape.coding, data.subarray(p, p + n), shape.vib);
    s = decoded.numeric ? shape.numeric : shape.other;
    if (s === undefined) {
      s = recordStatic(shape.vib, decoded.numeric);
      if (decoded.numeric) shape.numeric = s;
      else shape.other = s;
    }
    ({ value, rawValue, error } = decoded);
  }
  const record = assembleRecord(i, shape.dib, shape.vib, shape.coding, s, value, rawValue, error, raw);
  if (bytesKey >= 0) shape.last = { bytes: bytesKey, s, value, rawValue, error, raw, record };
  records.push(record);
  return p + n;
}

/**
 * Walks the data records from `start` to `end` of the user data: skips fillers (2F), stops at
 * manufacturer data (0F/1F), rejects reserved special functions, checks every length.
 * `msbFirst` (CI 76) reverses fixed-length numeric fields before reading them (unverified: no fixture).
 */
export function parseRecords(data: Uint8Array, start: number, end = data.length, msbFirst = false, cache?: MbusRecordCache): Result<RecordList> {
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
    const next = cache !== undefined && !msbFirst ? cachedRecord(data, i, end, cache, records) : -1;
    if (next >= 0) {
      i = next;
      continue;
    }
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
