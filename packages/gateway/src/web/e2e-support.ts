/**
 * Shared by the web UI's end-to-end tests: a gateway started in this process from the sources
 * (simulated meters, embedded broker, everything on 127.0.0.1 and free ports, a fresh state
 * folder) and headless Chromium (Debian's, driven by playwright-core).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import { validateConfig } from '../config/load';
import { startGateway, type RunningGateway } from '../gateway';
import { silentLogger } from '../log';
import { freePort } from '../test-support/ports';

export const CHROMIUM = '/usr/bin/chromium';
/** The narrowest phone the UI must fit (iPhone 12–15 width). */
export const PHONE = { width: 390, height: 844 };

export interface E2eGateway {
  readonly gateway: RunningGateway;
  readonly base: string;
  readonly stateDir: string;
  /** The YAML file the gateway was started from (Setup saves there). */
  readonly configFile: string;
  stop(): Promise<void>;
}

/** Starts a gateway with these meters (and, optionally, more settings) on free local ports. */
export async function startE2eGateway(meters: unknown[], extra: Record<string, unknown> = {}): Promise<E2eGateway> {
  const stateDir = mkdtempSync(join(tmpdir(), 'smi-e2e-'));
  const web = { host: '127.0.0.1', port: await freePort(), ...((extra['web'] as object | undefined) ?? {}) };
  const doc = { ...extra, meters, stateDir, mqtt: { embeddedBroker: { host: '127.0.0.1', port: await freePort() } }, web };
  const parsed = validateConfig(doc);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const configFile = join(stateDir, 'smi.yaml');
  writeFileSync(configFile, stringify(doc), { mode: 0o600 });
  const gateway = await startGateway(parsed.config, silentLogger, { configFile });
  return {
    gateway,
    base: `http://127.0.0.1:${gateway.webPort ?? 0}/`,
    stateDir,
    configFile,
    stop: async () => {
      await gateway.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Opens `base#hash` and logs in with the administrator password; resolves once `ready` shows. */
export async function logIn(page: Page, base: string, hash: string, password: string, ready: { role: 'button'; name: string }): Promise<void> {
  await page.goto(`${base}#${hash}`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole(ready.role, { name: ready.name }).waitFor();
}

/** Pixels the page's content is wider than its viewport (0: no horizontal scrolling). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Collects Content-Security-Policy violations and script errors the page reports. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}

/**
 * Where a test saves a screenshot: docs/images when SMI_UPDATE_SCREENSHOTS=1 (to refresh the
 * documentation's pictures), else a temporary folder (the page is still rendered and captured,
 * without touching the working tree on every test run).
 */
export function screenshotPath(name: string): string {
  const dir = process.env['SMI_UPDATE_SCREENSHOTS'] === '1' ? join(__dirname, '../../../../docs/images') : join(tmpdir(), 'smi-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
