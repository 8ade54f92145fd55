import { hexToBytes } from '../common';
import { hexBytes } from '../common/testing';
import { decodeAxdr } from './axdr';
import { dlmsNumber, type DlmsData } from './axdr-types';

const dec = (hex: string): DlmsData => {
  const r = decodeAxdr(hexBytes(hex));
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value.value;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

describe('A-XDR Data', () => {
  it.each([
    ['0F FE', 'integer', -2],
    ['0F 7F', 'integer', 127],
    ['10 FF38', 'long', -200],
    ['11 FF', 'unsigned', 255],
    ['12 09 21', 'long-unsigned', 2337],
    ['05 FFFFFFFE', 'double-long', -2],
    ['06 00003289', 'double-long-unsigned', 12937],
    ['06 FFFFFFFF', 'double-long-unsigned', 4294967295],
    ['16 1E', 'enum', 30],
    ['0D 42', 'bcd', 42],
    ['17 40490FDB', 'float32', Math.fround(Math.PI)],
    ['18 400921FB54442D18', 'float64', Math.PI],
  ])('%s → %s %d', (h, type, value) => {
    const d = dec(h);
    expect(d.type).toBe(type);
    expect(dlmsNumber(d)).toBe(value);
  });

  it('reads 64-bit integers as bigint', () => {
    expect(dec('14 FFFFFFFFFFFFFFFF')).toEqual({ type: 'long64', value: -1n });
    expect(dec('15 0000000000027C91')).toEqual({ type: 'long64-unsigned', value: 0x27c91n });
    expect(dlmsNumber(dec('15 0000000000027C91'))).toBe(0x27c91);
  });

  it('reads null-data, boolean and bit-string', () => {
    expect(dec('00')).toEqual({ type: 'null-data' });
    expect(dec('03 01')).toEqual({ type: 'boolean', value: true });
    expect(dec('03 00')).toEqual({ type: 'boolean', value: false });
    const bits = dec('04 0C A5F0');
    expect(bits.type === 'bit-string' && bits.bits === 12 && hex(bits.value)).toBe('A5F0');
  });

  it('reads octet, visible and utf8 strings with BER lengths', () => {
    const o = dec('09 06 0100010800FF');
    expect(o.type === 'octet-string' && hex(o.value)).toBe('0100010800FF');
    expect(dec('0A 0E 4B616D73747275705F5630303031')).toEqual({ type: 'visible-string', value: 'Kamstrup_V0001' });
    expect(dec('0C 03 C3A46B')).toEqual({ type: 'utf8-string', value: 'äk' });
    const long = dec(`09 81 80 ${'AB'.repeat(128)}`);
    expect(long.type === 'octet-string' && long.value.length).toBe(128);
    const longer = dec(`09 82 0100 ${'CD'.repeat(256)}`);
    expect(longer.type === 'octet-string' && longer.value.length).toBe(256);
  });

  it('reads date-time, date and time as their raw bytes', () => {
    const dt = dec('19 07E5091B01092F0F00FF8880');
    expect(dt.type === 'date-time' && hex(dt.value)).toBe('07E5091B01092F0F00FF8880');
    expect(dec('1A 07E5091B01').type).toBe('date');
    expect(dec('1B 092F0F00').type).toBe('time');
  });

  it('reads nested structures and arrays (scaler-unit inside a register structure)', () => {
    const d = dec('02 03 09 06 0100200700FF 12 0921 02 02 0F FF 16 23');
    expect(d).toEqual({
      type: 'structure',
      items: [
        { type: 'octet-string', value: hexToBytes('0100200700FF') },
        { type: 'long-unsigned', value: 2337 },
        {
          type: 'structure',
          items: [
            { type: 'integer', value: -1 },
            { type: 'enum', value: 35 },
          ],
        },
      ],
    });
    const arr = dec('01 02 11 01 11 02');
    expect(arr.type === 'array' && arr.items.map(dlmsNumber)).toEqual([1, 2]);
  });

  it('reads a compact-array of structures {long-unsigned, integer} (Blue Book layout, unverified on a meter)', () => {
    // type description: structure of 2 {12, 0F}; contents: 2 × (u16, int8) = 6 bytes
    const d = dec('13 02 02 12 0F 06 0001 FF 0002 02');
    expect(d.type).toBe('compact-array');
    expect(d.type === 'compact-array' && d.items.map((s) => (s.type === 'structure' ? s.items.map(dlmsNumber) : []))).toEqual([
      [1, -1],
      [2, 2],
    ]);
    const a = dec('13 01 0002 11 04 01 02 03 04'); // array-of-2 unsigned description, two elements of it
    expect(a.type === 'compact-array' && a.items.length).toBe(2);
  });

  it('reports where it stopped', () => {
    const r = decodeAxdr(hexBytes('02 02 11 01 12 00'));
    expect(r.ok ? 'ok' : [r.error.kind, r.error.offset]).toEqual(['truncated', 5]);
    const end = decodeAxdr(hexBytes('11 05 00'));
    expect(end.ok && end.value.end).toBe(2);
  });

  it.each([
    ['empty', '', 'truncated'],
    ['unknown tag', '07 00', 'unsupported'],
    ['string longer than data', '09 10 0102', 'truncated'],
    ['BER length of 5 bytes', '09 85 0000000001 00', 'bad-format'],
    ['array count beyond data', '01 81 FF 11 01', 'bad-length'],
    ['bcd with nibble A', '0D 1A', 'bad-value'],
    ['truncated double-long', '06 0000', 'truncated'],
    ['nesting deeper than 16', `${'02 01 '.repeat(17)}00`, 'bad-format'],
  ])('rejects %s', (_n, h, kind) => {
    const r = decodeAxdr(hexToBytes(h) ?? new Uint8Array(0));
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });
});
