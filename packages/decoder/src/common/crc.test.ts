import { crc16Arc, crc16X25 } from './crc';

const check = new TextEncoder().encode('123456789');

describe('CRC-16 catalogue check values', () => {
  it('CRC-16/ARC of "123456789" is 0xBB3D', () => expect(crc16Arc(check)).toBe(0xbb3d));
  it('CRC-16/X.25 of "123456789" is 0x906E', () => expect(crc16X25(check)).toBe(0x906e));
  it('honours start and end offsets', () => expect(crc16Arc(new Uint8Array([0, ...check, 0]), 1, 10)).toBe(0xbb3d));
});
