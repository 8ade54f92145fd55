import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '../common/errors';
import { decodeDsmrTelegram, parseDsmrTelegram, type DsmrOptions } from './index';
import { latin1Bytes, latin1Text } from '../common/testing';
import { signTelegram } from './testing';

/** Broken inputs → error kind (never message text). */

const DIR = join(__dirname, '../../fixtures/dsmr');
const text = (name: string): string => latin1Text(new Uint8Array(readFileSync(join(DIR, `${name}.txt`))));

const V5 = text('v5-iskra-mt382'); // CRC 6EEE
const V22 = text('v2_2-iskra-mt382'); // no CRC
const WARMTE = text('v5-warmtelink-unpadded-crc'); // CRC B9F

/** A DSMR 5 telegram with `edit` applied to its text, re-signed so the CRC holds. */
function signedEdit(edit: (t: string) => string): Uint8Array {
  return signTelegram(edit(V5));
}

const CASES: readonly (readonly [name: string, input: Uint8Array, kind: ErrorKind, options?: DsmrOptions])[] = [
  ['a digit changed under the CRC', latin1Bytes(V5.replace('000004.426', '000004.427')), 'bad-crc'],
  ['CRC digits changed', latin1Bytes(V5.replace('!6EEE', '!6EEF')), 'bad-crc'],
  ['CRC in lower case but wrong', latin1Bytes(V5.replace('!6EEE', '!6eef')), 'bad-crc'],
  ['3-digit CRC that does not match', latin1Bytes(WARMTE.replace('!B9F', '!B9E')), 'bad-crc'],
  ['corrupted line under a CRC (CRC wins over format)', latin1Bytes(V5.replace('1-0:1.8.1(', '1-0:1.8.1 (')), 'bad-crc'],
  ['no CRC where one is required', latin1Bytes(V22), 'missing-crc', { crc: 'required' }],
  ['no CRC where one is required (legacy requireCrc)', latin1Bytes(V22), 'missing-crc', { requireCrc: true }],
  ['DSMR 5 with its CRC stripped and a value changed', latin1Bytes(V5.replace('!6EEE', '!').replace('000004.426', '000004.427')), 'missing-crc'],
  ['DSMR 4.2 (L+G E350 sample) without CRC under auto', latin1Bytes(text('amshan-landisgyr-e350-xmx-dsmr42')), 'missing-crc'],
  ['eMUCS (Fluvius) with its CRC stripped', latin1Bytes(text('fluvius-v171').replace('!3AD7', '!')), 'missing-crc'],
  ['Nordic P1 (Kamstrup) with its CRC stripped', latin1Bytes(text('amshan-kamstrup-kam5-p1').replace('!92F5', '!')), 'missing-crc'],
  ['a DSMR 5 telegram cut at "!" by a bit flip (no CRC follows)', latin1Bytes(`${V5.slice(0, V5.indexOf('1-0:2.8.1'))}!\r\n`), 'missing-crc'],
  ['ends before "!"', latin1Bytes(V22.slice(0, 200)), 'truncated'],
  ['ends inside a value bracket', latin1Bytes(V22.slice(0, V22.indexOf('(') + 3)), 'truncated'],
  ['ends inside the identification line', latin1Bytes('/ISk5\\2MT382'), 'truncated'],
  ['a new telegram starts before "!"', latin1Bytes(V22.slice(0, 150) + V22), 'truncated'],
  ['a new telegram starts inside a value', latin1Bytes(V22.slice(0, V22.indexOf('(00001.001*kWh)') + 4) + V22), 'truncated'],
  ['longer than maxLength', latin1Bytes(V5), 'too-long', { maxLength: 300 }],
  ['no "!" within maxLength', latin1Bytes(V22.slice(0, 380)), 'too-long', { maxLength: 300 }],
  ['no "/" at all', latin1Bytes('1-0:1.8.1(000004.426*kWh)\r\n!\r\n'), 'bad-format'],
  ['identification too short', latin1Bytes('/AB\r\n\r\n1-0:1.8.1(1*kWh)\r\n!\r\n'), 'bad-format'],
  ['line without a value bracket', signedEdit((t) => t.replace('1-0:1.8.1(000004.426*kWh)', '1-0:1.8.1 000004.426')), 'bad-format'],
  ['not an OBIS code', signedEdit((t) => t.replace('1-0:1.8.1(', '1-0:1.8(')), 'bad-format'],
  ['OBIS field over 255', signedEdit((t) => t.replace('1-0:1.8.1(', '1-0:1.8.256(')), 'bad-format'],
  ['value bracket not closed on its line', signedEdit((t) => t.replace('(000004.426*kWh)', '(000004.426*kWh')), 'bad-format'],
  ['text after the last bracket', signedEdit((t) => t.replace('(000004.426*kWh)', '(000004.426*kWh)x')), 'bad-format'],
  ['continuation bracket without an object', signedEdit((t) => t.replace('1-3:0.2.8(50)', '(50)')), 'bad-format'],
  ['a number with a unit that is not a number', signedEdit((t) => t.replace('(000004.426*kWh)', '(0000O4.426*kWh)')), 'bad-value'],
  ['a channel reading that is not a number', signedEdit((t) => t.replace('(00000.107*m3)', '(000x0.107*m3)')), 'bad-value'],
];

