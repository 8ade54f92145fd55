// Writes distinct generated frames (values change in every frame, checksums recomputed) built
// from the real fixtures: see packages/decoder/bench/gen/cli.ts for the options.
//   node scripts/gen-frames.mjs --protocol dsmr --frames 20000 --out /tmp/dsmr.txt
//   node scripts/gen-frames.mjs --protocol sml --bytes 1e9 | node packages/gateway/dist/smi.js decode --summary -
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { bundle, bundleEnv, root } from './bench-bundle.mjs';

const js = await bundle('packages/decoder/bench/gen/cli.ts', 'gen');
const r = spawnSync(process.execPath, [js, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: bundleEnv });
rmSync(js, { force: true });
process.exit(r.status ?? 1);
