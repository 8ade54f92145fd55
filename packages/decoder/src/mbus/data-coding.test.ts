import {
  bcdDigits,
  decodeTypeF,
  decodeTypeG,
  decodeTypeI,
  decodeTypeJ,
  formatMbusDateTime,
  lvarLength,
  readBcd,
  readReal32LE,
  readSignedLE,
  readUnsignedLE,
  reversedText,
} from './data-coding';

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

describe('EN 13757-3 data coding', () => {
  it('reads little-endian two’s complement integers of 1…8 bytes', () => {
    expect(readSignedLE(b(0xff))).toBe(-1);
    expect(readSignedLE(b(0x34, 0x12))).toBe(0x1234);
    expect(readSignedLE(b(0xfe, 0xff, 0xff))).toBe(-2);
    expect(readSignedLE(b(0xe7, 0x91, 0x00, 0x00))).toBe(37351); // fx:mbus/kamstrup_multical_601.hex energy
    expect(readSignedLE(b(0x00, 0x00, 0x00, 0x80))).toBe(-2147483648);
    expect(readSignedLE(b(0xfc, 0x03, 0x6d, 0x00, 0x2d, 0x00))).toBe(193280672764); // fx:mbus/siemens_rvd235.hex model/version
    expect(readSignedLE(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(-1);
    expect(readSignedLE(b(0x01, 0, 0, 0, 0, 0, 0, 0))).toBe(1);
    expect(readSignedLE(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(-1);
    expect(readUnsignedLE(b(0xff, 0xff))).toBe(65535);
  });

  it('reads BCD, LSB first, with F in the most significant nibble as minus', () => {
    expect(readBcd(b(0x78, 0x03, 0x49, 0x11))).toBe(11490378);
    expect(bcdDigits(b(0x17, 0x58, 0x85, 0x06))).toBe('06855817');
    expect(readBcd(b(0x02, 0xf0))).toBe(-2); // fx:mbus/landisplusgyr_ultraheat_t230.hex temperature difference
    expect(readBcd(b(0x45, 0xf3))).toBe(-345);
    expect(readBcd(b(0xbd, 0xeb, 0xdd, 0xdd))).toBeUndefined(); // fx:mbus/ELS_Elster-F96-Plus.hex error value
  });

  it('reads real32 little-endian', () => {
    expect(readReal32LE(b(0x00, 0x00, 0xb8, 0x42))).toBe(92); // fx:mbus/EDC.hex temperature
  });

  it('decodes type G dates and treats 00 00 as no date', () => {
    expect(decodeTypeG(b(0xdf, 0x1c))).toEqual({ year: 2014, month: 12, day: 31 }); // 2014-12-31
    expect(decodeTypeG(b(0x00, 0x00))).toBeUndefined();
  });

  it('decodes type F date-times (fx:mbus/kamstrup_multical_601.hex → 2011-01-05T15:26)', () => {
    const t = decodeTypeF(b(0x1a, 0x2f, 0x65, 0x11));
    expect(t && formatMbusDateTime(t)).toBe('2011-01-05T15:26:00');
    expect(decodeTypeF(b(0xa1, 0x15, 0xe9, 0x17))).toBeUndefined(); // time-invalid bit (fx:mbus/REL-Relay-Padpuls2.hex)
  });

  it('applies the century rule: hundred-year bits, else years ≤ 80 are 20xx', () => {
    expect(decodeTypeF(b(0x00, 0x00, 0x21, 0x3c))?.year).toBe(2025); // year 25, hy 0
    expect(decodeTypeF(b(0x00, 0x00, 0x61, 0xcc))?.year).toBe(1999); // year 99 → 1999
    expect(decodeTypeF(b(0x00, 0x20, 0x61, 0xcc))?.year).toBe(2099); // hy 1
  });

  it('decodes type I (6 bytes, seconds) and type J (time) as laid out in the notes', () => {
    const i = decodeTypeI(b(0x1e, 0x1a, 0x0f, 0x65, 0x11, 0x00));
    expect(i && formatMbusDateTime(i)).toBe('2011-01-05T15:26:30');
    expect(decodeTypeJ(b(0x1e, 0x1a, 0x0f))).toBe('15:26:30');
  });

  it('interprets LVAR bytes', () => {
    expect(lvarLength(0x0a)).toEqual({ kind: 'text', length: 10 });
    expect(lvarLength(0xc3)).toEqual({ kind: 'bcd', length: 3 });
    expect(lvarLength(0xd2)).toEqual({ kind: 'negative-bcd', length: 2 });
    expect(lvarLength(0xe5)).toEqual({ kind: 'binary', length: 5 });
    expect(lvarLength(0xf0)).toEqual({ kind: 'binary', length: 16 });
    expect(lvarLength(0xf4)).toEqual({ kind: 'binary', length: 32 });
    expect(lvarLength(0xf5)).toEqual({ kind: 'binary', length: 48 });
    expect(lvarLength(0xf6)).toEqual({ kind: 'binary', length: 64 });
    expect(lvarLength(0xf7)).toBeUndefined();
    expect(lvarLength(0xca)).toBeUndefined();
    expect(reversedText(b(0x48, 0x52, 0x25))).toBe('%RH');
  });
});
