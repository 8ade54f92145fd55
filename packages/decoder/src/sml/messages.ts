import { crc16X25, type Result, fail, ok } from '../common';
import { newEntryView, readListEntry, readListEntryFast, readListEntryInto, type SmlEntrySink } from './list-entry';
import { SML_END_OF_MESSAGE, SmlReader } from './tl';
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
  type SmlValue,
} from './types';
import { readTime, readValue } from './value-readers';

/**
 * SML messages and their bodies (SML 1.04; field order from dailab/libsml and protocol-notes §3.3).
 * Every reader works on an `SmlReader` with a sticky error: the caller checks `r.error` after a
 * message. Values and times are read in `value-readers.ts`, GetList.Res entries in `list-entry.ts`.
 */

/** A 16-bit value with its bytes swapped (SML sends the CRC least significant byte first). */
export function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
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
