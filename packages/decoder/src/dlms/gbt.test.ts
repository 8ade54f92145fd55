import { parseGbtBlock } from './gbt';

/** `E0 · control · block number · ack number · BER length · data`. */
function block(lengthBytes: number[], dataLength: number): Uint8Array {
  const data = Array.from({ length: dataLength }, (_, i) => i & 0xff);
  return Uint8Array.from([0xe0, 0x80, 0x00, 0x07, 0x00, 0x00, ...lengthBytes, ...data]);
}

describe('parseGbtBlock', () => {
  it('reads a short-form length and gives the data as a view', () => {
    const apdu = block([3], 3);
    const r = parseGbtBlock(apdu);
    expect(r.ok && { last: r.value.last, blockNumber: r.value.blockNumber, data: [...r.value.data], view: r.value.data.buffer === apdu.buffer }).toEqual({
      last: true,
      blockNumber: 7,
      data: [0, 1, 2],
      view: true,
    });
  });

  it('reads long-form lengths (81 xx and 82 xx xx) of blocks of 128 bytes and more', () => {
    const one = parseGbtBlock(block([0x81, 0x80], 128));
    const two = parseGbtBlock(block([0x82, 0x01, 0x02], 258));
    expect(one.ok && one.value.data.length).toBe(128);
    expect(one.ok && one.value.data[127]).toBe(127);
    expect(two.ok && two.value.data.length).toBe(258);
    expect(two.ok && two.value.data[257]).toBe(1);
  });

  it('rejects a length that disagrees with the bytes, and malformed long forms', () => {
    const kind = (apdu: Uint8Array): string | undefined => {
      const r = parseGbtBlock(apdu);
      return r.ok ? undefined : r.error.kind;
    };
    expect(kind(block([4], 3))).toBe('bad-length');
    expect(kind(block([0x81, 0x80], 127))).toBe('bad-length');
    expect(kind(block([0x80], 0))).toBe('bad-format'); // a long form without length bytes
    expect(kind(block([0x85, 0, 0, 0, 0, 1], 1))).toBe('bad-format'); // more than 4 length bytes
    expect(kind(Uint8Array.from([0xe0, 0x80, 0, 1, 0, 0, 0x82, 0x01]))).toBe('truncated');
  });
});
