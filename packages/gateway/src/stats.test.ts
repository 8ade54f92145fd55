import { FrameStats, RejectionSummary } from './stats';

/** The limiter is pure: the test passes the time (ms) itself, no timers. */
describe('RejectionSummary (rate limit of rejected-frame reports)', () => {
  it('reports the first rejection at once, then at most one line per interval with counts since the last', () => {
    const r = new RejectionSummary('p1', 10000);
    expect(r.record('bad-crc', '(bad-crc) at dsmr: CRC 1234 expected 5678', 1000)).toBe(
      'p1: 1 frame rejected (bad-crc 1); last: (bad-crc) at dsmr: CRC 1234 expected 5678',
    );
    // a burst within the interval: counted, not narrated
    for (let i = 0; i < 35; i++) expect(r.record('bad-crc', `(bad-crc) at dsmr: frame ${i}`, 1500 + i * 100)).toBeUndefined();
    expect(r.record('truncated', '(truncated) at dsmr: ends after 12 bytes', 6000)).toBeUndefined();
    expect(r.record('truncated', '(truncated) at dsmr: ends after 40 bytes', 7000)).toBeUndefined();
    expect(r.pending).toBe(37);
    expect(r.dueAt).toBe(11000);
    expect(r.take(10999)).toBeUndefined();
    expect(r.take(11000)).toBe('p1: 37 frames rejected in the last 10 s (bad-crc 35, truncated 2); last: (truncated) at dsmr: ends after 40 bytes');
    expect(r.pending).toBe(0);
    expect(r.dueAt).toBeUndefined();
    expect(r.take(30000)).toBeUndefined();
  });

  it('after a quiet interval the next rejection is reported at once again', () => {
    const r = new RejectionSummary('ehz', 10000);
    expect(r.record('bad-crc', 'a', 0)).toMatch(/^ehz: 1 frame rejected \(bad-crc 1\)/);
    expect(r.record('bad-crc', 'b', 25000)).toBe('ehz: 1 frame rejected in the last 25 s (bad-crc 1); last: b');
  });

  it('a continuous flood of 10 000 frames over 100 s yields 11 lines whose counts add up', () => {
    const r = new RejectionSummary('p1', 10000);
    const lines: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const line = r.record(i % 4 === 0 ? 'truncated' : 'bad-crc', `frame ${i}`, i * 10);
      if (line !== undefined) lines.push(line);
    }
    const rest = r.take(200000);
    if (rest !== undefined) lines.push(rest);
    expect(lines).toHaveLength(11);
    const total = lines.map((l) => Number(/: (\d+) frames? rejected/.exec(l)?.[1])).reduce((a, b) => a + b, 0);
    expect(total).toBe(10000);
  });
});

describe('FrameStats', () => {
  it('counts rejections per kind and adds up sources', () => {
    const a = new FrameStats();
    a.decoded(12);
    a.reject('bad-crc', 'x', '2024-01-01T00:00:00.000Z');
    const b = new FrameStats();
    b.reject('truncated', 'y', '2024-01-01T00:00:01.000Z');
    const sum = new FrameStats();
    sum.add(a);
    sum.add(b);
    expect(sum.toJSON()).toEqual({ frames: 1, rejected: 2, readings: 12, errors: { 'bad-crc': 1, truncated: 1 } });
  });
});
