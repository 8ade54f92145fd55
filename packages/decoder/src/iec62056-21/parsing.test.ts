import { classifyAddress, letterCodeCde } from './address';
import { baudInfo, modeBBaudChar, modeCBaudChar, transmitMs } from './constants';
import { buildDataMessage } from './data-message';
import { parseDataBlock } from './data-sets';
import { buildIdentification, identificationMode, parseIdentification } from './identification';
import { buildOptionSelect, buildRequest, optionSelect, parseCommand, parseOptionSelect, parseRequest, buildCommand } from './messages';
import { decodeReadout } from './snapshot';
import { asciiBytes } from './text';
import { parseTimestamp } from './values';

describe('identification message', () => {
  it.each([
    // line, flag, baud char, family, baud, escape, ident, mode when solicited
    ['/ISk5MT174-0001', 'ISk', '5', 'C', 9600, undefined, 'MT174-0001', 'C'],
    ['/LGZ4ZMD3104407.B31', 'LGZ', '4', 'C', 4800, undefined, 'ZMD3104407.B31', 'C'],
    ['/ABC0meter', 'ABC', '0', 'C', 300, undefined, 'meter', 'C'],
    ['/ELSEmeter', 'ELS', 'E', 'B', 9600, undefined, 'meter', 'B'],
    ['/ELSAmeter', 'ELS', 'A', 'B', 600, undefined, 'meter', 'B'],
    ['/ELSGmeter', 'ELS', 'G', 'B', undefined, undefined, 'meter', 'B'],
    ['/ELSZmeter', 'ELS', 'Z', 'A', undefined, undefined, 'meter', 'A'],
    ['/ACE0\\3k260V01.18', 'ACE', '0', 'C', 300, '3', 'k260V01.18', 'E'],
    ['/LGZ5\\2ZMD4104407.B31', 'LGZ', '5', 'C', 9600, '2', 'ZMD4104407.B31', 'E'],
    ['/ELS5\\@V9.30 ', 'ELS', '5', 'C', 9600, '@', 'V9.30 ', 'E'],
    ['/ISk5\x02MT382-1000', 'ISk', '5', 'C', 9600, '2', 'MT382-1000', 'E'],
    ['/EMH5----eHZ-E0018E', 'EMH', '5', 'C', 9600, undefined, '----eHZ-E0018E', 'C'],
  ])('%j', (line, flag, z, family, baud, escape, ident, mode) => {
    const r = parseIdentification(asciiBytes(`${line}\r\n`));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ manufacturerId: flag, baudChar: z, family, ident, line: line.slice(1) });
    expect(r.value.baud).toBe(baud);
    expect(r.value.escape).toBe(escape);
    expect(identificationMode(r.value, true)).toBe(mode);
    expect(identificationMode(r.value, false)).toBe('D');
  });

  it('marks the fast reaction time of a lower-case third FLAG letter', () => {
    const r = parseIdentification(asciiBytes('/ISk5MT174\r\n'));
    expect(r.ok && r.value.fastReaction).toBe(true);
  });

  it('round-trips through buildIdentification', () => {
    const bytes = buildIdentification({ manufacturerId: 'LGZ', baudChar: '5', escape: '2', ident: 'ZMD' });
    expect(Buffer.from(bytes).toString('latin1')).toBe('/LGZ5\\2ZMD\r\n');
    const r = parseIdentification(bytes);
    expect(r.ok && r.value).toMatchObject({ manufacturerId: 'LGZ', escape: '2', ident: 'ZMD' });
  });

  it.each([
    ['/IS\r\n', 'truncated'],
    ['/12a5X\r\n', 'bad-format'],
    ['/ISk?X\r\n', 'bad-format'],
    ['/ISk5A\x01B\r\n', 'bad-format'],
    ['ISk5\r\n', 'bad-format'],
    [`/ISk5${'x'.repeat(130)}\r\n`, 'too-long'],
  ])('rejects %j', (line, kind) => {
    const r = parseIdentification(asciiBytes(line));
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });
});

