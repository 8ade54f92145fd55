/**
 * Setup in headless Chromium against a real gateway started from a YAML file with no meter: a
 * simulated DSMR meter is added through the form (generated from the schema), tested, saved and
 * applied without a restart, and its values appear on the Dashboard; an encrypted meter (real
 * Landis+Gyr E570 frames) is added with its key, then the key is broken and Diagnostics shows
 * decrypt-failed; the template editor previews the last real frame; the file is written
 * atomically with the previous one kept as .bak and no key is ever sent to the browser.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { assetsDir } from '../assets';
import { horizontalOverflow, launchChromium, PHONE, screenshotPath, startE2eGateway, watchProblems, type E2eGateway, logIn } from './e2e-support';

jest.setTimeout(60000);

const PASSWORD = 'setup admin password';
const LG_FRAMES = join(assetsDir(), 'simulator', 'dlms-lg-e570-encrypted.hex');
const LG_KEY = '101112131415161718191A1B1C1D1E1F';

let gw: E2eGateway;
let browser: Browser;
let page: Page;
let problems: string[];
const bodies: string[] = [];

beforeAll(async () => {
  gw = await startE2eGateway([], { web: { adminPassword: PASSWORD } });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: PHONE, colorScheme: 'light' })).newPage();
  problems = watchProblems(page);
  // everything the gateway answers, to check that no key ever reaches the browser
  page.on('response', (r) => {
    if (r.url().includes('/api/'))
      void r.text().then(
        (t) => bodies.push(t),
        () => undefined,
      );
  });
  await logIn(page, gw.base, 'setup', PASSWORD, { role: 'button', name: 'Add a meter' });
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

async function save(expected: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#setup-saved', { hasText: expected }).waitFor();
}

describe('web UI: setup (Chromium, 390 px)', () => {
  it('adds a simulated meter through the form, tests it, saves and applies it, and the dashboard shows it', async () => {
    await page.getByRole('button', { name: 'Add a meter' }).click();
    const form = page.locator('section.meter-form[data-index="0"]');
    await form.locator('#f-meters-0-name').fill('sim');
    await form.locator('#f-meters-0-transport').selectOption('simulator');
    await form.locator('#f-meters-0-transport-intervalMs').fill('50');
    // inline validation from the schema
    await form.locator('#f-meters-0-transport-intervalMs-problem', { hasText: /100/ }).waitFor();
    await form.locator('#f-meters-0-transport-intervalMs').fill('700');
    await form.locator('#f-meters-0-transport-intervalMs-problem', { hasText: /^$/ }).waitFor();
    await form.locator('#f-meters-0-transport-telegrams').fill('dsmr-v5-iskra');
    await form.getByRole('button', { name: 'Test' }).click();
    await form.locator('.test.ok').waitFor({ timeout: 15000 });
    expect(await form.locator('.test.ok p').textContent()).toMatch(/^Decoded dsmr meter K8EG004046395507 after [\d.]+ s$/);
    expect(await form.locator('.test.ok li[data-key="power_import"]').textContent()).toBe('Power import: 244 W');
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: screenshotPath('web-ui-setup.png'), fullPage: false });

    await save(/^Saved and applied \(meters added 1, restarted 0, removed 0, unchanged 0\)\.$/);
    const stored = parse(readFileSync(gw.configFile, 'utf8')) as { meters: unknown[] };
    expect(stored.meters).toEqual([{ name: 'sim', protocol: 'dsmr', transport: { type: 'simulator', intervalMs: 700, telegrams: ['dsmr-v5-iskra'] } }]);
    expect(statSync(gw.configFile).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(`${gw.configFile}.bak`, 'utf8'))).toMatchObject({ meters: [] });

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('section[data-meter="K8EG004046395507"] tr[data-key="power_import"] td.v', { hasText: '244' }).waitFor();
  });

  it('adds an encrypted meter with its key, then a wrong key shows decrypt-failed in Diagnostics', async () => {
    await page.getByRole('link', { name: 'Setup' }).click();
    await page.getByRole('button', { name: 'Add a meter' }).click();
    const form = page.locator('section.meter-form[data-index="1"]');
    await form.locator('#f-meters-1-name').fill('lg');
    await form.locator('#f-meters-1-protocol').selectOption('dlms');
    await form.locator('#f-meters-1-transport').selectOption('file');
    await form.locator('#f-meters-1-transport-path').fill(LG_FRAMES);
    await form.locator('#f-meters-1-transport-hex').check();
    await form.locator('#f-meters-1-transport-loop').check();
    await form.locator('#f-meters-1-transport-intervalMs').fill('500');
    await form.locator('#f-meters-1-key').fill(LG_KEY);
    await save(/^Saved and applied \(meters added 1, restarted 0, removed 0, unchanged 1\)\.$/);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('section[data-meter="LGZ1030769231253"]').waitFor({ timeout: 15000 });

    await page.getByRole('link', { name: 'Setup' }).click();
    const key = page.locator('#f-meters-1-key');
    await key.waitFor();
    // the key is shown as set, never as its value
    expect({ value: await key.inputValue(), placeholder: await key.getAttribute('placeholder'), type: await key.getAttribute('type') }).toEqual({
      value: '',
      placeholder: 'set (type to replace)',
      type: 'password',
    });
    await key.fill('000102030405060708090A0B0C0D0E0F');
    await save(/^Saved and applied \(meters added 0, restarted 1, removed 0, unchanged 1\)\.$/);
    await page.getByRole('link', { name: 'Diagnostics' }).click();
    const lg = page.locator('section[data-meter="lg"]');
    await lg.locator('tr[data-kind="decrypt-failed"]').waitFor({ timeout: 15000 });
    expect(Number(await lg.locator('tr[data-kind="decrypt-failed"] td.v').textContent())).toBeGreaterThan(0);
    expect(bodies.some((b) => b.includes(LG_KEY) || b.includes('000102030405060708090A0B0C0D0E0F'))).toBe(false);
  });

  it('previews a state template from the last real frame', async () => {
    await page.getByRole('link', { name: 'Setup' }).click();
    const payload = page.locator('textarea#f-output-payload');
    await payload.waitFor();
    await page.locator('textarea#f-output-topic').fill('home/meters/{{ meter_topic_id }}');
    await payload.fill('{"watts": {{ values.power_import }}}');
    await page.locator('#template-preview pre', { hasText: '{"watts": 244}' }).waitFor();
    expect(await page.locator('#template-preview code.topic').first().textContent()).toBe('home/meters/K8EG004046395507');
    // Home Assistant still reads value_json.<key>: the preview says it finds nothing there
    expect(await page.locator('#template-preview .problem').textContent()).toMatch(/^output: no Home Assistant value_template resolves against output.payload/);
    await page.locator('#f-output-valueTemplate').fill('{{ value_json.watts }}');
    await page.locator('#template-preview .problem').waitFor({ state: 'detached' });
    expect(await page.locator('#template-preview pre').first().textContent()).toBe('{"watts": 244}');
    await payload.fill('{{ values | nosuchfilter }}');
    await page.locator('#template-preview .problem', { hasText: 'nosuchfilter' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(problems).toEqual([]);
  });
});
