// Bundles the gateway and its workspace libraries into packages/gateway/dist/smi.js (one file,
// npm dependencies stay external). Type checking is separate: `npm run typecheck`.
// The web UI (packages/gateway/src/web/ui/, uPlot included) is bundled first and embedded into
// smi.js, so every packaging that ships smi.js (npm start, Docker, the add-on) serves it offline.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

const uiOptions = JSON.parse(readFileSync(`${root}/packages/gateway/src/web/ui/esbuild-options.json`, 'utf8'));
const ui = await build({ ...uiOptions, entryPoints: [`${root}/packages/gateway/src/web/ui/main.ts`], outdir: 'ui', write: false, logLevel: 'warning' });
const uiText = (ext) => ui.outputFiles.find((f) => f.path.endsWith(ext)).text;

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
  // esbuild itself is only loaded when running from the sources (the UI is embedded here).
  external: ['serialport', '@serialport/*', 'mqtt', 'aedes', 'express', 'nunjucks', 'yaml', 'zod', 'commander', 'esbuild'],
  define: { SMI_VERSION: JSON.stringify(version), SMI_UI_JS: JSON.stringify(uiText('.js')), SMI_UI_CSS: JSON.stringify(uiText('.css')) },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
