import { crc16X25, type Result, fail, ok } from '../common';
import { readBigEndian, SML_END_OF_MESSAGE, SML_TYPE, SmlReader, type SmlInt } from './tl';
import {
  SML_TAG,
  type SmlAttentionResponse,
  type SmlCloseResponse,
  type SmlGetListResponse,
  type SmlGetProfileListResponse,
  type SmlGetProfilePackResponse,
  type SmlListEntry,
  type SmlMessage,
  type SmlMessageBody,
  type SmlOpenResponse,
  type SmlPeriodEntry,
  type SmlProfileHeaderEntry,
  type SmlProfilePeriod,
  type SmlTime,
  type SmlValue,
} from './types';

/**
 * SML message bodies (SML 1.04; field order from dailab/libsml and protocol-notes §3.3). Every
 * reader works on an `SmlReader` with a sticky error: the caller checks `r.error` after a message.
 */

const MAX_VALUE_DEPTH = 16;
const EMPTY: SmlValue = { type: 'octets', bytes: new Uint8Array(0) };

export function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** SML_Value (and SML_ListType) with types and integer widths as sent; undefined for `01`. */
export function readValue(r: SmlReader, what: string): SmlValue | undefined {
  if (r.skipIfAbsent()) return undefined;
  return readAnyValue(r, what, 0);
}

function readAnyValue(r: SmlReader, what: string, depth: number): SmlValue {
  if (!r.tl()) return EMPTY;
  switch (r.type) {
    case SML_TYPE.octets: {
      const start = r.pos;
      r.pos += r.length;
      return { type: 'octets', bytes: r.bytes.subarray(start, r.pos) };
    }
    case SML_TYPE.boolean: {
      if (r.length !== 1) {
        r.fail('bad-length', `${what}: boolean of ${r.length} bytes`);
        return EMPTY;
      }
      return { type: 'boolean', value: (r.bytes[r.pos++] as number) !== 0 };
    }
    case SML_TYPE.integer:
    case SML_TYPE.unsigned: {
      const width = r.length;
      const value = r.intData(r.type === SML_TYPE.integer, what);
      return r.type === SML_TYPE.integer ? { type: 'integer', value, width } : { type: 'unsigned', value, width };
    }
    default: {
      if (depth >= MAX_VALUE_DEPTH) {
        r.fail('bad-format', `${what}: lists nested too deeply`);
        return EMPTY;
      }
      const items: SmlValue[] = [];
      for (let i = r.length; i > 0 && r.ok; i--) items.push(readAnyValue(r, what, depth + 1));
      return { type: 'list', items };
    }
  }
}

/**
 * SML_Time: `72 62 cc 65 tttttttt` (choice 1 secIndex, 2 timestamp) or choice 3 with a list of
 * (timestamp, localOffset, seasonTimeOffset). Tolerated: a bare Unsigned in place of the list, as
 * the Holley DTZ541 sends in valTime (libsml issue #75) — read as a seconds index.
 */
export function readTime(r: SmlReader, what: string): SmlTime | undefined {
  if (r.skipIfAbsent()) return undefined;
  const at = r.pos;
  if (!r.tl()) return undefined;
  if (r.type === SML_TYPE.unsigned) return { kind: 'secIndex', seconds: toSmallNumber(r, r.intData(false, what), what) };
  if (r.type !== SML_TYPE.list || r.length !== 2) {
    r.fail('bad-format', `${what}: SML_Time must be a list of 2`, at);
    return undefined;
  }
  const choice = r.smallUnsigned(`${what} choice`);
  if (r.peek() >= 0 && ((r.peek() & 0x70) === SML_TYPE.list)) {
    if (r.list(`${what} local timestamp`, 3) < 0) return undefined;
    const unix = r.smallUnsigned(`${what} timestamp`);
    const localOffset = toSmallNumber(r, r.integer(`${what} localOffset`), what);
    const seasonTimeOffset = toSmallNumber(r, r.integer(`${what} seasonTimeOffset`), what);
    return { kind: 'localTimestamp', unix, localOffset, seasonTimeOffset };
  }
  const seconds = r.smallUnsigned(what);
  switch (choice) {
    case 1:
      return { kind: 'secIndex', seconds };
    case 2:
    case 3:
      return { kind: 'timestamp', unix: seconds };
    default:
      r.fail('bad-value', `${what}: SML_Time choice ${choice}`, at);
      return undefined;
  }
}

function toSmallNumber(r: SmlReader, v: number | bigint, what: string): number {
  if (typeof v === 'number') return v;
  r.fail('bad-value', `${what}: value too large`);
  return 0;
}

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
  return { bytes, objStart: 0, objLength: 0, status: undefined, valTime: undefined, unit: undefined, scaler: undefined, kind: 'absent', int: 0, width: 0, bool: false, octStart: 0, octLength: 0, list: undefined, valueSignature: undefined };
}

