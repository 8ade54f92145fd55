import { fail, ok, type Result } from '../common';
import { parseFixedData, type MbusFixedData } from './fixed-data';
import { isFromSlave, type MbusFrame } from './frame';
import { LONG_HEADER_LENGTH, SHORT_HEADER_LENGTH, parseLongHeader, parseShortHeader, type MbusLongHeader, type MbusShortHeader } from './header';
import { parseRecords, type MbusRecord, type MbusRecordCache } from './records';

/** CI fields of slave responses (EN 13757-3; protocol notes §5.2). */
export const CI = {
  applicationReset: 0x50,
  dataSend: 0x51,
  selectSlave: 0x52,
  dataSendMsb: 0x55,
  selectSlaveMsb: 0x56,
  errorReport: 0x70,
  alarm: 0x71,
  variableData: 0x72,
  fixedData: 0x73,
  variableDataMsb: 0x76,
  fixedDataMsb: 0x77,
  variableDataNoHeader: 0x78,
  variableDataShortHeader: 0x7a,
} as const;

interface TelegramBase {
  readonly ci: number;
  readonly control: number;
  /** Primary address (A field) of the frame. */
  readonly address: number;
}

/** Variable data response: CI 72/76 (12-byte header), 7A (4-byte header) or 78 (no header). */
export interface MbusVariableTelegram extends TelegramBase {
  readonly kind: 'variable';
  readonly header?: MbusLongHeader;
  readonly shortHeader?: MbusShortHeader;
  readonly records: readonly MbusRecord[];
  /** The last record is DIF 1F: the slave has more records for another REQ_UD2. */
  readonly moreRecordsFollow: boolean;
}

export interface MbusFixedTelegram extends TelegramBase {
  readonly kind: 'fixed';
  readonly fixed: MbusFixedData;
}

/** CI 70 (application error report) or 71 (alarm) with its first data byte. */
export interface MbusReportTelegram extends TelegramBase {
  readonly kind: 'error-report' | 'alarm';
  readonly code: number | undefined;
}

export type MbusTelegram = MbusVariableTelegram | MbusFixedTelegram | MbusReportTelegram;

const LAYER = 'mbus-app';

/** Offset of the user data (after 68 L L 68 C A CI) within a long frame. */
const USER_DATA_OFFSET = 7;

/** Re-bases a record-layer error offset (relative to the user data) onto the frame. */
function inFrame<T>(r: Result<T>): Result<T> {
  if (r.ok || r.error.offset === undefined) return r;
  return { ok: false, error: { ...r.error, offset: r.error.offset + USER_DATA_OFFSET } };
}

/** Decodes the application layer of a slave's long frame (RSP_UD); `cache`: a decoder's record shapes. */
export function decodeApplicationLayer(frame: MbusFrame, cache?: MbusRecordCache): Result<MbusTelegram> {
  if (frame.type === 'ack' || frame.type === 'short') return fail('unsupported', LAYER, `${frame.type} frame carries no application data`);
  if (!isFromSlave(frame.control)) return fail('unsupported', LAYER, 'master-to-slave frame (a request, not a response)', 4);
  const { ci, control, address } = frame;
  const base = { ci, control, address };
  const data = frame.data;
  switch (frame.ci) {
    case CI.errorReport:
    case CI.alarm:
      return ok({ ...base, kind: frame.ci === CI.errorReport ? 'error-report' : 'alarm', code: data[0] });
    case CI.fixedData:
    case CI.fixedDataMsb: {
      const fixed = inFrame(parseFixedData(data, frame.ci === CI.fixedDataMsb));
      return fixed.ok ? ok({ ...base, kind: 'fixed', fixed: fixed.value }) : fixed;
    }
    case CI.variableData:
    case CI.variableDataMsb: {
      if (data.length < LONG_HEADER_LENGTH) return fail('truncated', LAYER, 'variable data header needs 12 bytes', USER_DATA_OFFSET + data.length);
      const msbFirst = frame.ci === CI.variableDataMsb;
      const header = parseLongHeader(data, 0, msbFirst);
      const list = inFrame(parseRecords(data, LONG_HEADER_LENGTH, data.length, msbFirst, cache));
      return list.ok
        ? ok({ ci, control, address, kind: 'variable', header, records: list.value.records, moreRecordsFollow: list.value.moreRecordsFollow })
        : list;
    }
    case CI.variableDataShortHeader: {
      if (data.length < SHORT_HEADER_LENGTH) return fail('truncated', LAYER, 'short header needs 4 bytes', USER_DATA_OFFSET + data.length);
      const shortHeader = parseShortHeader(data);
      const list = inFrame(parseRecords(data, SHORT_HEADER_LENGTH, data.length, false, cache));
      return list.ok ? ok({ ...base, kind: 'variable', shortHeader, records: list.value.records, moreRecordsFollow: list.value.moreRecordsFollow }) : list;
    }
    case CI.variableDataNoHeader: {
      const list = inFrame(parseRecords(data, 0, data.length, false, cache));
      return list.ok ? ok({ ...base, kind: 'variable', records: list.value.records, moreRecordsFollow: list.value.moreRecordsFollow }) : list;
    }
    default:
      return fail('unsupported', LAYER, `CI 0x${frame.ci.toString(16).padStart(2, '0')} is not a supported response`, 6);
  }
}
