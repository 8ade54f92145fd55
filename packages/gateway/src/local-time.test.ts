import { withLocalOffset } from './local-time';

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
});
