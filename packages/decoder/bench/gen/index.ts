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
import { dlmsFrameSource } from './dlms-frames';
import { mbusFrameSource } from './mbus-frames';

export { MBUS_GEN_FIXTURES } from './mbus-frames';
import { smlFrameSource } from './sml-frames';
import { textFrameSource } from './text-frames';
import type { FrameSource } from './types';

export type { ExpectedValue, FrameSource, GeneratedFrame } from './types';
export type GenProtocol = 'dsmr' | 'sml' | 'd0' | 'mbus' | 'dlms';

/** The meter each protocol's benchmarks play by default (one meter per stream, as on a wire). */
export const DEFAULT_FIXTURES: Readonly<Record<GenProtocol, string>> = {
  dsmr: 'v5-iskra-mt382',
  sml: 'sml-openems-iskra',
  d0: 'smartmeter-obis-emh-ehz-d0',
  mbus: 'kamstrup_multical_601',
  dlms: 'dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample',
};

// DLMS fixtures are named with their folder (`dlms-hdlc-cii/…`): the encrypted ones are in several.
const FOLDER: Readonly<Record<GenProtocol, string>> = { dsmr: 'dsmr', sml: 'sml', d0: 'd0', mbus: 'mbus', dlms: '.' };

function readHex(path: string, fixture: string): Uint8Array {
  const bytes = hexToBytes(readFileSync(path, 'utf8'));
  if (bytes === undefined) throw new Error(`${fixture}: bad hex`);
  return bytes;
}

/** An endless source of distinct frames of the fixture's meter; the same seed gives the same frames. */
export function frameSource(protocol: GenProtocol, fixture: string, seed: number, fixturesDir: string): FrameSource {
  const dir = join(fixturesDir, FOLDER[protocol]);
  if (protocol === 'mbus') return mbusFrameSource({ fixture, frame: readHex(join(dir, `${fixture}.hex`), fixture), seed });
  if (protocol === 'dlms') {
    const json = JSON.parse(readFileSync(join(dir, `${fixture}.json`), 'utf8')) as { key?: { encryption_key?: string } | null };
    const key = hexToBytes(json.key?.encryption_key ?? '');
    if (key === undefined || key.length !== 16) throw new Error(`${fixture}: no published encryption key`);
    return dlmsFrameSource({ fixture, stream: readHex(join(dir, `${fixture}.hex`), fixture), key, seed });
  }
  if (protocol !== 'sml') return textFrameSource({ protocol, fixture, bytes: readFileSync(join(dir, `${fixture}.txt`)), seed });
  const bytes = readHex(join(dir, `${fixture}.hex`), fixture);
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
