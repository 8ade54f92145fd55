import { fail, ok, type Result } from '../common';
import { AxdrReader, type AxdrListMemo } from './axdr';
import type { DlmsData } from './axdr-types';

/** APDU tag of data-notification (§4.4). */
export const DATA_NOTIFICATION = 0x0f;

export interface DataNotification {
  /**
   * long-invoke-id-and-priority as the 32-bit number sent: invoke id in bits 0–23, bit 28
   * self-descriptive, 29 processing option, 30 service class (confirmed), 31 priority (high).
   */
  readonly longInvokeIdAndPriority: number;
  /** The 12-byte date-time when the meter sent one (see `decodeCosemDateTime`). */
  readonly dateTime?: Uint8Array;
  /** notification-body: one A-XDR Data value (the push list). */
  readonly body: DlmsData;
}

const LAYER = 'data-notification';

/**
 * Parses `0F · invoke-id (4) · date-time · body`. The date-time comes as `00` (absent), `0C` + 12
 * bytes (octet string) or `09 0C` + 12 bytes (Kaifa's Data-typed form). The body must end the APDU.
 * `owned`: the APDU is the decoder's own (decrypted) copy, so its values may be views of it;
 * `lists`: the decoder's memo of the body's nested lists.
 */
export function parseDataNotification(apdu: Uint8Array, owned = false, lists?: AxdrListMemo): Result<DataNotification> {
  if (apdu[0] !== DATA_NOTIFICATION) return fail('bad-format', LAYER, 'APDU is not a data-notification (0F)', 0);
  if (apdu.length < 7) return fail('truncated', LAYER, 'data-notification shorter than its header', apdu.length);
  const longInvokeIdAndPriority = (((apdu[1] as number) << 24) | ((apdu[2] as number) << 16) | ((apdu[3] as number) << 8) | (apdu[4] as number)) >>> 0;
  const r = new AxdrReader(apdu, 5, apdu.length, owned, lists);
  if (apdu[5] === 0x09) r.pos += 1; // Data-typed octet string
  const dtLength = r.berLength();
  if (dtLength === undefined) return { ok: false, error: r.error ?? fail('truncated', LAYER, 'date-time', 5).error };
  if (dtLength !== 0 && dtLength !== 12) return fail('bad-format', LAYER, `date-time of ${dtLength} bytes`, 5);
  const dateTime = dtLength === 12 ? r.take(12) : undefined;
  if (dtLength === 12 && dateTime === undefined) return { ok: false, error: r.error ?? fail('truncated', LAYER, 'date-time', 5).error };
  const body = r.data();
  if (body === undefined) return { ok: false, error: r.error ?? fail('truncated', LAYER, 'notification body', r.pos).error };
  if (r.pos !== apdu.length) return fail('bad-length', LAYER, `${apdu.length - r.pos} byte(s) after the notification body`, r.pos);
  return ok(dateTime === undefined ? { longInvokeIdAndPriority, body } : { longInvokeIdAndPriority, dateTime, body });
}
