import { join } from 'node:path';
import options from './ui/esbuild-options.json';

declare const SMI_UI_JS: string | undefined;
declare const SMI_UI_CSS: string | undefined;

/** The web UI's script and stylesheet (src/web/ui/main.ts and what it imports, uPlot included). */
export interface UiAssets {
  readonly js: string;
  readonly css: string;
}

let cached: UiAssets | undefined;

/** The esbuild entry of the web UI (scripts/build.mjs bundles the same file with the same options). */
export const UI_ENTRY = join(__dirname, 'ui', 'main.ts');

/**
 * The bundle `npm run build` embeds into dist/smi.js (so every packaging that ships smi.js ships
 * the UI, offline); when running from the sources (tests, development) it is bundled once on
 * first use with esbuild, a development dependency.
 */
export function uiAssets(): UiAssets {
  if (cached) return cached;
  if (typeof SMI_UI_JS === 'string' && typeof SMI_UI_CSS === 'string') {
    cached = { js: SMI_UI_JS, css: SMI_UI_CSS };
    return cached;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({ ...(options as object), entryPoints: [UI_ENTRY], outdir: 'ui', write: false });
  const text = (ext: string): string => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  cached = { js: text('.js'), css: text('.css') };
  return cached;
}
