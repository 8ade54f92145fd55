/** Hex text → bytes; white space, line breaks, `0x` prefixes and `:`/`-` separators are ignored. */
export function hexToBytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/0x/gi, '').replace(/[\s:,-]+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) return undefined;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** Hex-encoded ASCII (DSMR equipment ids, text messages) → text; undefined when not printable. */
export function hexAscii(hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) return undefined;
  const s = Buffer.from(hex, 'hex').toString('latin1');
  return /^[\x20-\x7e]*$/.test(s) ? s : undefined;
}
