import {
  buildApplicationReset,
  buildReqUd1,
  buildReqUd2,
  buildSelectSecondary,
  buildSetBaudRate,
  buildSetPrimaryAddress,
  buildSndNke,
  createFcbState,
  encodeSecondaryMask,
  isAck,
  linkReset,
  matchesSecondaryMask,
  nextReqUd2,
  parseSecondaryMask,
  repeatReqUd2,
} from './master';
import { parseMbusFrame } from './frame';

const hex = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('M-Bus master requests', () => {
  it('builds SND_NKE, REQ_UD2 and REQ_UD1 byte-exact', () => {
    expect(hex(buildSndNke(1))).toBe('10 40 01 41 16');
    expect(hex(buildSndNke(0xfd))).toBe('10 40 FD 3D 16');
    expect(hex(buildReqUd2(1, true))).toBe('10 7B 01 7C 16');
    expect(hex(buildReqUd2(1, false))).toBe('10 5B 01 5C 16');
    expect(hex(buildReqUd2(0xfe, true))).toBe('10 7B FE 79 16');
    expect(hex(buildReqUd1(5, false))).toBe('10 5A 05 5F 16');
    expect(() => buildSndNke(256)).toThrow(RangeError);
  });

  it('builds application reset, baud rate and primary address frames', () => {
    expect(hex(buildApplicationReset(0xfe))).toBe('68 03 03 68 53 FE 50 A1 16');
    expect(hex(buildApplicationReset(1, 0x10))).toBe('68 04 04 68 53 01 50 10 B4 16');
    expect(hex(buildSetBaudRate(1, 9600))).toBe('68 03 03 68 53 01 BD 11 16');
    expect(hex(buildSetPrimaryAddress(1, 5))).toBe('68 06 06 68 53 01 51 01 7A 05 25 16');
    for (const f of [buildApplicationReset(0xfe), buildSetBaudRate(1, 2400), buildSetPrimaryAddress(1, 5)]) expect(parseMbusFrame(f).ok).toBe(true);
  });

  it('toggles the FCB on each new REQ_UD2 and repeats it for a retransmission', () => {
    let state = createFcbState();
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = nextReqUd2(state, 1);
      sent.push(hex(r.frame));
      state = r.state;
    }
    expect(sent).toEqual(['10 7B 01 7C 16', '10 5B 01 5C 16', '10 7B 01 7C 16']);
    expect(hex(repeatReqUd2(state, 1).frame)).toBe('10 7B 01 7C 16');
    // Addresses are independent; SND_NKE sets the next FCB back to 1.
    expect(nextReqUd2(state, 2).fcb).toBe(true);
    const reset = linkReset(state, 1);
    expect(hex(reset.frame)).toBe('10 40 01 41 16');
    expect(nextReqUd2(reset.state, 1).fcb).toBe(true);
  });

  it('builds the secondary address selection (SND_UD to FD, CI 52, wildcards F/FF)', () => {
    const r = buildSelectSecondary('12345678FFFFFFFF');
    expect(r.ok && hex(r.value)).toBe('68 0B 0B 68 53 FD 52 78 56 34 12 FF FF FF FF B2 16');
    const exact = buildSelectSecondary({ id: '06855817', manufacturer: 'KAM', version: 8, medium: 4 });
    expect(exact.ok && hex(exact.value)).toBe('68 0B 0B 68 53 FD 52 17 58 85 06 2D 2C 08 04 01 16');
    const mask = parseSecondaryMask('0685581F2C2D0804');
    expect(mask.ok && mask.value).toEqual({ id: '0685581F', manufacturer: 'KAM', version: 8, medium: 4 });
    expect(parseSecondaryMask('12345678').ok).toBe(false);
    expect(parseSecondaryMask('1234567A FFFFFFFF').ok).toBe(false);
    expect(encodeSecondaryMask({ id: '12345678', manufacturer: 'K4M' }).ok).toBe(false);
  });

  it('matches a slave against a selection mask digit by digit', () => {
    const slave = bytes('17 58 85 06 2D 2C 08 04');
    const sel = (m: string): Uint8Array => {
      const r = parseSecondaryMask(m);
      if (!r.ok) throw new Error(m);
      const e = encodeSecondaryMask(r.value);
      if (!e.ok) throw new Error(m);
      return e.value;
    };
    expect(matchesSecondaryMask(sel('FFFFFFFFFFFFFFFF'), slave)).toBe(true);
    expect(matchesSecondaryMask(sel('0FFFFFFFFFFFFFFF'), slave)).toBe(true);
    expect(matchesSecondaryMask(sel('1FFFFFFFFFFFFFFF'), slave)).toBe(false);
    expect(matchesSecondaryMask(sel('06855817FFFF08FF'), slave)).toBe(true);
    expect(matchesSecondaryMask(sel('06855817FFFF09FF'), slave)).toBe(false);
    expect(matchesSecondaryMask(sel('068558172C2D0804'), slave)).toBe(true);
    expect(matchesSecondaryMask(sel('068558172C2E0804'), slave)).toBe(false);
  });

  it('recognises the ACK', () => {
    expect(isAck(Uint8Array.of(0xe5))).toBe(true);
    expect(isAck(Uint8Array.of(0xe5, 0xe5))).toBe(false);
    const f = parseMbusFrame(Uint8Array.of(0xe5));
    expect(f.ok && isAck(f.value)).toBe(true);
  });
});
