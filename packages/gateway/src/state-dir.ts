import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Folder name under the XDG state directory. */
export const STATE_DIR_NAME = 'smart-meter-interop';

/**
 * The folder where the gateway keeps what it must remember between starts (the embedded broker's
 * generated credentials). First match wins: the configured `stateDir`, `SMI_STATE_DIR`,
 * `$XDG_STATE_HOME/smart-meter-interop` (an absolute XDG_STATE_HOME only, as the XDG spec asks),
 * `~/.local/state/smart-meter-interop`.
 */
export function resolveStateDir(configured: string | undefined, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (configured !== undefined && configured !== '') return configured;
  const own = env['SMI_STATE_DIR'];
  if (own !== undefined && own !== '') return own;
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, STATE_DIR_NAME);
  return join(home, '.local', 'state', STATE_DIR_NAME);
}

/**
 * Creates the state folder and its missing parents with mode 0700 (an existing folder keeps its
 * mode: the files inside are 0600 anyway). A path that exists and is no folder is an error.
 */
export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new Error(`stateDir: cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!statSync(dir).isDirectory()) throw new Error(`stateDir: ${dir} is not a directory`);
}
