/**
 * Block check character of IEC 62056-21: XOR of every byte after the first SOH or STX up to and
 * including the ETX/EOT that ends the block (protocol-notes §2.4, checked on
 * `fx:d0/smartmeter-obis-iskra-mt174.txt`: 0x66). Long blocks are folded four bytes at a time.
 */
export function bcc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  let i = start;
  while (i < end && (bytes.byteOffset + i) % 4 !== 0) x ^= bytes[i++] as number;
  const words = (end - i) >> 2;
  if (words > 8) {
    const view = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    let w = 0;
    for (let k = 0; k < words; k++) w ^= view[k] as number;
    x ^= (w ^ (w >>> 8) ^ (w >>> 16) ^ (w >>> 24)) & 0xff;
    i += words * 4;
  }
  while (i < end) x ^= bytes[i++] as number;
  return x;
}
