import { ObisTable } from './obis-ref';
import { latin1Bytes } from '../common/testing';
import { dsmrTimeToIso } from './text-values';

const table = new ObisTable();

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

describe('readObis', () => {
  const read = (text: string): string | undefined => {
    const b = latin1Bytes(`${text}(`);
    return table.read(b, 0, b.length)?.code;
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
