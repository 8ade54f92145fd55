/** Hex text → bytes; white space, line breaks, `0x` prefixes and `:`/`-` separators are ignored. */
export function hexToBytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/0x/gi, '').replace(/[\s:,-]+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) return undefined;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Upper-case hex of every byte value. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** Above this many bytes Buffer's encoder is faster than the table. */
const TABLE_MAX = 64;

/**
 * Upper-case hex of `bytes[start, end)` (default: all): a table for short runs (record fields,
 * system titles, ids — no view, no Buffer), Buffer's encoder for long ones.
 */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start > TABLE_MAX) return flatHex(bytes, start, end);
  let s = '';
  for (let i = start; i < end; i++) s += HEX_BYTE[bytes[i] as number] as string;
  return s;
}

/**
 * Upper-case hex of `bytes[start, end)` by Buffer's encoder, as one flat string: for texts that are
 * kept (memos). The table in `bytesToHex` joins two-digit pieces, which V8 keeps as a rope (~32
 * bytes per piece, 1.5 KB for a 48-byte key) until something flattens it.
 */
export function flatHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start)
    .toString('hex')
    .toUpperCase();
}

/** Hex-encoded ASCII (DSMR equipment ids, text messages) → text; undefined when not printable. */
export function hexAscii(hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) return undefined;
  const s = Buffer.from(hex, 'hex').toString('latin1');
  return /^[\x20-\x7e]*$/.test(s) ? s : undefined;
}
