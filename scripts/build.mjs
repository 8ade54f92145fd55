// Bundles the gateway and its workspace libraries into packages/gateway/dist/smi.js (one file,
// npm dependencies stay external). Type checking is separate: `npm run typecheck`.
// The web UI (packages/gateway/src/web/ui/, uPlot included) is bundled first and embedded into
// smi.js, so every packaging that ships smi.js (npm start, Docker, the add-on) serves it offline.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
// `--outfile PATH`: another place for the bundle (benchmarks of a working copy next to dist/smi.js).
const outAt = process.argv.indexOf('--outfile');
const outfile = outAt > 0 ? process.argv[outAt + 1] : `${root}/packages/gateway/dist/smi.js`;
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

/**
 * npm modules an idle default gateway (simulated meter, embedded broker, web UI) never calls are
 * loaded at their first use, not at start: serialport (native binding and a dozen parsers) and the
 * YAML library. Each gets a stand-in with the names the sources import; a name the stand-in lacks
 * fails the build ("No matching export"), so a new import cannot slip through unnoticed.
 */
const LAZY = {
  serialport: `
export const SerialPort = new Proxy(function SerialPort() {}, {
  construct: (_, args) => Reflect.construct(load().SerialPort, args),
  get: (_, key) => {
    const value = load().SerialPort[key];
    return typeof value === 'function' ? value.bind(load().SerialPort) : value;
  },
});`,
  yaml: `
export const parse = (...args) => load().parse(...args);
export const stringify = (...args) => load().stringify(...args);`,
};
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `let real;\nconst load = () => (real ??= require(${JSON.stringify(args.path)}));\n${LAZY[args.path]}\n`,
      loader: 'js',
    }));
  },
};

const uiOptions = JSON.parse(readFileSync(`${root}/packages/gateway/src/web/ui/esbuild-options.json`, 'utf8'));
const ui = await build({ ...uiOptions, entryPoints: [`${root}/packages/gateway/src/web/ui/main.ts`], outdir: 'ui', write: false, logLevel: 'warning' });
const uiText = (ext) => ui.outputFiles.find((f) => f.path.endsWith(ext)).text;

await build({
  entryPoints: [`${root}/packages/gateway/src/cli/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: `${root}/tsconfig.base.json`,
  // Workspace packages (@smi/*) are bundled from source; everything from npm stays external.
  // esbuild itself is only loaded when running from the sources (the UI is embedded here).
  external: ['@serialport/*', 'mqtt', 'aedes', 'express', 'nunjucks', 'zod', 'commander', 'esbuild'],
  plugins: [lazyModules],
  define: { SMI_VERSION: JSON.stringify(version), SMI_UI_JS: JSON.stringify(uiText('.js')), SMI_UI_CSS: JSON.stringify(uiText('.css')) },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});

// V8 keeps the bundle's source text in memory for as long as the process runs, as one byte per
// character when every character is Latin-1 and two bytes otherwise. esbuild escapes non-ASCII
// characters in strings but leaves comments as written, and a single "…" in a comment doubled the
// text (0.9 MB more heap in every process). A \uXXXX escape means the same character in strings,
// template literals, regular expressions and names, and comments do not matter, so escaping every
// one keeps the text one byte per character without changing the program or the source map's lines.
const text = readFileSync(outfile, 'utf8');
const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (ascii !== text) writeFileSync(outfile, ascii);