const TABLE = CASES.map(([name, input, kind, options]) => ({ name, input, kind, options }));

describe.each(TABLE)('$name', ({ input, kind, options }) => {
  it(`is ${kind}`, () => {
    const result = decodeDsmrTelegram(input, options);
    expect(result).toMatchObject({ ok: false, error: { kind, layer: 'dsmr' } });
    const raw = parseDsmrTelegram(input, options);
    expect(raw.ok ? 'ok' : raw.error.kind).toBe(kind === 'bad-value' ? 'ok' : kind);
  });
});

describe('inputs that look odd but are fine', () => {
  const FINE: readonly (readonly [name: string, input: Uint8Array])[] = [
    ['garbage before "/" and after the CRC', latin1Bytes(`\x00\xff junk\r\n${V5}gateway 123\r\n\xff\xff`)],
    ['lower-case CRC digits', latin1Bytes(V5.replace('!6EEE', '!6eee'))],
    ['an unknown object', signedEdit((t) => t.replace('1-3:0.2.8(50)', '1-3:0.2.8(50)\r\n0-0:96.99.9(hello)'))],
    ['blank lines and trailing spaces', signedEdit((t) => t.replace('1-3:0.2.8(50)\r\n', '1-3:0.2.8(50)  \r\n\r\n\r\n'))],
    ['an impossible meter time', signedEdit((t) => t.replace('0-0:1.0.0(170102192002W)', '0-0:1.0.0(171302192002W)'))],
    ['an empty value', signedEdit((t) => t.replace('(000004.426*kWh)', '()'))],
  ];
  it.each(FINE)('%s decodes', (_name, input) => {
    const result = decodeDsmrTelegram(input);
    expect(result.ok ? 'ok' : result.error.kind).toBe('ok');
  });

  it('an impossible meter time gives no snapshot time and keeps the text in raw', () => {
    const result = decodeDsmrTelegram(signedEdit((t) => t.replace('0-0:1.0.0(170102192002W)', '0-0:1.0.0(171302192002W)')));
    if (!result.ok) throw new Error(result.error.kind);
    expect(result.value.time).toBeUndefined();
    expect(result.value.readings.find((r) => r.obis === '0-0:1.0.0')).toMatchObject({ value: null, raw: '171302192002W' });
  });

  it('an empty numeric value is null', () => {
    const result = decodeDsmrTelegram(signedEdit((t) => t.replace('(000004.426*kWh)', '()')));
    if (!result.ok) throw new Error(result.error.kind);
    expect(result.value.readings.find((r) => r.obis === '1-0:1.8.1')?.value).toBeNull();
  });

  it('an object with more brackets than the first room for them (a log of 30 power failures, 62 brackets)', () => {
    const entries = Array.from({ length: 30 }, (_, i) => `(1701${String(10 + (i % 18)).padStart(2, '0')}120000W)(${String(100 + i).padStart(10, '0')}*s)`).join(
      '',
    );
    const result = decodeDsmrTelegram(signedEdit((t) => t.replace('1-0:99.97.0(0)(0-0:96.7.19)', `1-0:99.97.0(30)(0-0:96.7.19)${entries}`)));
    if (!result.ok) throw new Error(result.error.kind);
    const log = result.value.readings.find((r) => r.obis === '1-0:99.97.0');
    expect(log?.value).toBe(30);
    expect(log?.entries).toHaveLength(30);
    expect(log?.entries?.[29]).toEqual({ time: '2017-01-21T12:00:00+01:00', value: 129, unit: 's' });
  });

  it('error offsets point into the input', () => {
    const input = signedEdit((t) => t.replace('1-0:1.8.1(', '1-0:1.8('));
    const result = decodeDsmrTelegram(input);
    if (result.ok) throw new Error('expected an error');
    expect(latin1Text(input).slice(result.error.offset, (result.error.offset ?? 0) + 8)).toBe('1-0:1.8(');
  });
});
