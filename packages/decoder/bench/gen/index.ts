/**
 * Deterministic generators of distinct frames per protocol, built from the real fixtures in
 * packages/decoder/fixtures (see the README there for their provenance). Used by the loop
 * benchmark (`npm run bench`), the whole-process benchmark (`npm run bench:process`) and
 * `scripts/gen-frames.mjs`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '../../src/common';
import { SmlFileFramer } from '../../src/sml';
import { smlFrameSource } from './sml-frames';
import { textFrameSource } from './text-frames';
import type { FrameSource } from './types';

export type { ExpectedValue, FrameSource, GeneratedFrame } from './types';
export type GenProtocol = 'dsmr' | 'sml' | 'd0';

/** The meter each protocol's benchmarks play by default (one meter per stream, as on a wire). */
export const DEFAULT_FIXTURES: Readonly<Record<GenProtocol, string>> = {
  dsmr: 'v5-iskra-mt382',
  sml: 'sml-openems-iskra',
  d0: 'smartmeter-obis-emh-ehz-d0',
};

const FOLDER: Readonly<Record<GenProtocol, string>> = { dsmr: 'dsmr', sml: 'sml', d0: 'd0' };

/** An endless source of distinct frames of the fixture's meter; the same seed gives the same frames. */
export function frameSource(protocol: GenProtocol, fixture: string, seed: number, fixturesDir: string): FrameSource {
  const dir = join(fixturesDir, FOLDER[protocol]);
  if (protocol !== 'sml') return textFrameSource({ protocol, fixture, bytes: readFileSync(join(dir, `${fixture}.txt`)), seed });
  const bytes = hexToBytes(readFileSync(join(dir, `${fixture}.hex`), 'utf8'));
  if (bytes === undefined) throw new Error(`${fixture}: bad hex`);
  const first = new SmlFileFramer().push(bytes).find((e) => e.ok);
  if (first === undefined || !first.ok) throw new Error(`${fixture}: no complete SML file`);
  return smlFrameSource({ fixture, file: first.frame.slice(), seed });
}

/** The first `n` frames of a source, concatenated (a capture file as `smi decode` reads it). */
export function captureBytes(source: FrameSource, n: number): Uint8Array {
  const frames: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const f = source.next().bytes;
    frames.push(f);
    total += f.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
