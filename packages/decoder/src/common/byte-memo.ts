/**
 * A small memo keyed by a byte range of the input, for what meters repeat in every telegram
 * (identification line, equipment ids): the interpretation is looked up by the bytes instead of
 * being cut out and decoded again. Open addressing on a hash of the bytes; bounded: it holds up to
 * `size / 2` entries, then starts over.
 *
 * Sized for what a meter repeats (one or two entries, issue 12): the table starts at
 * `INITIAL_SLOTS` and doubles when half full up to `size`, and a key is kept as a latin1 string
 * (one character per byte: ~40 bytes for an id, where a copied Uint8Array with its buffer takes
 * ~200).
 */
const INITIAL_SLOTS = 8;

export class ByteMemo<T> {
  private keys: (string | undefined)[];
  private values: (T | undefined)[];
  private count = 0;
  private mask: number;

  /** `size`: the most slots, a power of two; holds up to size / 2 entries. */
  constructor(private readonly size: number) {
    const slots = Math.min(size, INITIAL_SLOTS);
    this.keys = new Array<string | undefined>(slots).fill(undefined);
    this.values = new Array<T | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  /** Slots of the table now (it grows with the entries held). */
  get slots(): number {
    return this.keys.length;
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
    let slot = this.slot(b, start, end);
    if (this.keys[slot] === undefined) {
      // Full: start over small; half full: double (both move the free slot).
      const full = this.count >= this.size / 2;
      if (full || 2 * (this.count + 1) > this.keys.length) {
        this.resize(full ? Math.min(this.size, INITIAL_SLOTS) : 2 * this.keys.length, !full);
        slot = this.slot(b, start, end);
      }
      this.count++;
    }
    this.keys[slot] = latin1(b, start, end);
    this.values[slot] = value;
    return value;
  }

  /** A table of `slots` slots, holding the current entries when `keep`. */
  private resize(slots: number, keep: boolean): void {
    const { keys, values } = this;
    this.keys = new Array<string | undefined>(slots).fill(undefined);
    this.values = new Array<T | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
    this.count = 0;
    if (!keep) return;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      // the key's bytes again (a rare step: the table grows a few times at most), found by `slot`
      const bytes = Buffer.from(key, 'latin1');
      const slot = this.slot(bytes, 0, bytes.length);
      this.keys[slot] = key;
      this.values[slot] = values[i];
      this.count++;
    }
  }
}

/** The bytes as a string of one character per byte. */
function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);
}

function isSame(b: Uint8Array, start: number, end: number, key: string): boolean {
  if (key.length !== end - start) return false;
  for (let i = start; i < end; i++) if (b[i] !== key.charCodeAt(i - start)) return false;
  return true;
}