function readListEntryInto(r: SmlReader, v: SmlEntryView): void {
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
function readListEntryFast(r: SmlReader, v: SmlEntryView): boolean {
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

function readListEntry(r: SmlReader, v: SmlEntryView): SmlListEntry {
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

/** A SEQUENCE OF: absent (`01`) reads as empty. */
function readSequence<T>(r: SmlReader, what: string, item: (r: SmlReader) => T): T[] {
  if (r.skipIfAbsent()) return [];
  const n = r.list(what);
  const out: T[] = [];
  for (let i = 0; i < n && r.ok; i++) out.push(item(r));
  return out;
}

function readOpenResponse(r: SmlReader): SmlOpenResponse {
  r.list('PublicOpen.Res', 6);
  const codepage = r.optionalOctets('codepage');
  const clientId = r.optionalOctets('clientId');
  const reqFileId = r.octets('reqFileId');
  const serverId = r.id('serverId');
  const refTime = readTime(r, 'refTime');
  const smlVersion = r.optionalSmallUnsigned('smlVersion');
  return {
    kind: 'open-response',
    codepage,
    clientId,
    reqFileId,
    serverId,
    refTime,
    smlVersion,
  };
}

function readCloseResponse(r: SmlReader): SmlCloseResponse {
  r.list('PublicClose.Res', 1);
  const globalSignature = r.optionalOctets('globalSignature');
  return { kind: 'close-response', globalSignature };
}

const NO_ENTRIES: readonly SmlListEntry[] = [];

function readGetListResponse(r: SmlReader, sink: SmlEntrySink | undefined): SmlGetListResponse {
  r.list('GetList.Res', 7);
  const clientId = r.optionalOctets('clientId');
  const serverId = r.id('serverId');
  const listName = r.optionalOctets('listName');
  const actSensorTime = readTime(r, 'actSensorTime');
  let valList: readonly SmlListEntry[] = NO_ENTRIES;
  const view = newEntryView(r.bytes);
  if (sink === undefined) {
    valList = readSequence(r, 'valList', (x) => readListEntry(x, view));
  } else if (!r.skipIfAbsent()) {
    if (r.ok) sink.list(serverId);
    const n = r.list('valList');
    for (let i = 0; i < n && r.ok; i++) {
      if (!readListEntryFast(r, view)) readListEntryInto(r, view);
      if (r.ok) sink.entry(view);
    }
  }
  const listSignature = r.optionalOctets('listSignature');
  const actGatewayTime = readTime(r, 'actGatewayTime');
  return {
    kind: 'get-list-response',
    clientId,
    serverId,
    listName,
    actSensorTime,
    valList,
    listSignature,
    actGatewayTime,
  };
}

function readPeriodEntry(r: SmlReader): SmlPeriodEntry {
  r.list('SML_PeriodEntry', 5);
  const objName = r.id('objName');
  const unit = r.optionalSmallUnsigned('unit');
  const scaler = r.optionalSmallInteger('scaler');
  const value = readValue(r, 'value');
  const valueSignature = r.optionalOctets('valueSignature');
  return {
    objName,
    unit,
    scaler,
    value,
    valueSignature,
  };
}

function readTreePath(r: SmlReader): Uint8Array[] {
  return readSequence(r, 'parameterTreePath', (x) => x.octets('path entry'));
}

function readGetProfileListResponse(r: SmlReader): SmlGetProfileListResponse {
  r.list('GetProfileList.Res', 9);
  const serverId = r.id('serverId');
  const actTime = readTime(r, 'actTime');
  const regPeriod = r.optionalSmallUnsigned('regPeriod') ?? 0;
  const parameterTreePath = readTreePath(r);
  const valTime = readTime(r, 'valTime');
  const status = r.optionalUnsigned('status') ?? 0;
  const periodList = readSequence(r, 'period_List', readPeriodEntry);
  const rawdata = r.optionalOctets('rawdata');
  const periodSignature = r.optionalOctets('periodSignature');
  return {
    kind: 'get-profile-list-response',
    serverId,
    actTime,
    regPeriod,
    parameterTreePath,
    valTime,
    status,
    periodList,
    rawdata,
    periodSignature,
  };
}

function readProfileHeader(r: SmlReader): SmlProfileHeaderEntry {
  r.list('SML_ProfObjHeaderEntry', 3);
  const objName = r.id('objName');
  const unit = r.optionalSmallUnsigned('unit');
  const scaler = r.optionalSmallInteger('scaler');
  return { objName, unit, scaler };
}

function readProfileValue(r: SmlReader): SmlValue | undefined {
  r.list('SML_ValueEntry', 2);
  const value = readValue(r, 'value');
  r.optionalOctets('valueSignature');
  return value;
}

function readProfilePeriod(r: SmlReader): SmlProfilePeriod {
  r.list('SML_ProfObjPeriodEntry', 4);
  const valTime = readTime(r, 'valTime');
  const status = r.optionalUnsigned('status') ?? 0;
  const values = readSequence(r, 'value_List', readProfileValue);
  const periodSignature = r.optionalOctets('periodSignature');
  return {
    valTime,
    status,
    values,
    periodSignature,
  };
}

function readGetProfilePackResponse(r: SmlReader): SmlGetProfilePackResponse {
  r.list('GetProfilePack.Res', 8);
  const serverId = r.id('serverId');
  const actTime = readTime(r, 'actTime');
  const regPeriod = r.optionalSmallUnsigned('regPeriod') ?? 0;
  const parameterTreePath = readTreePath(r);
  const headerList = readSequence(r, 'header_List', readProfileHeader);
  const periodList = readSequence(r, 'period_List', readProfilePeriod);
  const rawdata = r.optionalOctets('rawdata');
  const profileSignature = r.optionalOctets('profileSignature');
  return {
    kind: 'get-profile-pack-response',
    serverId,
    actTime,
    regPeriod,
    parameterTreePath,
    headerList,
    periodList,
    rawdata,
    profileSignature,
  };
}

function readAttentionResponse(r: SmlReader): SmlAttentionResponse {
  r.list('Attention.Res', 4);
  const serverId = r.id('serverId');
  const attentionNo = r.octets('attentionNo');
  const attentionMsg = r.optionalOctets('attentionMsg');
  if (!r.skipIfAbsent()) r.skip(); // attentionDetails: SML_Tree, not mapped
  return { kind: 'attention-response', serverId, attentionNo, attentionMsg };
}

function readBody(r: SmlReader, tag: number, sink: SmlEntrySink | undefined): SmlMessageBody {
  switch (tag) {
    case SML_TAG.openResponse:
      return readOpenResponse(r);
    case SML_TAG.closeResponse:
      return readCloseResponse(r);
    case SML_TAG.getListResponse:
      return readGetListResponse(r, sink);
    case SML_TAG.getProfileListResponse:
      return readGetProfileListResponse(r);
    case SML_TAG.getProfilePackResponse:
      return readGetProfilePackResponse(r);
    case SML_TAG.attentionResponse:
      return readAttentionResponse(r);
    default:
      r.skip();
      return { kind: 'other', tag };
  }
}

/**
 * One SML_Message at the reader's position: list of 6 (transactionId, groupNo, abortOnError,
 * messageBody, crc16, endOfSmlMsg). The CRC is checked (CRC-16/X.25 over the message from its `76`
 * up to the CRC's TL byte, sent LSB first) and reported, not enforced: the file decides.
 */
export function readMessage(r: SmlReader, sink?: SmlEntrySink): SmlMessage | undefined {
  const offset = r.pos;
  r.list('SML_Message', 6);
  const transactionId = r.octets('transactionId');
  const groupNo = r.optionalSmallUnsigned('groupNo') ?? 0;
  const abortOnError = r.optionalSmallUnsigned('abortOnError') ?? 0;
  r.list('messageBody', 2);
  const tag = r.smallUnsigned('message tag');
  if (!r.ok) return undefined;
  const body = readBody(r, tag, sink);
  const crcOffset = r.pos;
  const crc = r.smallUnsigned('crc16');
  if (r.ok && crc > 0xffff) r.fail('bad-length', 'crc16 wider than 16 bits', crcOffset);
  if (r.peek() === SML_END_OF_MESSAGE) r.pos++;
  if (!r.ok) return undefined;
  const crcOk = crc === swap16(crc16X25(r.bytes, offset, crcOffset));
  return { transactionId, groupNo, abortOnError, tag, body, crc, crcOk, offset, crcOffset };
}

/**
 * All messages of an (unescaped, unpadded) SML payload. `00` bytes between messages (fill) are
 * skipped. `base` is the payload's offset in the transport frame, for error offsets.
 */
export function parseSmlMessages(payload: Uint8Array, base = 0, sink?: SmlEntrySink): Result<SmlMessage[]> {
  const r = new SmlReader(payload, 0, payload.length, base);
  // A sink (decodeSmlFile) needs of the octet strings only server ids and object names.
  r.views = sink === undefined;
  const messages: SmlMessage[] = [];
  while (r.pos < r.end) {
    if (payload[r.pos] === SML_END_OF_MESSAGE) {
      r.pos++;
      continue;
    }
    const m = readMessage(r, sink);
    if (m === undefined || r.error) {
      const e = r.error ?? { kind: 'bad-format' as const, message: 'bad SML message', offset: base };
      return fail(e.kind, 'sml', e.message, e.offset);
    }
    messages.push(m);
    if (sink !== undefined) sink.message(m);
  }
  return ok(messages);
}
