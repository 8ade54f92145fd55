import { ByteQueue } from './byte-queue';

describe('ByteQueue', () => {
  it('appends copies, reads from the front and consumes', () => {
    const q = new ByteQueue();
    const chunk = Uint8Array.of(0x7e, 1, 2, 0x7e, 3);
    q.append(chunk);
    chunk[1] = 0xff; // the queue keeps its own copy
    expect(q.length).toBe(5);
    expect([q.at(0), q.at(1), q.at(9)]).toEqual([0x7e, 1, 0]);
    expect(q.indexOf(0x7e, 1)).toBe(3);
    expect(q.countExcept(4, 0x7e)).toBe(2);
    q.consume(3);
    expect(Array.from(q.view())).toEqual([0x7e, 3]);
    expect(q.indexOf(0x42)).toBe(-1);
  });

  it('grows past its first capacity and compacts, keeping the order', () => {
    const q = new ByteQueue();
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    for (let i = 0; i < bytes.length; i += 7) {
      q.append(bytes.subarray(i, i + 7));
      if (q.length > 300) q.consume(100);
    }
    const copy = q.copy(0, q.length);
    expect(Array.from(copy)).toEqual(Array.from(bytes.subarray(bytes.length - q.length)));
    q.consume(q.length);
    expect(q.length).toBe(0);
  });

  it('takes all queued bytes as a copy and is empty afterwards (joining segments)', () => {
    const q = new ByteQueue();
    q.append(Uint8Array.of(1, 2));
    q.consume(1);
    q.append(Uint8Array.of(3, 4));
    const joined = q.take();
    expect(Array.from(joined)).toEqual([2, 3, 4]);
    expect(q.length).toBe(0);
    q.append(Uint8Array.of(9));
    expect(Array.from(joined)).toEqual([2, 3, 4]);
    q.clear();
    expect(q.length).toBe(0);
  });

  it('finds a byte only among the live bytes, never in stale ones past the end, and exposes them in place', () => {
    const q = new ByteQueue();
    q.append(Uint8Array.of(1, 2, 0x7e, 4, 0x7e));
    q.consume(5); // empty: the buffer still holds the old bytes
    q.append(Uint8Array.of(9, 8));
    expect(q.indexOf(0x7e)).toBe(-1); // the old 7E at index 2 lies past the live end
    expect(q.indexOf(9)).toBe(0);
    expect(q.indexOf(8)).toBe(1);
    expect(q.indexOf(8, 2)).toBe(-1);
    q.append(Uint8Array.of(0x7e));
    q.consume(1);
    expect(q.indexOf(0x7e)).toBe(1);
    expect(q.bytes[q.offset]).toBe(8);
    expect(q.bytes[q.offset + 1]).toBe(0x7e);
  });
});
