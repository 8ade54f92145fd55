import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema';

/** Largest configuration file read (a real one is a few kB; this stops absurd files before parsing). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A configuration mistake found only when the gateway starts (a port already in use, a template
 * that does not compile). The CLI prints its message as one line and exits with code 2.
 */
export class ConfigMistake extends Error {
  override readonly name = 'ConfigMistake';
}

/** Turns a failed `listen` into a one-line configuration mistake naming the setting and the port. */
export function listenProblem(setting: string, host: string, port: number, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new ConfigMistake(
      `${setting}: port ${port} is already in use on ${host} (another program, or another smi, listens there); choose another ${setting} or stop that program`,
    );
  if (code === 'EACCES')
    return new ConfigMistake(`${setting}: not allowed to listen on ${where} (ports below 1024 need privileges); choose a port of 1024 or more`);
  if (code === 'EADDRNOTAVAIL') return new ConfigMistake(`${setting}: ${host} is not an address of this machine; use 0.0.0.0 or one of its addresses`);
  return new Error(`${setting}: cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`);
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Environment variables that override the broker settings of the file. */
export const ENV_OVERRIDES = {
  SMI_MQTT_URL: 'url',
  SMI_MQTT_USERNAME: 'username',
  SMI_MQTT_PASSWORD: 'password',
  SMI_MQTT_CLIENT_ID: 'clientId',
  SMI_MQTT_BASE_TOPIC: 'baseTopic',
} as const;

/** `path: problem` lines for zod issues (the form every configuration error takes). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const mqtt = { ...((raw['mqtt'] as Record<string, unknown> | undefined) ?? {}) };
  let changed = false;
  for (const [name, field] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      mqtt[field] = value;
      changed = true;
    }
  }
  return changed ? { ...raw, mqtt } : raw;
}

/** Validates an already-parsed document (YAML/JSON object) plus environment overrides. */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): ConfigResult {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    return { ok: false, problems: ['(root): must be a mapping of settings'] };
  }
  const doc = applyEnv((raw ?? {}) as Record<string, unknown>, env);
  const parsed = configSchema.safeParse(doc);
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, problems: formatIssues(parsed.error.issues) };
}

/** Reads and validates a YAML (or JSON) configuration file; no file means the embedded defaults. */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  if (path === undefined) return validateConfig({}, env);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_BYTES) return { ok: false, problems: [`${path}: ${size} bytes is too large for a configuration (at most ${MAX_CONFIG_BYTES})`] };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, problems: [`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`] };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { ok: false, problems: [`${path}: not valid YAML (${(e as Error).message.split('\n')[0]})`] };
  }
  return validateConfig(raw, env);
}
