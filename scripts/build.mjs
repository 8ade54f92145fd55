// Bundles the gateway and its workspace libraries into packages/gateway/dist/smi.js (one file,
// npm dependencies stay external). Type checking is separate: `npm run typecheck`.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

await build({
  entryPoints: [`${root}/packages/gateway/src/cli/main.ts`],
  outfile: `${root}/packages/gateway/dist/smi.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: `${root}/tsconfig.base.json`,
  // Workspace packages (@smi/*) are bundled from source; everything from npm stays external.
  external: ['serialport', '@serialport/*', 'mqtt', 'aedes', 'express', 'nunjucks', 'yaml', 'zod', 'commander'],
  define: { SMI_VERSION: JSON.stringify(version) },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
