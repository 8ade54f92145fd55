import type { SmlInt } from './tl';

/** Message tags (SML 1.04; volkszaehler/libsml `sml_message.h`). */
export const SML_TAG = {
  openRequest: 0x0100,
  openResponse: 0x0101,
  closeRequest: 0x0200,
  closeResponse: 0x0201,
  getProfilePackRequest: 0x0300,
  getProfilePackResponse: 0x0301,
  getProfileListRequest: 0x0400,
  getProfileListResponse: 0x0401,
  getProcParameterRequest: 0x0500,
  getProcParameterResponse: 0x0501,
  setProcParameterRequest: 0x0600,
  getListRequest: 0x0700,
  getListResponse: 0x0701,
  attentionResponse: 0xff01,
} as const;

/** SML_Time: seconds since an arbitrary meter epoch, or a UTC Unix timestamp (optionally local). */
export type SmlTime =
  | { readonly kind: 'secIndex'; readonly seconds: number }
  | { readonly kind: 'timestamp'; readonly unix: number }
  /** Choice 3: UTC timestamp plus the local and daylight-saving offsets in minutes. */
  | { readonly kind: 'localTimestamp'; readonly unix: number; readonly localOffset: number; readonly seasonTimeOffset: number };

/** SML_Value and the other leaves: typed as sent, integers keep their byte width. */
export type SmlValue =
  | { readonly type: 'octets'; readonly bytes: Uint8Array }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'integer'; readonly value: SmlInt; readonly width: number }
  | { readonly type: 'unsigned'; readonly value: SmlInt; readonly width: number }
  /** SML_ListType (time or other structured value), kept as its items. */
  | { readonly type: 'list'; readonly items: readonly SmlValue[] };

/** SML_ListEntry (GetList.Res valList). */
export interface SmlListEntry {
  readonly objName: Uint8Array;
  /** SML_Status (Unsigned8…64), meter-specific bits. */
  readonly status: SmlInt | undefined;
  readonly valTime: SmlTime | undefined;
  /** DLMS unit code. */
  readonly unit: number | undefined;
  readonly scaler: number | undefined;
  /** Undefined when the meter sent `01` (no value). */
  readonly value: SmlValue | undefined;
  readonly valueSignature: Uint8Array | undefined;
}

export interface SmlOpenResponse {
  readonly kind: 'open-response';
  readonly codepage: Uint8Array | undefined;
  readonly clientId: Uint8Array | undefined;
  readonly reqFileId: Uint8Array;
  readonly serverId: Uint8Array;
  readonly refTime: SmlTime | undefined;
  readonly smlVersion: number | undefined;
}

export interface SmlCloseResponse {
  readonly kind: 'close-response';
  readonly globalSignature: Uint8Array | undefined;
}

export interface SmlGetListResponse {
  readonly kind: 'get-list-response';
  readonly clientId: Uint8Array | undefined;
  readonly serverId: Uint8Array;
  readonly listName: Uint8Array | undefined;
  readonly actSensorTime: SmlTime | undefined;
  readonly valList: readonly SmlListEntry[];
  readonly listSignature: Uint8Array | undefined;
  readonly actGatewayTime: SmlTime | undefined;
}

/** SML_PeriodEntry (GetProfileList.Res). */
export interface SmlPeriodEntry {
  readonly objName: Uint8Array;
  readonly unit: number | undefined;
  readonly scaler: number | undefined;
  readonly value: SmlValue | undefined;
  readonly valueSignature: Uint8Array | undefined;
}

export interface SmlGetProfileListResponse {
  readonly kind: 'get-profile-list-response';
  readonly serverId: Uint8Array;
  readonly actTime: SmlTime | undefined;
  readonly regPeriod: number;
  readonly parameterTreePath: readonly Uint8Array[];
  readonly valTime: SmlTime | undefined;
  readonly status: SmlInt;
  readonly periodList: readonly SmlPeriodEntry[];
  readonly rawdata: Uint8Array | undefined;
  readonly periodSignature: Uint8Array | undefined;
}

/** SML_ProfObjHeaderEntry. */
export interface SmlProfileHeaderEntry {
  readonly objName: Uint8Array;
  readonly unit: number | undefined;
  readonly scaler: number | undefined;
}

/** SML_ProfObjPeriodEntry: one capture, values in header order. */
export interface SmlProfilePeriod {
  readonly valTime: SmlTime | undefined;
  readonly status: SmlInt;
  readonly values: readonly (SmlValue | undefined)[];
  readonly periodSignature: Uint8Array | undefined;
}

export interface SmlGetProfilePackResponse {
  readonly kind: 'get-profile-pack-response';
  readonly serverId: Uint8Array;
  readonly actTime: SmlTime | undefined;
  readonly regPeriod: number;
  readonly parameterTreePath: readonly Uint8Array[];
  readonly headerList: readonly SmlProfileHeaderEntry[];
  readonly periodList: readonly SmlProfilePeriod[];
  readonly rawdata: Uint8Array | undefined;
  readonly profileSignature: Uint8Array | undefined;
}

export interface SmlAttentionResponse {
  readonly kind: 'attention-response';
  readonly serverId: Uint8Array;
  /** 6-byte attention number (e.g. `81 81 C7 C7 FE 00` = error). */
  readonly attentionNo: Uint8Array;
  readonly attentionMsg: Uint8Array | undefined;
}

/** Requests and bodies a push meter does not send (GetProcParameter, …): skipped, tag kept. */
export interface SmlOtherBody {
  readonly kind: 'other';
  readonly tag: number;
}

export type SmlMessageBody =
  SmlOpenResponse | SmlCloseResponse | SmlGetListResponse | SmlGetProfileListResponse | SmlGetProfilePackResponse | SmlAttentionResponse | SmlOtherBody;

export interface SmlMessage {
  readonly transactionId: Uint8Array;
  readonly groupNo: number;
  readonly abortOnError: number;
  readonly tag: number;
  readonly body: SmlMessageBody;
  /** CRC as sent (the Unsigned16 read big-endian, i.e. the X.25 value byte-swapped). */
  readonly crc: number;
  /** Whether `crc` matches CRC-16/X.25 over the message. */
  readonly crcOk: boolean;
  /** Offset of the message's `76` within the payload. */
  readonly offset: number;
  /** Offset of the CRC field's TL byte: the CRC covers [offset, crcOffset). */
  readonly crcOffset: number;
}
