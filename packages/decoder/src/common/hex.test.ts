import { hexAscii, hexToBytes } from './hex';

describe('hex helpers', () => {
  it('ignores white space, 0x and separators', () => {
    expect(Array.from(hexToBytes('0x7E a0\n1f:00') ?? [])).toEqual([0x7e, 0xa0, 0x1f, 0x00]);
  });
  it('rejects odd length and non-hex', () => {
    expect(hexToBytes('abc')).toBeUndefined();
    expect(hexToBytes('zz')).toBeUndefined();
  });
  it('decodes hex ASCII ids and refuses non-printable content', () => {
    expect(hexAscii('4B384547303034303436333935353037')).toBe('K8EG004046395507');
    expect(hexAscii('0001')).toBeUndefined();
  });
});
