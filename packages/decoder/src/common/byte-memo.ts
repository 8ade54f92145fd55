/**
 * A small memo keyed by a byte range of the input, for what meters repeat in every telegram
 * (identification line, equipment ids): the interpretation is looked up by the bytes instead of
 * being cut out and decoded again. Open addressing on a hash of the bytes; bounded: when half
 * full it starts over.
 */
export class ByteMemo<T> {
  private keys: (Uint8Array | undefined)[];
  private values: (T | undefined)[];
  private count = 0;
  private readonly mask: number;

  /** `size`: number of slots, a power of two; holds up to size / 2 entries. */
  constructor(private readonly size: number) {
    this.keys = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  /** Slot of the bytes: where they are, or the free slot where they would go. */
  private slot(b: Uint8Array, start: number, end: number): number {
    let h = end - start;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + (b[i] as number)) | 0;
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const key = this.keys[slot];
      if (key === undefined || isSame(b, start, end, key)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  get(b: Uint8Array, start: number, end: number): T | undefined {
    return this.values[this.slot(b, start, end)];
  }

  set(b: Uint8Array, start: number, end: number, value: T): T {
    if (this.count >= this.size / 2) {
      this.keys = new Array<Uint8Array | undefined>(this.size).fill(undefined);
      this.values = new Array<T | undefined>(this.size).fill(undefined);
      this.count = 0;
    }
    const slot = this.slot(b, start, end);
    if (this.keys[slot] === undefined) this.count++;
    this.keys[slot] = b.slice(start, end);
    this.values[slot] = value;
    return value;
  }
}

function isSame(b: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (key.length !== end - start) return false;
  for (let i = start; i < end; i++) if (b[i] !== key[i - start]) return false;
  return true;
}
