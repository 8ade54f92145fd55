import { parseKey } from './key';

const KEY = [0x36, 0xc6, 0x66, 0x39, 0xe4, 0x8a, 0x8c, 0xa4, 0xd6, 0xbc, 0x8b, 0x28, 0x2a, 0x79, 0x3b, 0xbb];

describe('parseKey', () => {
  it.each([
    '36C66639E48A8CA4D6BC8B282A793BBB',
    '36c66639e48a8ca4d6bc8b282a793bbb',
    '36 C6 66 39 E4 8A 8C A4 D6 BC 8B 28 2A 79 3B BB',
    '0x36C66639E48A8CA4D6BC8B282A793BBB',
    '0x36, 0xC6, 0x66, 0x39, 0xE4, 0x8A, 0x8C, 0xA4, 0xD6, 0xBC, 0x8B, 0x28, 0x2A, 0x79, 0x3B, 0xBB',
    '36:C6:66:39:E4:8A:8C:A4:D6:BC:8B:28:2A:79:3B:BB',
    '  36C66639-E48A8CA4-D6BC8B28-2A793BBB\n',
  ])('accepts %j', (text) => {
    const k = parseKey(text);
    expect(k.ok && Array.from(k.value)).toEqual(KEY);
  });

  it.each([
    ['', 'bad-format'],
    ['36C66639E48A8CA4D6BC8B282A793BB', 'bad-length'],
    ['36C66639E48A8CA4D6BC8B282A793BBBAA', 'bad-length'],
    ['36C66639E48A8CA4D6BC8B282A793BBG', 'bad-format'],
  ])('rejects %j', (text, kind) => {
    const k = parseKey(text);
    expect(k.ok ? 'ok' : k.error.kind).toBe(kind);
  });

  it('never echoes the key in an error message', () => {
    const k = parseKey('36C66639E48A8CA4D6BC8B282A793BBBFF');
    expect(k.ok ? '' : k.error.message).not.toMatch(/36C6|3BBB/i);
  });
});
