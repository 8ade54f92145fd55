import { ObisTable } from './obis-ref';
import { latin1Bytes } from '../common/testing';

const table = new ObisTable();

/**
 * readObis finds codes it has met by their text (a word-wise lookup) and parses the others; both
 * must give the same reference and end. The text lookup needs 16 readable bytes, so a line that
 * is followed by more text takes it, a code at the very end of the input is parsed.
 */
function both(text: string): { fast: [string | undefined, number]; parsed: [string | undefined, number] } {
  const padded = latin1Bytes(`${text}00123.456*kWh)\r\n1-0:2.8.1(000000.000*kWh)\r\n`);
  const bare = latin1Bytes(text);
  const fast = table.read(padded, 0, padded.length)?.code;
  const fastEnd = table.end;
  const parsed = table.read(bare, 0, bare.length)?.code;
  return { fast: [fast, fastEnd], parsed: [parsed, table.end] };
}

describe('readObis by text equals readObis by parsing', () => {
  const texts = [
    '1-0:1.8.1(',
    '1-0:1.8.1*255(',
    '1-0:1.8.0.255(',
    '1-0:1.8.0&1(',
    '1-0:32.32.0(',
    '0-1:24.2.1(',
    '1-0:99.97.0(',
    '0-0:96.13.0(',
    '0-0:96.1.255*255(',
    '1-0:1.8(', // not a code
    '1-0:1.8.1 (', // blank before the bracket: parsed, ends at the blank
    '1-0:1.8.1*255*3(', // stops after F
    '1-0:1.8.1\u0000(', // a NUL must not read as the end of the text
    '1-0:1.8.1-(',
    '1234-0:1.8.1(',
    '255-255:255.255.255*255(', // longer than the text lookup takes
    '(', // no code at all
  ];
  it.each(texts)('%j', (text) => {
    for (let k = 0; k < 3; k++) {
      // Repeated: the first read may memoise the text, the later ones look it up.
      const { fast, parsed } = both(text);
      expect(fast).toEqual(parsed);
    }
  });

  it('tells codes apart whose texts differ only after the first word or in length', () => {
    const read = (t: string): string | undefined => {
      const b = latin1Bytes(`${t}(1)\r\n!0000\r\n`);
      return table.read(b, 0, b.length)?.code;
    };
    for (let k = 0; k < 2; k++) {
      expect(read('1-0:1.8.1')).toBe('1-0:1.8.1');
      expect(read('1-0:1.8.10')).toBe('1-0:1.8.10');
      expect(read('1-0:1.8.100')).toBe('1-0:1.8.100');
      expect(read('1-0:21.8.1')).toBe('1-0:21.8.1');
      expect(read('1-0:1.8.1*1')).toBe('1-0:1.8.1*1');
      expect(read('1-0:1.8.1*11')).toBe('1-0:1.8.1*11');
    }
  });
});

describe('the tables grow with the codes met', () => {
  const line = (k: number): string => `1-${k % 7}:${1 + (k % 97)}.${Math.floor(k / 97)}.${k % 5}`;
  const read = (t: ObisTable, code: string): { ref: ReturnType<ObisTable['read']>; end: number } => {
    const b = latin1Bytes(`${code}(000001.000*kWh)\r\n`);
    const ref = t.read(b, 0, b.length);
    return { ref, end: t.end };
  };

  it('starts at 32 slots and keeps every code it met, by value and by text, through each doubling', () => {
    const t = new ObisTable();
    expect(t.slots).toEqual({ codes: 32, texts: 32 });
    const first = new Map<string, ReturnType<ObisTable['read']>>();
    for (let k = 0; k < 300; k++) {
      const code = line(k);
      const { ref, end } = read(t, code);
      expect(ref?.code).toBe(code);
      expect(end).toBe(code.length);
      first.set(code, ref);
    }
    // 300 codes: three quarters of 512 slots at most
    expect(t.slots).toEqual({ codes: 512, texts: 512 });
    // every code read again (now by its text) is the very reference made the first time
    for (const [code, ref] of first) expect(read(t, code).ref).toBe(ref);
    // and found by value after the doublings: another text of the same code (F = 255 written out)
    for (const [code, ref] of first) expect(read(t, `${code}*255`).ref).toBe(ref);
  });

  it('stays small for a telegram of a few dozen codes and shrinks back when trimmed', () => {
    const t = new ObisTable();
    for (let k = 0; k < 24; k++) read(t, line(k));
    expect(t.slots).toEqual({ codes: 32, texts: 32 });
    // the 25th code passes three quarters of 32 slots: both tables double, keeping what they held
    read(t, line(24));
    expect(t.slots).toEqual({ codes: 64, texts: 64 });
    for (let k = 25; k < 40; k++) read(t, line(k));
    expect(t.slots).toEqual({ codes: 64, texts: 64 });
    for (let k = 0; k < 40; k++) expect(read(t, line(k)).ref?.code).toBe(line(k));
    expect(t.trim()).toBe(false);
    for (let k = 40; k < 600; k++) read(t, line(k));
    expect(t.trim()).toBe(true);
    expect(t.slots).toEqual({ codes: 32, texts: 32 });
    expect(read(t, line(5)).ref?.code).toBe(line(5));
  });
});

describe('references by value (two small integers per code)', () => {
  const refOf = (t: ObisTable, text: string): ReturnType<ObisTable['read']> => {
    const b = latin1Bytes(`${text}(1)\r\n`);
    return t.read(b, 0, b.length);
  };

  it('gives one reference per code whatever its spelling, and tells codes apart in every field', () => {
    const t = new ObisTable();
    const base = refOf(t, '1-0:1.8.1');
    for (const same of ['1-0:1.8.1*255', '1-0:1.8.1.255', '1-0:1.8.1&255', '001-000:001.008.001']) expect(refOf(t, same)).toBe(base);
    const others = ['0-0:1.8.1', '1-1:1.8.1', '1-0:2.8.1', '1-0:1.9.1', '1-0:1.8.2', '1-0:1.8.1*254', '255-255:255.255.255*254', '0-0:0.0.0*0'];
    const refs = others.map((o) => refOf(t, o));
    expect(new Set([base, ...refs]).size).toBe(others.length + 1);
    expect(refs.map((r) => r?.code)).toEqual([
      '0-0:1.8.1',
      '1-1:1.8.1',
      '1-0:2.8.1',
      '1-0:1.9.1',
      '1-0:1.8.2',
      '1-0:1.8.1*254',
      '255-255:255.255.255*254',
      '0-0:0.0.0*0',
    ]);
    expect([refs[1]?.a, refs[1]?.b, refs[1]?.c, refs[1]?.channel]).toEqual([1, 1, 1, undefined]);
    expect([refs[6]?.a, refs[6]?.b, refs[6]?.c]).toEqual([255, 255, 255]);
    expect(refOf(t, '0-2:24.2.1')?.channel).toBe(2);
    for (const [i, o] of others.entries()) expect(refOf(t, o)).toBe(refs[i]);
  });
});
