/** A FIFO of at most `capacity` items: adding to a full queue drops the oldest and counts it. */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds at the end; returns the item dropped to make room, if any. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.length >= this.capacity) {
      dropped = this.shift();
      this.dropped++;
    }
    this.items.push(item);
    return dropped;
  }

  /** Puts an item back at the front (a retry); refused (false, counted as dropped) when full. */
  unshift(item: T): boolean {
    if (this.length >= this.capacity) {
      this.dropped++;
      return false;
    }
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
    return true;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head] as T;
    this.head++;
    // compact now and then, so the array does not grow with the number of items ever queued
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    return n;
  }
}
