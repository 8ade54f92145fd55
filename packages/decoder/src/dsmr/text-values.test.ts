import { readObis } from './obis-ref';
import { latin1Bytes } from './testing';
import { dsmrTimeToIso, parseDecimal, unitCode } from './text-values';

function decimal(text: string, shift = 0): number {
  const b = latin1Bytes(text);
  return parseDecimal(b, 0, b.length, shift);
}

describe('parseDecimal', () => {
  it.each([
    ['001581.123', 0, 1581.123],
    ['02.027', 3, 2027], // kW → W, exact (2.027 * 1000 is 2026.9999999999998)
    ['0001.011', 3, 1011],
    ['006545766', -3, 6545.766], // Wh → kWh
    ['00032549.5061662', 0, 32549.5061662],
    ['000', 0, 0],
    ['-0.5', 0, -0.5],
    ['+12', 0, 12],
    ['12345678901234567890', 0, 12345678901234567000],
  ] as const)('%s with shift %d is %d', (text, shift, value) => {
    expect(decimal(text, shift)).toBe(value);
  });

  it.each(['', '.', '-', '1.2.3', '12a', '1,5', ' 1'])('%j is not a decimal', (text) => {
    expect(decimal(text)).toBeNaN();
  });
});

describe('dsmrTimeToIso', () => {
  it.each([
    ['170102192002W', '2017-01-02T19:20:02+01:00'],
    ['200512135409S', '2020-05-12T13:54:09+02:00'],
    ['200229000000W', '2020-02-29T00:00:00+01:00'], // leap day
    ['000101000001W', '2000-01-01T00:00:01+01:00'],
    ['170102192002w', '2017-01-02T19:20:02+01:00'],
  ])('%s → %s', (tst, iso) => {
    expect(dsmrTimeToIso(tst)).toBe(iso);
  });

  it.each(['632525252525W', '190229000000W', '171302192002W', '170132000000W', '170102240000W', '170102196000W', '170102192002X', '1701021920W', ''])(
    '%j is not a date',
    (tst) => {
      expect(dsmrTimeToIso(tst)).toBeUndefined();
    },
  );

  it.each([
    // DSMR 2.2/3.0 profile times carry no S/W flag: the EU rule (last Sundays of March/October).
    ['161107190000', '2016-11-07T19:00:00+01:00'],
    ['160701120000', '2016-07-01T12:00:00+02:00'],
    ['240331015959', '2024-03-31T01:59:59+01:00'],
    ['240331030000', '2024-03-31T03:00:00+02:00'],
    ['241027015959', '2024-10-27T01:59:59+02:00'],
    ['241027023000', '2024-10-27T02:30:00+01:00'], // the repeated hour: read as winter time
    ['241027030000', '2024-10-27T03:00:00+01:00'],
  ])('%s (no flag) → %s', (tst, iso) => {
    expect(dsmrTimeToIso(tst)).toBe(iso);
  });
});

describe('unitCode', () => {
  const code = (unit: string): number => {
    const b = latin1Bytes(unit);
    return unitCode(b, 0, b.length);
  };
  it('tells units apart without making strings, case included', () => {
    const units = ['kWh', 'kW', 'kvarh', 'kVArh', 'kvar', 'kVAr', 'Wh', 'W', 'm3', 'GJ', 'V', 'A', 'Hz', 's'];
    expect(new Set(units.map(code)).size).toBe(units.length);
    expect(code('')).toBe(0);
    expect(code('very long unit')).toBe(-1);
  });
});

describe('readObis', () => {
  const read = (text: string): string | undefined => {
    const b = latin1Bytes(`${text}(`);
    return readObis(b, 0, b.length)?.code;
  };
  it.each([
    ['1-0:1.8.1', '1-0:1.8.1'],
    ['1-0:1.8.0*255', '1-0:1.8.0'],
    ['0-0:96.1.255*255', '0-0:96.1.255'],
    ['1-0:1.8.0*1', '1-0:1.8.0*1'],
    ['1-3:0.2.8', '1-3:0.2.8'],
    ['0-2:24.2.1', '0-2:24.2.1'],
  ])('%s → %s', (text, code) => {
    expect(read(text)).toBe(code);
  });

  it.each(['1-0:1.8', '1-0:1.8.256', '1:0-1.8.1', 'x-0:1.8.1', '1-0:1.8.1*', '1234-0:1.8.1'])('%s is not an OBIS code', (text) => {
    expect(read(text)).toBeUndefined();
  });
});