describe('baud rate characters', () => {
  it.each([
    ['0', 'C', 300],
    ['1', 'C', 600],
    ['2', 'C', 1200],
    ['3', 'C', 2400],
    ['4', 'C', 4800],
    ['5', 'C', 9600],
    ['6', 'C', 19200],
    ['7', 'C', undefined],
    ['A', 'B', 600],
    ['B', 'B', 1200],
    ['C', 'B', 2400],
    ['D', 'B', 4800],
    ['E', 'B', 9600],
    ['F', 'B', 19200],
    ['I', 'B', undefined],
    ['x', 'A', undefined],
  ])('%s → mode family %s, %s Bd', (char, family, baud) => {
    expect(baudInfo(char)).toEqual(baud === undefined ? { family } : { family, baud });
  });

  it('maps rates back to characters', () => {
    expect(modeCBaudChar(9600)).toBe('5');
    expect(modeBBaudChar(2400)).toBe('C');
    expect(modeCBaudChar(1234)).toBeUndefined();
    expect(transmitMs(6, 300)).toBe(200);
  });
});

describe('request and option select', () => {
  it('builds /?! and /?address!', () => {
    expect(Array.from(buildRequest() ?? [])).toEqual([0x2f, 0x3f, 0x21, 0x0d, 0x0a]);
    expect(Buffer.from(buildRequest('12345678') ?? []).toString()).toBe('/?12345678!\r\n');
    expect(buildRequest('a!b')).toBeUndefined();
    expect(buildRequest('x'.repeat(33))).toBeUndefined();
    expect(parseRequest('/?12345678!\r\n')).toBe('12345678');
    expect(parseRequest('/?!\r\n')).toBe('');
    expect(parseRequest('/ISk5\r\n')).toBeUndefined();
  });

  it('builds ACK 0 Z Y CR LF as a real 2400 Bd readout sends it', () => {
    expect(Array.from(buildOptionSelect(optionSelect('normal', '3', 'readout')))).toEqual([0x06, 0x30, 0x33, 0x30, 0x0d, 0x0a]);
    expect(Buffer.from(buildOptionSelect(optionSelect('hdlc', '5', 'binary'))).toString('latin1')).toBe('\x06252\r\n');
    expect(Buffer.from(buildOptionSelect(optionSelect('normal', '5', 'programming'))).toString('latin1')).toBe('\x06051\r\n');
  });

  it.each([
    ['\x06050\r\n', 'ok'],
    ['\x0605\r\n', 'truncated'],
    ['\x060500\r\n', 'bad-length'],
    ['\x060Z0\r\n', 'bad-format'],
    ['050\r\n', 'bad-format'],
  ])('parses %j → %s', (text, kind) => {
    const r = parseOptionSelect(asciiBytes(text));
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });

  it('builds and parses command messages with their BCC', () => {
    const c = buildCommand({ command: 'R', type: '1', data: '1.8.0()' });
    const r = parseCommand(c);
    expect(r.ok && r.value).toEqual({ command: 'R', type: '1', data: '1.8.0()' });
  });
});

describe('data sets: every line shape seen in the field', () => {
  it.each([
    ['1.8.0(001234.567*kWh)', [['1.8.0', ['001234.567*kWh']]]],
    ['1-0:1.8.0*255(001234.567*kWh)', [['1-0:1.8.0*255', ['001234.567*kWh']]]],
    ['0.0.0(12345678)', [['0.0.0', ['12345678']]]],
    ['1-0:1.6.0*255(02.468*kW)(1703100930)', [['1-0:1.6.0*255', ['02.468*kW', '1703100930']]]],
    [
      '6.8(0029.055*MWh)6.26(01589.28*m3)F(0)',
      [
        ['6.8', ['0029.055*MWh']],
        ['6.26', ['01589.28*m3']],
        ['F', ['0']],
      ],
    ],
    ['9.4(088*C&082*C)', [['9.4', ['088*C&082*C']]]],
    ['6.8.1()', [['6.8.1', ['']]]],
    ['81.7.6(  80*Deg)', [['81.7.6', ['  80*Deg']]]],
    ['P.01(1170301001500)(00)(15)(1)(1.5.0)(kW)', [['P.01', ['1170301001500', '00', '15', '1', '1.5.0', 'kW']]]],
    ['(0.123)(0.456)', [['', ['0.123', '0.456']]]],
    ['C.1.0(63355730)', [['C.1.0', ['63355730']]]],
  ])('%s', (line, expected) => {
    const { sets } = parseDataBlock(`${line}\r\n`);
    expect(sets.map((s) => [s.address, s.values])).toEqual(expected);
  });

  it('skips text without brackets and brackets left open', () => {
    const { sets, skipped } = parseDataBlock('garbage\r\n1.8.0(12\r\n2.8.0(5)\r\n');
    expect(sets.map((s) => s.address)).toEqual(['2.8.0']);
    expect(skipped).toEqual(['garbage', '1.8.0(12']);
  });
});

