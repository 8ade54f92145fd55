/**
 * `node scripts/gen-frames.mjs --protocol dsmr|sml|d0|mbus|dlms [--fixture NAME] [--seed N]
 *  (--frames N | --bytes N) [--out FILE]`: writes distinct generated frames as a capture file
 * (`smi decode FILE` reads it), or to standard output with backpressure when --out is absent or
 * `-` (e.g. 1 GB streamed into `smi decode -` without touching the disk).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { DEFAULT_FIXTURES, frameSource, type GenProtocol } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const protocol = arg('protocol') as GenProtocol | undefined;
  if (protocol === undefined || !(protocol in DEFAULT_FIXTURES)) throw new Error('--protocol dsmr|sml|d0|mbus|dlms is required');
  const fixture = arg('fixture') ?? DEFAULT_FIXTURES[protocol];
  const seed = Number(arg('seed') ?? 1);
  const frames = Number(arg('frames') ?? Infinity);
  const bytes = Number(arg('bytes') ?? Infinity);
  if (!Number.isFinite(frames) && !Number.isFinite(bytes)) throw new Error('--frames N or --bytes N is required');
  const outPath = arg('out');
  const out: Writable = outPath === undefined || outPath === '-' ? process.stdout : createWriteStream(outPath);
  const source = frameSource(protocol, fixture, seed, join(__dirname, '../fixtures'));
  let written = 0;
  const batch: Uint8Array[] = [];
  let batchBytes = 0;
  for (let n = 0; n < frames && written < bytes; n++) {
    const f = source.next().bytes;
    batch.push(f);
    batchBytes += f.length;
    written += f.length;
    if (batchBytes >= 1 << 16) {
      if (!out.write(Buffer.concat(batch))) await once(out, 'drain');
      batch.length = 0;
      batchBytes = 0;
    }
  }
  if (batch.length > 0) out.write(Buffer.concat(batch));
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`gen-frames: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
