import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { MAX_CONFIG_BYTES } from './load';

/** What a secret looks like in a document sent to the browser: where the real value lives. */
export interface SecretRef {
  readonly $secret: string;
}

type Doc = Record<string, unknown>;

function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isSecretRef(v: unknown): v is SecretRef {
  return isObject(v) && Object.keys(v).length === 1 && typeof v['$secret'] === 'string';
}

/**
 * Paths of the secrets a configuration document holds (as `a.0.b`): meter keys, broker and TLS
 * passwords, embedded broker users' passwords, HTTP push header values, the web admin password.
 */
export function secretPaths(doc: Doc): string[] {
  const out: string[] = [];
  const at = (v: unknown, path: string): void => {
    if (v !== undefined && v !== null && !isSecretRef(v)) out.push(path);
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  list(doc['meters']).forEach((m, i) => {
    if (!isObject(m)) return;
    at(m['key'], `meters.${i}.key`);
    at(m['authKey'], `meters.${i}.authKey`);
  });
  const mqtt = isObject(doc['mqtt']) ? doc['mqtt'] : {};
  at(mqtt['password'], 'mqtt.password');
  if (isObject(mqtt['tls'])) at(mqtt['tls']['passphrase'], 'mqtt.tls.passphrase');
  const broker = isObject(mqtt['embeddedBroker']) ? mqtt['embeddedBroker'] : {};
  list(broker['users']).forEach((u, i) => isObject(u) && at(u['password'], `mqtt.embeddedBroker.users.${i}.password`));
  const http = isObject(doc['http']) ? doc['http'] : {};
  list(http['push']).forEach((t, i) => {
    if (isObject(t) && isObject(t['headers'])) for (const h of Object.keys(t['headers'])) at(t['headers'][h], `http.push.${i}.headers.${h}`);
  });
  if (isObject(doc['web'])) at(doc['web']['adminPassword'], 'web.adminPassword');
  return out;
}

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), doc);
}

function set(doc: Doc, path: string, value: unknown): void {
  const keys = path.split('.');
  let v: unknown = doc;
  for (const k of keys.slice(0, -1)) v = (v as Record<string, unknown>)[k];
  (v as Record<string, unknown>)[keys[keys.length - 1] as string] = value;
}

/** A copy of the document with every secret replaced by `{ $secret: path }` (safe to show). */
export function redactSecrets(doc: Doc): Doc {
  const copy = structuredClone(doc);
  for (const path of secretPaths(doc)) set(copy, path, { $secret: path });
  return copy;
}

/**
 * The document with every `{ $secret: path }` replaced by the secret at that path of the current
 * document (so a meter may move in the list and keep its key). Problems name references that
 * point at nothing.
 */
export function restoreSecrets(doc: unknown, current: Doc): { doc: unknown; problems: string[] } {
  const problems: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (isSecretRef(v)) {
      const real = get(current, v.$secret);
      if (typeof real !== 'string' || !secretPaths(current).includes(v.$secret))
        problems.push(`${path || '(root)'}: refers to the secret ${v.$secret}, which is not set; enter the value`);
      return real;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, path ? `${path}.${i}` : String(i)));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
    return v;
  };
  return { doc: walk(doc, ''), problems };
}

/** The configuration file as a document; a missing file is an empty one. */
export function readConfigDocument(path: string): Doc {
  if (!existsSync(path)) return {};
  if (statSync(path).size > MAX_CONFIG_BYTES) throw new Error(`${path} is too large for a configuration`);
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'));
  if (doc === null || doc === undefined) return {};
  if (!isObject(doc)) throw new Error(`${path} is not a mapping of settings`);
  return doc;
}

/**
 * Writes the document as YAML: a temporary file next to the target (mode of the old file, 0600
 * for a new one: it holds keys), flushed to disk, the old file copied to `<file>.bak`, then the
 * temporary renamed over the target. Readers see the old or the new file, never half of one.
 */
export function writeConfigAtomically(path: string, doc: Doc): void {
  const exists = existsSync(path);
  const mode = exists ? statSync(path).mode & 0o777 : 0o600;
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, `# written by the Smart Meter Interop web UI (the previous version is ${path}.bak)\n${stringify(doc)}`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (exists) copyFileSync(path, `${path}.bak`);
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}
