import { ByteMemo } from '../common/byte-memo';
import { bytesToHex } from '../common';
import { octetsToText, octetsToTextAt } from './values';

/** Binary octet strings (server ids, public keys) become upper-case hex, memoised per decoder. */
describe('octetsToText', () => {
  // a 10-byte server id and a 48-byte public key (past the 13 characters where V8 starts ropes)
  const serverId = Uint8Array.of(0x0a, 0x01, 0x49, 0x53, 0x4b, 0x00, 0x05, 0x16, 0x46, 0x5c);
  const publicKey = Uint8Array.from({ length: 48 }, (_, i) => (i * 37 + 11) & 0xff);
  const long = Uint8Array.from({ length: 100 }, (_, i) => (i * 53) & 0xff);

  it.each([
    ['server id', serverId, '0A0149534B000516465C'],
    ['public key', publicKey, bytesToHex(publicKey)],
    ['100 bytes', long, bytesToHex(long)],
  ])('%s: the same hex with and without a memo, again from the memo', (_, bytes, hex) => {
    expect(hex).toMatch(/^[0-9A-F]+$/);
    const memo = new ByteMemo<string>(64);
    expect(octetsToText(bytes)).toBe(hex);
    expect(octetsToText(bytes, memo)).toBe(hex);
    expect(octetsToText(bytes.slice(), memo)).toBe(hex);
    // cut out of a longer input
    const framed = Uint8Array.from([0x77, ...bytes, 0x01]);
    expect(octetsToTextAt(framed, 1, bytes.length, memo)).toBe(hex);
    expect(memo.get(framed, 1, 1 + bytes.length)).toBe(hex);
  });

  it('keeps printable texts as text', () => {
    expect(octetsToText(Uint8Array.from(Buffer.from('ISK00 ')), new ByteMemo<string>(8))).toBe('ISK00 ');
  });
});
