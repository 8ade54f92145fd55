// Builds the installable Node-RED package into packages/node-red/dist/:
//   nodes.js                 the runtime of both nodes with @smi/decoder and @smi/model bundled in
//                            (workspace packages are not published; serialport stays a dependency)
//   smart-meter-in.js/.html  and smart-meter-decode.js/.html: what package.json "node-red" lists;
//                            each .js only picks its registration function out of nodes.js.
// Runs on `npm pack` / `npm publish` (prepack) and `npm run build -w node-red-contrib-smart-meter-interop`.
// Usage: node scripts/build.mjs [OUT_DIR]   (default: packages/node-red/dist; tests build elsewhere)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = new URL('..', import.meta.url).pathname;
const root = new URL('../../..', import.meta.url).pathname;
const dist = process.argv[2] ?? `${pkg}dist`;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [`${pkg}src/index.ts`],
  outfile: `${dist}/nodes.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  tsconfig: `${root}tsconfig.base.json`,
  external: ['serialport', '@serialport/*'],
  legalComments: 'none',
  logLevel: 'warning',
});

/** The node's HTML with each `<!-- include: FILE -->` line replaced by FILE (next to it) without its first, comment line. */
function withIncludes(path) {
  return readFileSync(path, 'utf8').replace(/^ *<!-- include: ([\w.-]+) -->\n/gm, (_, file) => {
    const text = readFileSync(new URL(file, `file://${path}`), 'utf8');
    return text.slice(text.indexOf('\n') + 1);
  });
}

const nodes = { 'smart-meter-in': 'registerSmartMeterIn', 'smart-meter-decode': 'registerSmartMeterDecode' };
for (const [type, fn] of Object.entries(nodes)) {
  writeFileSync(
    `${dist}/${type}.js`,
    `'use strict';\n// Node-RED node '${type}' (built by scripts/build.mjs).\nmodule.exports = require('./nodes.js').${fn};\n`,
  );
  writeFileSync(`${dist}/${type}.html`, withIncludes(`${pkg}src/nodes/${type}.html`));
}
