/**
 * CRC-16/KERMIT (poly 0x1021 reflected, init 0, no final xor; check("123456789") = 0x2189), which
 * the Holley DTZ541 uses in place of X.25 (libsml issue #75). Only the `alternativeCrc: 'kermit'`
 * quirk calls it. (Candidate for common/crc.ts.)
 */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export function crc16Kermit(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (TABLE[(crc ^ (data[i] as number)) & 0xff] as number);
  return crc;
}
