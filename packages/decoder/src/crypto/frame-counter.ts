import { bytesToHex, sameBytes } from '../common';

/**
 * Replay protection for ciphered APDUs: the last accepted invocation (frame) counter per system
 * title. A pure in-memory object the caller keeps (one per stream or per gateway); the decoder
 * checks before decrypting and records only after the frame authenticated/decoded.
 */
export interface FrameCounterTracker {
  /** True when `counter` is greater than the last accepted one for this system title (or none yet). */
  isFresh(systemTitle: Uint8Array, counter: number): boolean;
  /** Records an accepted counter. */
  accept(systemTitle: Uint8Array, counter: number): void;
  /** Last accepted counter for a system title. */
  last(systemTitle: Uint8Array): number | undefined;
  /** Forgets one system title (meter replaced / counter reset) or all. */
  reset(systemTitle?: Uint8Array): void;
}

export function createFrameCounterTracker(): FrameCounterTracker {
  const counters = new Map<string, number>();
  // A stream carries one meter's title push after push: its hex text is made once, not per call.
  let lastTitle = new Uint8Array(0);
  let lastKey = '';
  const keyOf = (title: Uint8Array): string => {
    if (sameBytes(title, lastTitle)) return lastKey;
    lastTitle = title.slice();
    lastKey = bytesToHex(title);
    return lastKey;
  };
  return {
    isFresh(systemTitle, counter) {
      const last = counters.get(keyOf(systemTitle));
      return last === undefined || counter > last;
    },
    accept(systemTitle, counter) {
      const key = keyOf(systemTitle);
      const last = counters.get(key);
      if (last === undefined || counter > last) counters.set(key, counter);
    },
    last(systemTitle) {
      return counters.get(keyOf(systemTitle));
    },
    reset(systemTitle) {
      if (systemTitle) counters.delete(keyOf(systemTitle));
      else counters.clear();
    },
  };
}
