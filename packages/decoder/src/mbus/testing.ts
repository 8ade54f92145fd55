import { concatBytes } from '../common';

/**
 * Test helper (imported by `*.test.ts` only): a hostile byte stream (used by the M-Bus and SML tests). Each good frame is
 * preceded by 0–3 bad pieces: random garbage, a cut copy of a frame (a prefix), or a copy with one
 * bit flipped (always caught by the checksum). Returns the stream and the good frames in order.
 */
export function hostileFrameStream(
  frames: readonly Uint8Array[],
  random: () => number,
  count: number,
): { readonly stream: Uint8Array; readonly goods: Uint8Array[] } {
  const pick = (): Uint8Array => frames[Math.floor(random() * frames.length)] as Uint8Array;
  const parts: Uint8Array[] = [];
  const goods: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const bad = Math.floor(random() * 4);
    for (let k = 0; k < bad; k++) {
      const kind = Math.floor(random() * 3);
      const f = pick();
      if (kind === 0) parts.push(Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
      else if (kind === 1) parts.push(f.slice(0, 1 + Math.floor(random() * (f.length - 1))));
      else {
        const flipped = f.slice();
        const at = Math.floor(random() * flipped.length);
        flipped[at] = (flipped[at] as number) ^ (1 << Math.floor(random() * 8));
        parts.push(flipped);
      }
    }
    const good = pick();
    parts.push(good);
    goods.push(good);
  }
  return { stream: concatBytes(parts), goods };
}
