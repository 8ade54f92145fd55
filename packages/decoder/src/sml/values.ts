import { bytesToHex, flatHex } from '../common';
import type { ByteMemo } from '../common/byte-memo';
import type { SmlTime } from './types';

function memoHex(bytes: Uint8Array, start: number, length: number, memo: ByteMemo<string> | undefined): string {
  const end = start + length;
  if (memo === undefined) return bytesToHex(bytes.subarray(start, end));
  // flat: the memo keeps the text (bytesToHex's short form is a rope)
  return memo.get(bytes, start, end) ?? memo.set(bytes, start, end, flatHex(bytes, start, end));
}

/** Printable ASCII → text, anything else → upper-case hex (protocol-notes §3.3: texts as strings). */
export function octetsToText(bytes: Uint8Array, memo?: ByteMemo<string>): string {
  return octetsToTextAt(bytes, 0, bytes.length, memo);
}

/** Same, for bytes[start, start + length); hex texts are kept in `memo` (a decoder's own) when given. */
export function octetsToTextAt(bytes: Uint8Array, start: number, length: number, memo?: ByteMemo<string>): string {
  if (length === 0) return '';
  let text = '';
  const end = start + length;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c < 0x20 || c > 0x7e) return memoHex(bytes, start, length, memo);
    if (length <= 32) text += String.fromCharCode(c);
  }
  return length <= 32 ? text : Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** ISO-8601 without milliseconds: `2024-03-01T12:00:00Z` or with a `+01:00` offset. */
function iso(unixSeconds: number, offsetMinutes: number): string | undefined {
  const d = new Date((unixSeconds + offsetMinutes * 60) * 1000);
  if (Number.isNaN(d.getTime())) return undefined;
  const base = d.toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${base}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  return `${base}${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

/** Wall-clock time of an SML_Time; undefined for a seconds index (meter uptime, not a date). */
export function smlTimeToIso(t: SmlTime | undefined): string | undefined {
  if (t === undefined) return undefined;
  switch (t.kind) {
    case 'secIndex':
      return undefined;
    case 'timestamp':
      return iso(t.unix, 0);
    case 'localTimestamp':
      return iso(t.unix, t.localOffset + t.seasonTimeOffset);
  }
}
