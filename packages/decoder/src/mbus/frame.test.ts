import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '../common';
import { expectOk, hexBytes as hex } from '../common/testing';
import { encodeLongFrame, encodeShortFrame, mbusChecksum, parseMbusFrame } from './frame';

const fixture = (name: string): Uint8Array => hex(readFileSync(join(__dirname, '../../fixtures/mbus', `${name}.hex`), 'utf8'));

describe('EN 13757-2 frames', () => {
  it('parses the single-character ACK', () => {
    const r = parseMbusFrame(hex('E5'));
    expect(r.ok && r.value.type).toBe('ack');
  });

  it('parses a short frame (SND_NKE to address 1)', () => {
    const r = parseMbusFrame(hex('10 40 01 41 16'));
    expect(r.ok && r.value.type === 'short' ? [r.value.type, r.value.control, r.value.address] : r).toEqual(['short', 0x40, 1]);
  });

  it('parses a control frame (L = 3, no user data)', () => {
    const r = parseMbusFrame(hex('68 03 03 68 53 FE 50 A1 16'));
    expect(r.ok && r.value.type === 'control' ? [r.value.type, r.value.control, r.value.address, r.value.ci, r.value.data.length] : r).toEqual([
      'control',
      0x53,
      0xfe,
      0x50,
      0,
    ]);
  });

  it('parses a long frame and copies its user data (fx:mbus/kamstrup_multical_601.hex)', () => {
    const bytes = fixture('kamstrup_multical_601');
    const f = expectOk(parseMbusFrame(bytes));
    expect(f).toMatchObject({ type: 'long', control: 0x08, address: 0x11, ci: 0x72 });
    if (f.type !== 'long') throw new Error('unreachable: expect above failed');
    expect(f.data.length).toBe(0xf7 - 3);
    f.data[0] = 0; // a copy: the caller's buffer is untouched
    expect(bytes[7]).toBe(0x17);
  });

  it('checks every fixture: both L bytes, stop byte and checksum', () => {
    for (const name of ['EDC', 'abb_delta', 'filler', 'manual_frame2', 'landisplusgyr_ultraheat_t230']) {
      expect(parseMbusFrame(fixture(name)).ok).toBe(true);
    }
  });

  it('encodes what it parses', () => {
    expect(Array.from(encodeShortFrame(0x7b, 0x05))).toEqual([0x10, 0x7b, 0x05, 0x80, 0x16]);
    const long = encodeLongFrame(0x08, 0x01, 0x72, hex('78563412 2D2C 01 02 00 00 0000 046D 1A2F6511'));
    const back = parseMbusFrame(long);
    expect(back.ok && back.value.type).toBe('long');
    expect(mbusChecksum(hex('08 01 72'))).toBe(0x7b);
  });

  const k = 'kamstrup_multical_601';
  const broken: readonly (readonly [string, () => Uint8Array, ErrorKind])[] = [
    ['empty input', () => new Uint8Array(0), 'truncated'],
    ['not a start byte', () => hex('42 00 16'), 'bad-format'],
    ['ACK followed by more bytes', () => hex('E5 E5'), 'bad-length'],
    ['short frame cut', () => hex('10 40 01'), 'truncated'],
    ['short frame bad checksum', () => hex('10 40 01 42 16'), 'bad-crc'],
    ['short frame without stop', () => hex('10 40 01 41 17'), 'bad-format'],
    ['long frame header cut', () => hex('68 03 03'), 'truncated'],
    ['L bytes differ', () => hex('68 03 04 68 53 FE 50 A1 16'), 'bad-length'],
    ['second start byte missing', () => hex('68 03 03 69 53 FE 50 A1 16'), 'bad-format'],
    ['L below 3', () => hex('68 02 02 68 53 FE 51 16'), 'bad-length'],
    ['long frame cut', () => fixture(k).slice(0, 100), 'truncated'],
    ['bytes after the frame', () => Uint8Array.from([...fixture(k), 0x00]), 'bad-length'],
    ['long frame without stop byte', () => Uint8Array.from([...fixture(k).slice(0, -1), 0x17]), 'bad-format'],
    [
      'long frame bad checksum',
      () => {
        const b = fixture(k);
        b[20] = (b[20] as number) ^ 0x01;
        return b;
      },
      'bad-crc',
    ],
  ];
  it.each(broken)('rejects %s', (_name, make, kind) => {
    const r = parseMbusFrame(make());
    expect(r.ok ? 'decoded' : r.error.kind).toBe(kind);
  });
});
