import { readBigEndian, SML_TYPE, type SmlInt, type SmlReader } from './tl';
import type { SmlListEntry, SmlMessage, SmlTime, SmlValue } from './types';
import { readAnyValue, readTime } from './value-readers';

/**
 * SML_ListEntry (the readings of a GetList.Res): a general reader, a one-pass fast path for the
 * usual shape, and the reusable view a sink receives instead of one object per entry.
 */

/**
 * One SML_ListEntry as offsets and primitives, refilled for every entry (no allocation per entry).
 * A sink may read it only during its `entry` call.
 */
export interface SmlEntryView {
  bytes: Uint8Array;
  objStart: number;
  objLength: number;
  status: SmlInt | undefined;
  valTime: SmlTime | undefined;
  unit: number | undefined;
  scaler: number | undefined;
  /** `absent` for `01`. */
  kind: 'absent' | 'octets' | 'boolean' | 'integer' | 'unsigned' | 'list';
  /** integer / unsigned: the value and its byte width. */
  int: SmlInt;
  width: number;
  bool: boolean;
  /** octets: where the string lies in `bytes`. */
  octStart: number;
  octLength: number;
  /** list: the structured value. */
  list: SmlValue | undefined;
  valueSignature: Uint8Array | undefined;
}

/** Receives GetList.Res entries as they are read, instead of a `valList` array. */
export interface SmlEntrySink {
  /** Before the entries of a GetList.Res: its server id. */
  list(serverId: Uint8Array): void;
  entry(e: SmlEntryView): void;
  /** After each complete message (its CRC is not yet judged). */
  message(m: SmlMessage): void;
}

export function newEntryView(bytes: Uint8Array): SmlEntryView {
  return {
    bytes,
    objStart: 0,
    objLength: 0,
    status: undefined,
    valTime: undefined,
    unit: undefined,
    scaler: undefined,
    kind: 'absent',
    int: 0,
    width: 0,
    bool: false,
    octStart: 0,
    octLength: 0,
    list: undefined,
    valueSignature: undefined,
  };
}

export function readListEntryInto(r: SmlReader, v: SmlEntryView): void {
  r.list('SML_ListEntry', 7);
  if (!r.expect(SML_TYPE.octets, 'objName')) return;
  v.objStart = r.pos;
  v.objLength = r.length;
  r.pos += r.length;
  v.status = r.optionalUnsigned('status');
  v.valTime = readTime(r, 'valTime');
  v.unit = r.optionalSmallUnsigned('unit');
  v.scaler = r.optionalSmallInteger('scaler');
  v.list = undefined;
  if (r.skipIfAbsent()) {
    v.kind = 'absent';
  } else if (r.peek() >= 0 && (r.peek() & 0x70) === SML_TYPE.list) {
    v.kind = 'list';
    v.list = readAnyValue(r, 'value', 0);
  } else if (r.tl()) {
    switch (r.type) {
      case SML_TYPE.octets:
        v.kind = 'octets';
        v.octStart = r.pos;
        v.octLength = r.length;
        r.pos += r.length;
        break;
      case SML_TYPE.boolean:
        if (r.length !== 1) r.fail('bad-length', `value: boolean of ${r.length} bytes`);
        v.kind = 'boolean';
        v.bool = (r.bytes[r.pos++] as number) !== 0;
        break;
      default:
        v.kind = r.type === SML_TYPE.integer ? 'integer' : 'unsigned';
        v.width = r.length;
        v.int = r.intData(r.type === SML_TYPE.integer, 'value');
    }
  }
  v.valueSignature = r.optionalOctets('valueSignature');
}

/**
 * The usual SML_ListEntry in one pass over its bytes, single-byte TL fields only: `77 07 <name>`,
 * status absent or Unsigned, valTime absent or `72 62 01|02 65 <u32>`, unit absent or `62 u`,
 * scaler absent or `52 s`, value an Integer, Unsigned, Boolean or short octet string, no
 * signature. Returns false, having moved nothing, on anything else (the general reader then reads
 * the entry, errors included), so both paths read an entry alike.
 */
