/** Byte ↔ text helpers for the 7-bit ISO 646 character set D0 uses (latin1 is a superset). */

export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1', start, end);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Printable ISO 646 character (space … tilde). */
export function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}
