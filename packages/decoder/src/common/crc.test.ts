import { crc16Arc, crc16Kermit, crc16X25 } from './crc';
import { seededRandom } from './testing';

const check = new TextEncoder().encode('123456789');

/** The definition, one bit at a time (reflected: LSB first), as the reference for the tables. */
function bitwise(data: Uint8Array, start: number, end: number, reflectedPoly: number, init: number, xorOut: number): number {
  let crc = init;
  for (let i = start; i < end; i++) {
    crc ^= data[i] as number;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ reflectedPoly : crc >>> 1;
  }
  return (crc ^ xorOut) & 0xffff;
}

const arcRef = (d: Uint8Array, s: number, e: number): number => bitwise(d, s, e, 0xa001, 0x0000, 0x0000);
const x25Ref = (d: Uint8Array, s: number, e: number): number => bitwise(d, s, e, 0x8408, 0xffff, 0xffff);
const kermitRef = (d: Uint8Array, s: number, e: number): number => bitwise(d, s, e, 0x8408, 0x0000, 0x0000);

describe('CRC-16 catalogue check values', () => {
  it('CRC-16/ARC of "123456789" is 0xBB3D', () => expect(crc16Arc(check)).toBe(0xbb3d));
  it('CRC-16/X.25 of "123456789" is 0x906E', () => expect(crc16X25(check)).toBe(0x906e));
  it('CRC-16/KERMIT of "123456789" is 0x2189', () => expect(crc16Kermit(check)).toBe(0x2189));
  it('honours start and end offsets', () => expect(crc16Arc(new Uint8Array([0, ...check, 0]), 1, 10)).toBe(0xbb3d));
  it('of nothing is the initial value after xorout', () => {
    expect(crc16Arc(new Uint8Array(0))).toBe(0);
    expect(crc16X25(new Uint8Array(0))).toBe(0);
  });
});

describe('CRC-16 slice-by-8 equals the bitwise definition', () => {
  it('on random data of every length 0…80 and random ranges of longer buffers', () => {
    const random = seededRandom(0x5eed);
    const data = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    for (let n = 0; n <= 80; n++) {
      const s = Math.floor(random() * 64);
      expect([n, crc16Arc(data, s, s + n)]).toEqual([n, arcRef(data, s, s + n)]);
      expect([n, crc16X25(data, s, s + n)]).toEqual([n, x25Ref(data, s, s + n)]);
      expect([n, crc16Kermit(data, s, s + n)]).toEqual([n, kermitRef(data, s, s + n)]);
    }
    for (let k = 0; k < 300; k++) {
      const s = Math.floor(random() * 2048);
      const e = s + Math.floor(random() * 2048);
      expect([s, e, crc16Arc(data, s, e)]).toEqual([s, e, arcRef(data, s, e)]);
      expect([s, e, crc16X25(data, s, e)]).toEqual([s, e, x25Ref(data, s, e)]);
      expect([s, e, crc16Kermit(data, s, e)]).toEqual([s, e, kermitRef(data, s, e)]);
    }
  });

  it('on runs of 0x00 and 0xFF (every table entry at both ends)', () => {
    for (const fill of [0x00, 0xff, 0x1b]) {
      const data = new Uint8Array(1031).fill(fill);
      expect(crc16Arc(data)).toBe(arcRef(data, 0, data.length));
      expect(crc16X25(data)).toBe(x25Ref(data, 0, data.length));
      expect(crc16Kermit(data)).toBe(kermitRef(data, 0, data.length));
    }
  });

  it('on a view into a larger buffer (byteOffset not 0)', () => {
    const random = seededRandom(42);
    const backing = Uint8Array.from({ length: 1000 }, () => Math.floor(random() * 256));
    const view = backing.subarray(13, 977);
    expect(crc16Arc(view)).toBe(arcRef(backing, 13, 977));
    expect(crc16X25(view, 5, 900)).toBe(x25Ref(backing, 18, 913));
  });
});