export function readListEntryFast(r: SmlReader, v: SmlEntryView): boolean {
  const b = r.bytes;
  const end = r.end;
  let p = r.pos;
  if (p + 8 > end || b[p] !== 0x77 || b[p + 1] !== 0x07) return false;
  const objStart = p + 2;
  p += 8;
  // status
  let status: SmlInt | undefined;
  let c = b[p];
  if (c === 0x01) p++;
  else {
    if (c === undefined || (c & 0xf0) !== 0x60) return false;
    const w = (c & 0x0f) - 1;
    if (w < 1 || w > 8 || p + 1 + w > end) return false;
    status = readBigEndian(b, p + 1, w, false);
    p += 1 + w;
  }
  // valTime
  let valTime: SmlTime | undefined;
  c = b[p];
  if (c === 0x01) p++;
  else {
    const choice = b[p + 2];
    if (c !== 0x72 || b[p + 1] !== 0x62 || (choice !== 1 && choice !== 2) || b[p + 3] !== 0x65 || p + 8 > end) return false;
    const seconds = readBigEndian(b, p + 4, 4, false) as number;
    valTime = choice === 1 ? { kind: 'secIndex', seconds } : { kind: 'timestamp', unix: seconds };
    p += 8;
  }
  // unit, scaler
  let unit: number | undefined;
  c = b[p];
  if (c === 0x01) p++;
  else if (c === 0x62 && p + 2 <= end) {
    unit = b[p + 1] as number;
    p += 2;
  } else return false;
  let scaler: number | undefined;
  c = b[p];
  if (c === 0x01) p++;
  else if (c === 0x52 && p + 2 <= end) {
    scaler = ((b[p + 1] as number) << 24) >> 24; // Integer8
    p += 2;
  } else return false;
  // value, then no signature
  c = b[p];
  if (c === undefined || c & 0x80) return false;
  const type = c & 0x70;
  const n = (c & 0x0f) - 1;
  if (c === 0x01) {
    if (b[p + 1] !== 0x01 || p + 2 > end) return false;
    v.kind = 'absent';
    p += 1;
  } else if (type === SML_TYPE.integer || type === SML_TYPE.unsigned) {
    if (n < 1 || n > 8 || p + 2 + n > end || b[p + 1 + n] !== 0x01) return false;
    v.kind = type === SML_TYPE.integer ? 'integer' : 'unsigned';
    v.width = n;
    v.int = readBigEndian(b, p + 1, n, type === SML_TYPE.integer);
    p += 1 + n;
  } else if (type === SML_TYPE.octets) {
    if (n < 1 || p + 2 + n > end || b[p + 1 + n] !== 0x01) return false;
    v.kind = 'octets';
    v.octStart = p + 1;
    v.octLength = n;
    p += 1 + n;
  } else if (c === 0x42) {
    if (p + 3 > end || b[p + 2] !== 0x01) return false;
    v.kind = 'boolean';
    v.bool = b[p + 1] !== 0;
    p += 2;
  } else return false;
  r.pos = p + 1; // the `01` of valueSignature
  v.objStart = objStart;
  v.objLength = 6;
  v.status = status;
  v.valTime = valTime;
  v.unit = unit;
  v.scaler = scaler;
  v.list = undefined;
  v.valueSignature = undefined;
  return true;
}

function entryValue(v: SmlEntryView): SmlValue | undefined {
  switch (v.kind) {
    case 'absent':
      return undefined;
    case 'octets':
      return { type: 'octets', bytes: v.bytes.subarray(v.octStart, v.octStart + v.octLength) };
    case 'boolean':
      return { type: 'boolean', value: v.bool };
    case 'integer':
      return { type: 'integer', value: v.int, width: v.width };
    case 'unsigned':
      return { type: 'unsigned', value: v.int, width: v.width };
    case 'list':
      return v.list;
  }
}

export function readListEntry(r: SmlReader, v: SmlEntryView): SmlListEntry {
  readListEntryInto(r, v);
  return {
    objName: v.bytes.subarray(v.objStart, v.objStart + v.objLength),
    status: v.status,
    valTime: v.valTime,
    unit: v.unit,
    scaler: v.scaler,
    value: entryValue(v),
    valueSignature: v.valueSignature,
  };
}