describe('addresses', () => {
  it.each([
    ['1.8.0', 1, '1-0:1.8.0'],
    ['1-0:1.8.0*255', 1, '1-0:1.8.0'],
    ['1-0:1.8.0*01', 1, '1-0:1.8.0*1'],
    ['0-0:96.1.255*255', 1, '0-0:96.1.255'],
    ['1-3:0.2.8', 1, '1-3:0.2.8'],
    ['6.8', 6, '6-0:6.8.0'],
    ['6.26*01', 6, '6-0:6.26.0*1'],
    ['32.7.0', 1, '1-0:32.7.0'],
  ])('%s (A=%d by default) → OBIS %s', (text, medium, obis) => {
    expect(classifyAddress(text, medium)).toMatchObject({ kind: 'obis', obis });
  });

  it.each([
    ['C.1.0', 'C.1.0', 'd0_c_1_0', '96.1.0'],
    ['F.F', 'F.F', 'd0_f_f', '97.97.0'],
    ['0-0:C.1.0*255', '0-0:C.1.0', 'd0_0_0_c_1_0', '96.1.0'],
    ['0-0:C.51.2*01', '0-0:C.51.2*1', 'd0_0_0_c_51_2_1', '96.51.2'],
    ['P.01', 'P.01', 'd0_p_01', '99.1.0'],
    ['F', 'F', 'd0_f', undefined],
    ['1.8.999', '1.8.999', 'd0_1_8_999', undefined],
  ])('%s is no OBIS: code %s, key %s', (text, code, key, cde) => {
    expect(classifyAddress(text, 1)).toEqual({ kind: 'code', code, key });
    expect(letterCodeCde(code.replace(/\*\d+$/, ''))).toBe(cde);
  });
});

describe('values', () => {
  it.each([
    ['1703100930', '2017-03-10T09:30:00'],
    ['101209113020W', '2010-12-09T11:30:20+01:00'],
    ['101209113020S', '2010-12-09T11:30:20+02:00'],
    ['1170301001500', '2017-03-01T00:15:00'],
    ['1713100930', undefined],
    ['12345', undefined],
  ])('time stamp %s → %s', (text, iso) => {
    expect(parseTimestamp(text)).toBe(iso);
  });
});

