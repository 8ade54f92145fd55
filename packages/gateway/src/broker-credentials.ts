import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateDir, writePrivateFile } from './state-dir';

/** File in the state folder that holds the embedded broker's generated credentials. */
export const CREDENTIALS_FILE = 'embedded-broker-credentials.json';

/** User name of generated credentials (the password is what is secret). */
export const GENERATED_USERNAME = 'smi';

export interface BrokerUser {
  readonly username: string;
  readonly password: string;
}

export interface StoredCredentials extends BrokerUser {
  /** Absolute path of the file they live in. */
  readonly file: string;
  /** True when this call created them (first start): the only time the password may be shown. */
  readonly generated: boolean;
  /** True when an existing file was readable by others and its mode was set back to 0600. */
  readonly tightened: boolean;
}

function parseStored(text: string, file: string): BrokerUser {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; delete it to generate new embedded broker credentials`);
  }
  const d = doc as { username?: unknown; password?: unknown } | null;
  if (typeof d?.username !== 'string' || d.username === '' || typeof d.password !== 'string' || d.password.length < 8) {
    throw new Error(`${file} holds no username and password; delete it to generate new embedded broker credentials`);
  }
  return { username: d.username, password: d.password };
}

/**
 * The embedded broker's credentials: read from `<stateDir>/embedded-broker-credentials.json`, or
 * generated (24 random bytes, base64url) and stored there with mode 0600 in a folder created with
 * 0700. Synchronous on purpose: it runs once at start, between `listen` and the first connection.
 */
export function loadOrCreateCredentials(stateDir: string): StoredCredentials {
  const file = join(stateDir, CREDENTIALS_FILE);
  ensureStateDir(stateDir);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (text !== undefined) {
    const user = parseStored(text, file);
    const open = (statSync(file).mode & 0o077) !== 0;
    if (open) chmodSync(file, 0o600);
    return { ...user, file, generated: false, tightened: open };
  }
  const user: BrokerUser = { username: GENERATED_USERNAME, password: randomBytes(24).toString('base64url') };
  writePrivateFile(file, JSON.stringify(user, null, 2) + '\n');
  return { ...user, file, generated: true, tightened: false };
}
