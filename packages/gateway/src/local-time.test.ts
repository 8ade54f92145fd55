import type { MeterSnapshot, Reading } from '@smi/model';
import { completeLocalTimes, withLocalOffset } from './local-time';

const reading = (key: string, value: Reading['value'], extra: Partial<Reading> = {}): Reading =>
  ({ key, name: key, quantity: 'timestamp', value, ...extra }) as Reading;
const snapshot = (readings: Reading[], time?: string): MeterSnapshot =>
  ({ meter: { id: 'm1' }, protocol: 'dlms', readings, ...(time === undefined ? {} : { time }) }) as MeterSnapshot;

describe('local meter times', () => {
  it('adds the offset of the gateway time zone at that instant (summer and winter)', () => {
    expect(withLocalOffset('2021-07-06T14:58:18', 'Europe/Zurich')).toBe('2021-07-06T14:58:18+02:00');
    expect(withLocalOffset('2024-01-13T09:02:45', 'Europe/Zurich')).toBe('2024-01-13T09:02:45+01:00');
    expect(withLocalOffset('2024-01-13T09:02', 'Europe/Zurich')).toBe('2024-01-13T09:02:00+01:00');
    expect(withLocalOffset('2024-03-31T03:30:00', 'Europe/Zurich')).toBe('2024-03-31T03:30:00+02:00');
    expect(withLocalOffset('2024-07-01T12:00:00', 'America/New_York')).toBe('2024-07-01T12:00:00-04:00');
    expect(withLocalOffset('2024-07-01T12:00:00', 'UTC')).toBe('2024-07-01T12:00:00+00:00');
  });

  it('leaves times that carry an offset, and non-times, alone', () => {
    expect(withLocalOffset('2017-01-02T19:20:02+01:00')).toBe('2017-01-02T19:20:02+01:00');
    expect(withLocalOffset('2017-01-02T18:20:02Z')).toBe('2017-01-02T18:20:02Z');
    expect(withLocalOffset('K8EG004046395507')).toBe('K8EG004046395507');
  });

  it('completes only the naive times of a snapshot, in place of the readings that carry them', () => {
    const plain = reading('a', '2024-01-13T09:02:45+01:00');
    const naive = reading('b', '2024-01-13T09:02:45');
    const timed = reading('c', 5, { quantity: 'energy', time: '2024-07-01T12:00' } as Partial<Reading>);
    const out = completeLocalTimes(snapshot([plain, naive, timed], '2024-07-01T12:00:00'), 'Europe/Zurich');
    expect(out.time).toBe('2024-07-01T12:00:00+02:00');
    expect(out.readings.map((r) => [r.key, r.value, r.time])).toEqual([
      ['a', '2024-01-13T09:02:45+01:00', undefined],
      ['b', '2024-01-13T09:02:45+01:00', undefined],
      ['c', 5, '2024-07-01T12:00:00+02:00'],
    ]);
    expect(out.readings[0]).toBe(plain);
  });

  it('returns the same snapshot when every time carries an offset (no copy per frame)', () => {
    const s = snapshot([reading('a', '2017-01-02T19:20:02+01:00'), reading('b', 'text'), reading('c', 1.5, { quantity: 'energy' })], '2017-01-02T18:20:02Z');
    expect(completeLocalTimes(s, 'Europe/Zurich')).toBe(s);
    const naiveSnapshotTime = snapshot(s.readings as Reading[], '2017-01-02T18:20:02');
    const out = completeLocalTimes(naiveSnapshotTime, 'UTC');
    expect(out).not.toBe(naiveSnapshotTime);
    expect(out.time).toBe('2017-01-02T18:20:02+00:00');
    expect(out.readings).toBe(naiveSnapshotTime.readings);
  });
});