describe('readings from line shapes', () => {
  const decode = (lines: string, defaultMedium = 1) => {
    const r = decodeReadout(undefined, { form: 'stx', text: lines, bcc: 'ok', complete: true, partial: false }, { defaultMedium });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('types values with unit, without unit, several per line and letter codes', () => {
    const s = decode(
      '1.8.0(001234.567*kWh)\r\n1-0:2.8.0*255(000012.5*kWh)\r\n1-0:1.7.0(0.908*kW)\r\n1.8.1(000100)\r\n' +
        '0.0.0(00012345)\r\nC.1.0(87654321)\r\nF.F(00)\r\n1-0:1.6.0*255(02.468*kW)(1703100930)\r\n' +
        '0-1:24.2.1(101209110000W)(12785.123*m3)\r\n1.8.0*01(000999.000*kWh)\r\n32.7.0(231.5*V)\r\n',
    );
    const byKey = Object.fromEntries(s.readings.map((r) => [r.key, r]));
    expect(byKey.energy_import_total).toMatchObject({ obis: '1-0:1.8.0', value: 1234.567, unit: 'kWh', raw: '001234.567*kWh' });
    expect(byKey.energy_export_total).toMatchObject({ obis: '1-0:2.8.0', value: 12.5, unit: 'kWh' });
    expect(byKey.power_import).toMatchObject({ value: 908, unit: 'W' });
    expect(byKey.energy_import_tariff_1).toMatchObject({ value: 100 });
    expect(byKey.energy_import_tariff_1?.unit).toBeUndefined();
    expect(byKey.meter_number).toMatchObject({ value: '00012345', quantity: 'identifier' });
    expect(byKey.d0_c_1_0).toMatchObject({ value: '87654321', quantity: 'unknown', name: 'D0 C.1.0' });
    expect(byKey.d0_c_1_0?.obis).toBeUndefined();
    expect(byKey.d0_f_f).toMatchObject({ value: '00' });
    expect(byKey.demand_peak_month).toMatchObject({ value: 2468, unit: 'W', time: '2017-03-10T09:30:00' });
    expect(byKey.gas_volume).toMatchObject({ value: 12785.123, unit: 'm³', time: '2010-12-09T11:00:00+01:00' });
    expect(byKey.energy_import_total_f1).toMatchObject({ obis: '1-0:1.8.0*1', value: 999 });
    expect(byKey.voltage_l1).toMatchObject({ value: 231.5, unit: 'V' });
    // C.1.0 (serial number) wins over 0.0.0 (device address) for the meter id.
    expect(s.meter.id).toBe('87654321');
  });

  it('keeps keys unique when an address repeats', () => {
    const s = decode('1.8.0(1*kWh)\r\n1.8.0(2*kWh)\r\n');
    expect(s.readings.map((r) => r.key)).toEqual(['energy_import_total', 'energy_import_total_2']);
  });

  it('returns from a buffer with a negative entry count (it used to loop forever)', () => {
    const s = decode('1-0:99.97.0(-1)(0-0:96.7.19)(101208152415W)(0000000240*s)\r\n');
    expect(s.readings).toHaveLength(1);
  });

  it('parses a load profile into one reading per channel, raw text for other logs', () => {
    const s = decode('P.01(1170301001500)(00)(15)(2)(1.5.0)(kW)(2.5.0)(kW)\r\n(0.123)(0.000)\r\n(0.456)(0.010)\r\nP.98(1170301001500)(00)\r\n(x)(y)\r\n');
    const p1 = s.readings.find((r) => r.key.startsWith('profile_p01_') && r.obis === '1-0:1.5.0');
    expect(p1).toMatchObject({
      value: 456,
      unit: 'W',
      time: '2017-03-01T00:30:00',
      enabledByDefault: false,
      entries: [
        { time: '2017-03-01T00:15:00', value: 123, unit: 'W' },
        { time: '2017-03-01T00:30:00', value: 456, unit: 'W' },
      ],
    });
    expect(s.readings.find((r) => r.obis === '1-0:2.5.0')?.value).toBe(10);
    expect(s.readings.find((r) => r.key === 'd0_p_98')).toMatchObject({ value: '(1170301001500)(00)', entries: [{ value: '(x)(y)' }] });
  });

  it('derives the meter id from the identification when the data names none', () => {
    const id = parseIdentification(asciiBytes('/ISk5MT174-0001\r\n'));
    if (!id.ok) throw new Error('ident');
    const r = decodeReadout(id.value, { form: 'stx', text: '1.8.0(1*kWh)\r\n', bcc: 'ok', complete: true, partial: false });
    expect(r.ok && r.value.meter).toEqual({
      id: 'ISk-MT174-0001',
      manufacturerId: 'ISk',
      manufacturer: 'Iskraemeco',
      model: 'MT174-0001',
      medium: 'electricity',
      identification: '/ISk5MT174-0001',
    });
  });

  it('builds a data message the decoder reads back', () => {
    const m = buildDataMessage('1.8.0(1*kWh)');
    expect(Buffer.from(m).toString('latin1').startsWith('\x021.8.0(1*kWh)\r\n!\r\n\x03')).toBe(true);
  });
});
