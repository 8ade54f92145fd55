import { createFrameCounterTracker } from './frame-counter';

describe('createFrameCounterTracker', () => {
  const a = Uint8Array.from([0x4b, 0x46, 0x4d, 0x67, 0x50, 0, 0, 9]);
  const b = Uint8Array.from([0x4c, 0x47, 0x5a, 0x67, 0x74, 0x20, 0x62, 0x95]);
  it('accepts increasing counters per system title and refuses repeats and decreases', () => {
    const t = createFrameCounterTracker();
    expect(t.isFresh(a, 35)).toBe(true);
    t.accept(a, 35);
    expect(t.isFresh(a, 35)).toBe(false);
    expect(t.isFresh(a, 34)).toBe(false);
    expect(t.isFresh(a, 36)).toBe(true);
    expect(t.isFresh(b, 1)).toBe(true); // independent per system title
    t.accept(a, 10); // never goes backwards
    expect(t.last(a)).toBe(35);
    t.reset(a);
    expect(t.isFresh(a, 1)).toBe(true);
  });

  it('keeps titles apart when one buffer is rewritten in place with another title', () => {
    const t = createFrameCounterTracker();
    const buf = a.slice();
    t.accept(buf, 100);
    buf.set(b);
    expect(t.isFresh(buf, 1)).toBe(true); // b has no counter yet
    t.accept(buf, 5);
    expect([t.last(a), t.last(b)]).toEqual([100, 5]);
  });
});
