import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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

/**
 * Writes `text` to `file` with mode 0600 as one step: a new file next to it (a stale one from an
 * earlier crash is removed first, so the mode is always ours), synced, then renamed over the
 * target — no reader sees half a file, and no other user can read it at any moment.
 */
export function writePrivateFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
