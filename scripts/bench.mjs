// `npm run bench`: bundles the decoder benchmarks with esbuild (as the gateway is bundled, so the
// figures match deployment) and runs them in one process. Arguments select suites (dsmr, sml, d0,
// dlms, mbus); `--json FILE` writes the figures; `--quick` makes fewer, shorter runs.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { bundle, bundleEnv, root } from './bench-bundle.mjs';

const js = await bundle('packages/decoder/bench/index.ts', 'bench');
const r = spawnSync(process.execPath, [js, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: bundleEnv });
rmSync(js, { force: true });
process.exit(r.status ?? 1);
