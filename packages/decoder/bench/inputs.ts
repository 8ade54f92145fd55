/**
 * Distinct benchmark inputs: frames from the generators (values change in every frame, checksums
 * recomputed), so that no two inputs in a run are alike and no cache of unchanged frames or lines
 * can make a figure.
 */
import { join } from 'node:path';
import { frameSource, type GenProtocol } from './gen';

export const FIXTURES_DIR = join(__dirname, '../fixtures');

/** `perFixture` distinct frames of each fixture's meter, in meter order (a, b, c, a, b, c…). */
export function distinctFrames(protocol: GenProtocol, fixtures: readonly string[], perFixture: number, seed = 1): Uint8Array[] {
  const sources = fixtures.map((f, i) => frameSource(protocol, f, seed + i, FIXTURES_DIR));
  const out: Uint8Array[] = [];
  for (let k = 0; k < perFixture; k++) for (const s of sources) out.push(s.next().bytes);
  return out;
}
