/** Write coalescing: a quiet line writes at once; writes in a busy window go out together at its end. */
import { WriteCoalescer } from './write-coalescer';

class FakeSocket {
  depth = 0;
  readonly log: string[] = [];
  cork(): void {
    this.depth++;
    this.log.push('cork');
  }
  uncork(): void {
    this.depth--;
    this.log.push('uncork');
  }
}

describe('WriteCoalescer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the first write at once, holds the next ones of the window and sends them at its end', () => {
    let now = 1000;
    const c = new WriteCoalescer(4, () => now);
    const s = new FakeSocket();
    c.beforeWrite(s); // quiet line: no cork
    expect(s.log).toEqual([]);
    now = 1001;
    c.beforeWrite(s); // within 4 ms of the last write: held
    c.beforeWrite(s);
    expect(s.log).toEqual(['cork']);
    expect(c.holding).toBe(true);
    jest.advanceTimersByTime(2);
    expect(s.log).toEqual(['cork']);
    now = 1004;
    jest.advanceTimersByTime(1); // the window (1000 + 4) is over
    expect(s.log).toEqual(['cork', 'uncork']);
    expect(s.depth).toBe(0);
    // a busy line: the next window starts at the flush, so a write right after it is held again
    now = 1005;
    c.beforeWrite(s);
    expect(s.log).toEqual(['cork', 'uncork', 'cork']);
    c.flush(); // shutdown: what waits goes out now
    expect(s.log).toEqual(['cork', 'uncork', 'cork', 'uncork']);
    // after a quiet window the next write goes out at once again
    now = 1100;
    c.beforeWrite(s);
    expect(s.log).toHaveLength(4);
    expect(c.holding).toBe(false);
  });

  it('leaves streams without cork alone', () => {
    let now = 0;
    const c = new WriteCoalescer(4, () => now);
    c.beforeWrite({});
    now = 1;
    c.beforeWrite({});
    expect(c.holding).toBe(false);
  });
});
