import { hexToBytes } from '../common';
import { encodeTl } from './encode';
import { SML_TYPE, SmlReader, readBigEndian, readTl, smlTypeName } from './tl';

const hex = (h: string): Uint8Array => hexToBytes(h) ?? new Uint8Array(0);

function intOf(h: string): number | bigint {
  const r = new SmlReader(hex(h));
  const tl = hex(h)[0] as number;
  const v = (tl & 0x70) === SML_TYPE.integer ? r.integer('test') : r.unsigned('test');
  if (r.error) throw new Error(`${h}: ${r.error.kind}`);
  expect(r.pos).toBe(hex(h).length);
  return v;
}

function errorOf(h: string, read: (r: SmlReader) => unknown): string | undefined {
  const r = new SmlReader(hex(h));
  read(r);
  return r.error?.kind;
}

describe('SML TL field', () => {
  it.each([
    ['04454D48', 'octets', 3, 1], // "EMH": length 4 includes the TL byte
    ['01', 'octets', 0, 1], // absent optional = empty octet string
    ['77', 'list', 7, 1],
    ['76', 'list', 6, 1],
    ['8302', 'octets', 48, 2], // 0x32 = 50 − 2 TL bytes = 48-byte public key
    ['F10E', 'list', 30, 2], // Holley DTZ541 valList: 0x1E entries
    ['56', 'integer', 5, 1],
    ['69', 'unsigned', 8, 1],
    ['42', 'boolean', 1, 1],
  ])('%s → %s of length %d (%d TL bytes)', (h, type, length, tlBytes) => {
    const bytes = new Uint8Array(64);
    bytes.set(hex(h));
    const r = readTl(bytes);
    expect(r.ok && { type: smlTypeName(r.value.type), length: r.value.length, tlBytes: r.value.tlBytes }).toEqual({ type, length, tlBytes });
  });

  it('round-trips multi-byte lengths through the writer for octets and lists', () => {
    for (const type of [SML_TYPE.octets, SML_TYPE.list]) {
      for (const n of [0, 1, 13, 14, 15, 16, 100, 253, 254, 255, 256, 4000, 4093, 4094, 70000]) {
        const tl = encodeTl(type, n);
        const bytes = new Uint8Array(tl.length + (type === SML_TYPE.list ? 0 : n));
        bytes.set(tl);
        const r = readTl(bytes);
        expect(r.ok && [r.value.length, r.value.tlBytes]).toEqual([n, tl.length]);
      }
    }
  });

  it('writes the examples from the notes', () => {
    expect(encodeTl(SML_TYPE.octets, 48)).toEqual([0x83, 0x02]);
    expect(encodeTl(SML_TYPE.octets, 3)).toEqual([0x04]);
    expect(encodeTl(SML_TYPE.list, 30)).toEqual([0xf1, 0x0e]);
    // 14 data bytes + 1 TL byte = 15 still fits one nibble; 15 bytes need 2 TL bytes: 15 + 2 = 0x11.
    expect(encodeTl(SML_TYPE.octets, 14)).toEqual([0x0f]);
    expect(encodeTl(SML_TYPE.octets, 15)).toEqual([0x81, 0x01]);
  });
});

describe('SML integers of every width', () => {
  it.each([
    ['62FF', 255],
    ['52FF', -1], // int8 −1, never 255 (OBI_Energy_Tracker issue #68)
    ['5280', -128],
    ['527F', 127],
    ['53D6CA', -10550], // DZG −105.50 W (libsml-testing PR #15)
    ['538B28', -29912], // the same bytes a DZG DVS74 means as +356.24 W
    ['638B28', 35624],
    ['54FFFFFF', -1], // int24
    ['54800000', -8388608],
    ['64000182', 386], // uint24 status word
    ['55FFFE1393', -126061],
    ['56000924 7A55', 153385557], // EMH int40 energy
    ['56FFFFFFFFFF', -1],
    ['57FFFFFFFFFFFE', -2], // int48
    ['67FFFFFFFFFFFF', 281474976710655],
    ['58FFFFFFFFFFFFFF', -1], // int56
    ['5800FFFFFFFFFFFF', 281474976710655],
    ['59000000000D637E08', 224624136], // OpenEMS int64
    ['59FFFFFFFFFFFFFFFF', -1],
    ['69001FFFFFFFFFFFFF', Number.MAX_SAFE_INTEGER],
    ['59FFE0000000000001', -Number.MAX_SAFE_INTEGER],
  ])('%s = %s', (h, expected) => {
    expect(intOf(h.replace(/ /g, ''))).toBe(expected);
  });

  it('returns bigint beyond 2^53 and keeps every bit', () => {
    expect(intOf('690020000000000000')).toBe(2n ** 53n);
    expect(intOf('69FFFFFFFFFFFFFFFF')).toBe(2n ** 64n - 1n);
    expect(intOf('598000000000000000')).toBe(-(2n ** 63n));
    expect(intOf('59FFE0000000000000')).toBe(-(2n ** 53n));
    expect(intOf('687FFFFFFFFFFFFF')).toBe(2n ** 55n - 1n); // uint56
  });

  it('readBigEndian sign-extends from the width it is given', () => {
    const b = Uint8Array.of(0xff, 0x80, 0x00);
    expect(readBigEndian(b, 1, 1, true)).toBe(-128);
    expect(readBigEndian(b, 1, 1, false)).toBe(128);
    expect(readBigEndian(b, 0, 3, true)).toBe(-32768);
  });

  it('reads a boolean and skips nested lists', () => {
    const r = new SmlReader(hex('4201 72 72 6201 6202 04414243 5201'));
    expect(r.boolean('b')).toBe(true);
    r.skip();
    expect(r.integer('after')).toBe(1);
    expect(r.error).toBeUndefined();
  });
});

describe('SML TL errors', () => {
  it.each([
    ['5A000000000000000000', 'bad-length'], // 9-byte integer
    ['51', 'bad-length'], // integer without bytes
    ['50', 'bad-length'], // length shorter than the TL byte itself
    ['560009', 'truncated'],
    ['83', 'truncated'], // multi-byte TL cut off
    ['1301', 'bad-format'], // type 001 is not defined
    ['8888888888888888888801', 'bad-format'], // endless TL
    ['0401', 'truncated'], // string runs past the end
  ])('%s → %s', (h, kind) => {
    expect(errorOf(h, (r) => r.skip())).toBe(kind);
  });

  it('refuses the wrong type where one is expected', () => {
    expect(errorOf('6201', (r) => r.integer('scaler'))).toBe('bad-format');
    expect(errorOf('5201', (r) => r.list('list'))).toBe('bad-format');
    expect(errorOf('72', (r) => r.list('list', 7))).toBe('bad-format');
  });

  it('keeps the first error and stops reading', () => {
    const r = new SmlReader(hex('1301 6201'));
    r.skip();
    expect(r.unsigned('next')).toBe(0);
    expect(r.error?.kind).toBe('bad-format');
    expect(r.error?.offset).toBe(0);
  });
});
