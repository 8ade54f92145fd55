import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAlone } from '../test-support/hostile-stream';
import { factoryDecoder, resignBcc } from '../test-support/protocols';
import { parseIdentification } from './identification';

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, '../../fixtures/d0', name)));

describe('identification line', () => {
  it('reads manufacturer, baud character, escape and identification', () => {
    expect(parseIdentification(ascii('/LGZ5\\2ZMD4104407.B\r\n'))).toMatchObject({
      ok: true,
      value: { manufacturerId: 'LGZ', baudChar: '5', escape: '2', ident: 'ZMD4104407.B' },
    });
  });

  it.each(['/LGZ5\\2ZMD4104407.B/SIEC2WR5\r\n', '/ISK5MT174!\r\n', '/LGZ5\\/LGZ5\\2ZMD4104407.B31\r\n'])(
    'refuses %j: "/" and "!" are no identification characters',
    (line) => {
      expect(parseIdentification(ascii(line))).toMatchObject({ ok: false, error: { kind: 'bad-format' } });
    },
  );

  // Found by `npm run fuzz` (iec62056-21, seed 2859085436): a readout cut inside its data block, a
  // sign-on cut before its CR LF, then a good readout. The cut line and the next identification ran together and the readout was
  // published as a Landis+Gyr meter; the good readout must come out exactly as alone.
  it('a cut identification line does not lend its manufacturer to the next readout', () => {
    const good = resignBcc(fixture('smartmeter-obis-siemens-2wr5.txt')); // its published BCC is wrong
    const alone = decodeAlone(factoryDecoder('iec62056-21'), good);
    expect(alone).toHaveLength(1);
    expect(JSON.parse(alone[0] ?? '{}')).toMatchObject({ meter: { id: '00010213', manufacturerId: 'SIE' } });
    const cutReadout = good.subarray(0, Buffer.from(good).indexOf('9.4*01(088*C&08') + 15);
    const stream = new Uint8Array([...cutReadout, ...ascii('/LGZ5\\2ZMD4104407.B'), ...good]);
    expect(decodeAlone(factoryDecoder('iec62056-21'), stream)).toEqual(alone);
  });

  // Found by `npm run fuzz` (iec62056-21, seed 3469464867): garbage holding STX … ETX whose BCC
  // (the XOR of D2 65 BA 21 03) is 0x2F, the `/` of the next sign-on, which was eaten as that BCC.
  it('a / after a block that no identification preceded starts the next sign-on, not a BCC', () => {
    const good = resignBcc(fixture('smartmeter-obis-siemens-2wr5.txt'));
    const alone = decodeAlone(factoryDecoder('iec62056-21'), good);
    const garbage = Uint8Array.of(0xa3, 0x02, 0xd2, 0x65, 0xba, 0x21, 0x03);
    expect(garbage.subarray(2).reduce((x, b) => x ^ b, 0)).toBe(0x2f);
    expect(decodeAlone(factoryDecoder('iec62056-21'), new Uint8Array([...garbage, ...good]))).toEqual(alone);
  });
});
