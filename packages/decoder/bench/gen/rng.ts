import { seededRandom } from '../../src/common/testing';

/** The seeded PRNG of the tests (mulberry32): the same seed gives the same frames on every machine. */
export type Rng = () => number;

export const seededRng: (seed: number) => Rng = seededRandom;

/** An integer in [lo, hi]. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}
