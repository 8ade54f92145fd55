import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOk, hexBytes } from '../common/testing';
import { buildHdlcFrame, parseHdlcFrame } from './frame';

const cii = (name: string): Uint8Array[] =>
  readFileSync(join(__dirname, '../../fixtures/dlms-hdlc-cii', name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => hexBytes(l));

describe('parseHdlcFrame', () => {
  it('reads format, addresses, control and information of an Iskra AM550 segment (A8 A4, S=1)', () => {
    const [first] = cii('scs-iskra_am550-unencrypted-valid-data.hex');
    const f = expectOk(parseHdlcFrame(first as Uint8Array));
    expect(f.segmented).toBe(true);
    expect(f.destination).toEqual({ value: 0x67, size: 1 }); // CF
    expect(f.source).toEqual({ value: (0x01 << 7) | 0x11, size: 2 }); // 02 23
    expect(f.control).toBe(0x03);
    expect(Array.from(f.information.subarray(0, 4))).toEqual([0xe6, 0xe7, 0x00, 0x0f]);
    expect(f.information.length).toBe(0xa4 - 2 - 1 - 2 - 1 - 2 - 2); // length − format − dst − src − control − HCS − FCS
  });

  it('reads the last Iskra segment (A0, S=0, control 13) and a two-byte L+G destination (CE FF)', () => {
    const iskra = cii('scs-iskra_am550-unencrypted-valid-data.hex');
    const last = parseHdlcFrame(iskra[iskra.length - 1] as Uint8Array);
    expect(last.ok && !last.value.segmented && last.value.control === 0x13).toBe(true);
    const lg = parseHdlcFrame(cii('scs-lg_e450-unencrypted-valid-data.hex')[0] as Uint8Array);
    expect(lg.ok && lg.value.destination.size === 2 && lg.value.source.size === 1).toBe(true);
  });

  it.each([
    [[0x41], [0x03]],
    [[0x02, 0x23], [0x21]],
    [
      [0x00, 0x02, 0x00, 0x21],
      [0x02, 0x23],
    ],
  ])('round-trips addresses %j / %j', (dst, src) => {
    const info = Uint8Array.from([0xe6, 0xe7, 0x00, 0x0f, 0x7e, 0x7e]);
    const f = expectOk(parseHdlcFrame(buildHdlcFrame(info, { destination: dst, source: src })));
    expect(f.destination.size).toBe(dst.length);
    expect(f.source.size).toBe(src.length);
    expect(Array.from(f.information)).toEqual(Array.from(info));
  });

  it('accepts a frame without information field (no HCS)', () => {
    const f = parseHdlcFrame(buildHdlcFrame(new Uint8Array(0), { control: 0x93 }));
    expect(f.ok && f.value.information.length === 0 && f.value.control === 0x93).toBe(true);
  });

  const good = buildHdlcFrame(Uint8Array.from([0xe6, 0xe7, 0x00, 0x0f, 1, 2, 3]));
  const mutate = (i: number, v: number): Uint8Array => {
    const b = good.slice();
    b[i] = v;
    return b;
  };
  const broken: [string, Uint8Array, string][] = [
    ['corrupted HCS', mutate(7, (good[7] as number) ^ 1), 'bad-crc'],
    ['corrupted FCS', mutate(good.length - 2, (good[good.length - 2] as number) ^ 0x80), 'bad-crc'],
    ['corrupted payload', mutate(12, 0x55), 'bad-crc'],
    ['no closing flag', mutate(good.length - 1, 0x00), 'bad-format'],
    ['wrong frame type', mutate(1, 0x90), 'bad-format'],
    ['length field off by one', mutate(2, (good[2] as number) + 1), 'bad-length'],
    ['address without terminator', Uint8Array.from([0x7e, 0xa0, 0x09, 0x02, 0x02, 0x02, 0x02, 0x02, 0x13, 0x00, 0x7e]), 'bad-format'],
    ['too short', Uint8Array.from([0x7e, 0xa0, 0x7e]), 'truncated'],
  ];
  it.each(broken)('rejects %s', (_name, bytes, kind) => {
    const f = parseHdlcFrame(bytes);
    expect(f.ok ? 'ok' : f.error.kind).toBe(kind);
  });

  it('does not mutate its input', () => {
    const copy = good.slice();
    parseHdlcFrame(copy);
    expect(Array.from(copy)).toEqual(Array.from(good));
  });
});
