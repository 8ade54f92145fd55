// `npm run bench`: bundles the decoder benchmarks with esbuild (as the gateway is bundled, so the
// figures match deployment) and runs them in one process. Arguments select suites (dsmr, sml, d0,
// dlms, mbus).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// one bundle per process: two benchmark runs at once must not overwrite each other's
const out = join(tmpdir(), `smi-bench-${process.pid}.js`);
await build({
  entryPoints: [join(root, 'packages/decoder/bench/index.ts')],
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
execFileSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
