// Bundles a TypeScript entry of packages/decoder/bench with esbuild into one CommonJS file in the
// temp folder (one file per process, so two runs at once never overwrite each other's) and
// returns its path. Used by bench.mjs, gen-frames.mjs, bench-process.mjs and bench-check.mjs.
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export async function bundle(entry, name) {
  const out = join(tmpdir(), `smi-${name}-${process.pid}.js`);
  await build({
    entryPoints: [join(root, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: join(root, 'tsconfig.base.json'),
    external: ['dsmr-parser', 'smartmeter-obis'],
    define: { __dirname: JSON.stringify(join(root, 'packages/decoder/bench')) },
    logLevel: 'warning',
  });
  return out;
}

/** Environment for a bundle: the peers resolve from the root node_modules. */
export const bundleEnv = { ...process.env, NODE_PATH: join(root, 'node_modules') };
