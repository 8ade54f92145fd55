import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The gateway's `assets/` folder, from the sources (jest, tsx) or from the bundle in `dist/`. */
export function assetsDir(): string {
  for (const up of ['..', '../..', '../../..']) {
    const dir = resolve(__dirname, up, 'assets');
    if (existsSync(join(dir, 'simulator'))) return dir;
  }
  throw new Error(`assets folder not found from ${__dirname}`);
}
