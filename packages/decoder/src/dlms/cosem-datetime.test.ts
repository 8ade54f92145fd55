import { hexBytes } from '../common/testing';
import { decodeCosemDate, decodeCosemDateTime, decodeCosemTime } from './cosem-datetime';

const dt = (h: string) => decodeCosemDateTime(hexBytes(h));

describe('COSEM date-time', () => {
  it('EVN: deviation −120 (CEST) with DST bit → +02:00', () => {
    const r = dt('07E5091B01092F0F00FF8880');
    expect(r.ok && r.value).toEqual({
      year: 2021,
      month: 9,
      day: 27,
      dayOfWeek: 1,
      hour: 9,
      minute: 47,
      second: 15,
      hundredths: 0,
      deviation: -120,
      status: 0x80,
      dst: true,
      iso: '2021-09-27T09:47:15+02:00',
    });
  });

  it('Kaifa: deviation unspecified (8000) → local time without offset', () => {
    const r = dt('07E40119060D091EFF800000');
    expect(r.ok && r.value.iso).toBe('2020-01-25T13:09:30');
    expect(r.ok && r.value.deviation).toBeUndefined();
    expect(r.ok && r.value.hundredths).toBeUndefined();
  });

  it('Kaifa SE: deviation −60 → +01:00; positive deviation → negative offset', () => {
    const se = dt('07E509160311231EFFFFC400');
    expect(se.ok && se.value.iso).toBe('2021-09-22T17:35:30+01:00');
    const west = dt('07E501010500000000012C00'); // deviation +300 min = UTC − local: local is UTC − 5 h
    expect(west.ok && west.value.iso).toBe('2021-01-01T00:00:00-05:00');
  });

  it('keeps hundredths when given', () => {
    const r = dt('07E7060602111F1412FF8880');
    expect(r.ok && r.value.iso).toBe('2023-06-06T17:31:20.18+02:00');
  });

  it('leaves iso out when the date or the hour is unspecified, keeps the known fields', () => {
    const noYear = dt('FFFF0C18FF173B00FF8000FF');
    expect(noYear.ok && noYear.value).toEqual({ month: 12, day: 24, hour: 23, minute: 59, second: 0 });
    const noTime = dt('07E8030DFFFFFFFFFF8000FF');
    expect(noTime.ok && noTime.value.iso).toBeUndefined();
    const noSeconds = dt('07E8030D030902FFFF800000');
    expect(noSeconds.ok && noSeconds.value.iso).toBe('2024-03-13T09:02:00');
  });

  it('treats DST begin/end and last-day markers as unspecified', () => {
    const r = dt('FFFFFEFE07020000FF8000FF');
    expect(r.ok && [r.value.month, r.value.day, r.value.dayOfWeek]).toEqual([undefined, undefined, 7]);
  });

  it.each([
    ['month 13', '07E50D1B01092F0F00FF8880', 'bad-value'],
    ['31 February', '07E5021F01092F0F00FF8880', 'bad-value'],
    ['hour 24', '07E5091B01182F0F00FF8880', 'bad-value'],
    ['deviation beyond ±14 h', '07E5091B01092F0F00F00080', 'bad-value'],
    ['11 bytes', '07E5091B01092F0F00FF88', 'bad-length'],
  ])('rejects %s', (_n, h, kind) => {
    const r = dt(h);
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });

  it('decodes date (5 bytes) and time (4 bytes)', () => {
    const d = decodeCosemDate(hexBytes('07E5091B01'));
    expect(d.ok && d.value.iso).toBe('2021-09-27');
    const t = decodeCosemTime(hexBytes('092F0FFF'));
    expect(t.ok && t.value.iso).toBe('09:47:15');
  });
});
