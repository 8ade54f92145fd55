/** Table-driven reflected CRC-16 (one table per polynomial, built once). */
function table(reflectedPoly: number): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    t[i] = c;
  }
  return t;
}

const ARC = table(0xa001);
const X25 = table(0x8408);

function run(t: Uint16Array, init: number, data: Uint8Array, start: number, end: number): number {
  let crc = init;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (t[(crc ^ (data[i] as number)) & 0xff] as number);
  return crc;
}

/** CRC-16/ARC (DSMR P1 v4+): poly 0x8005 reflected, init 0, no final xor. Check("123456789") = 0xBB3D. */
export function crc16Arc(data: Uint8Array, start = 0, end = data.length): number {
  return run(ARC, 0x0000, data, start, end);
}

/** CRC-16/X.25 (HDLC HCS/FCS, SML): poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF. Check = 0x906E. */
export function crc16X25(data: Uint8Array, start = 0, end = data.length): number {
  return run(X25, 0xffff, data, start, end) ^ 0xffff;
}
