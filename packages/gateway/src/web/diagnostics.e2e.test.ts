/**
 * The diagnostics view in headless Chromium against a real gateway: a DSMR meter (simulated,
 * real Iskra telegram) and a Landis+Gyr E570 (real encrypted DLMS frames replayed from a file)
 * configured with a wrong key: the view shows decrypt-failed counts and frames beside their
 * decoding, the paste box decodes a real telegram, and the capture has the serial removed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assetsDir } from '../assets';
import { horizontalOverflow, launchChromium, PHONE, screenshotPath, startE2eGateway, watchProblems, type E2eGateway, logIn } from './e2e-support';

jest.setTimeout(60000);

const PASSWORD = 'diagnostics password';
const ISKRA = readFileSync(join(assetsDir(), 'simulator', 'dsmr-v5-iskra.txt'));
const WRONG_KEY = '000102030405060708090A0B0C0D0E0F';

let gw: E2eGateway;
let browser: Browser;
beforeAll(async () => {
  gw = await startE2eGateway(
    [
      { name: 'p1', protocol: 'dsmr', transport: { type: 'simulator', telegrams: ['dsmr-v5-iskra'], intervalMs: 500 } },
      {
        name: 'lg',
        protocol: 'dlms',
        key: WRONG_KEY,
        transport: { type: 'file', path: join(assetsDir(), 'simulator', 'dlms-lg-e570-encrypted.hex'), hex: true, loop: true, intervalMs: 500 },
      },
    ],
    { web: { adminPassword: PASSWORD } },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

async function loggedIn(hash: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, colorScheme: 'light', acceptDownloads: true });
  const page = await context.newPage();
  await logIn(page, gw.base, hash, PASSWORD, { role: 'button', name: 'Log out' });
  return page;
}

describe('web UI: diagnostics (Chromium, 390 px)', () => {
  it('needs the login, then shows decrypt-failed for the wrong key and frames beside their decoding', async () => {
    const anonymous = await fetch(`${gw.base}api/ui/frames`);
    expect(anonymous.status).toBe(401);
    const page = await loggedIn('diagnostics');
    const problems = watchProblems(page);
    const lg = page.locator('section[data-meter="lg"]');
    await lg.locator('tr[data-kind="decrypt-failed"]').waitFor({ timeout: 15000 });
    expect(Number(await lg.locator('tr[data-kind="decrypt-failed"] td.v').textContent())).toBeGreaterThan(0);
    const failed = lg.locator('details.frame.bad').first();
    await failed.locator('summary').click();
    expect(await failed.locator('.kind').textContent()).toBe('decrypt-failed');
    // the reassembled general-glo-ciphering APDU (DB), its system title "LGZ…" in clear
    expect(await failed.locator('code.hex').textContent()).toMatch(/^DB084C475A67742062958201FF20[0-9A-F]+$/);

    const p1 = page.locator('section[data-meter="p1"]');
    await p1.locator('details.frame.ok').first().waitFor();
    // pinned by its receive time: the list refreshes every 3 s and newer frames come first
    const at = await p1.locator('details.frame.ok').first().getAttribute('data-at');
    const ok = p1.locator(`details.frame.ok[data-at="${at ?? ''}"]`);
    await ok.locator('summary').click();
    expect(await ok.locator('tr[data-key="power_import"] td.v').textContent()).toBe('244');
    expect(await ok.locator('pre').textContent()).toContain('/ISk5\\2MT382-1000');
    // the frame ends with its CRC line (!6EEE); the line break after it belongs to no frame
    expect(await ok.locator('code.hex').textContent()).toBe(ISKRA.toString('hex').toUpperCase().replace(/0D0A$/, ''));
    // the refresh keeps the opened frame open
    await page.waitForTimeout(3500);
    expect(await p1.locator('details.frame[open]').evaluateAll((ds) => ds.map((d) => d.getAttribute('data-at')))).toEqual([at]);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: screenshotPath('web-ui-diagnostics.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('decodes a pasted hex dump on the gateway and downloads a capture without the serial number', async () => {
    const page = await loggedIn('diagnostics');
    await page.getByLabel('Hex dump').fill(ISKRA.toString('hex').replace(/(..)/g, '$1 '));
    await page.getByLabel('Protocol').selectOption('dsmr');
    await page.getByRole('button', { name: 'Decode' }).click();
    const result = page.locator('#paste-result');
    await result.locator('tr[data-key="energy_import_tariff_1"]').waitFor();
    expect(await result.locator('tr[data-key="energy_import_tariff_1"] td.v').textContent()).toBe('4.426');
    expect(await result.locator('p').first().textContent()).toBe('1 frame(s), 0 byte(s) skipped');

    await page.getByLabel('Meter').selectOption('lg');
    await page.getByLabel('Hex dump').fill(readFileSync(join(assetsDir(), 'simulator', 'dlms-lg-e570-encrypted.hex'), 'utf8'));
    await page.getByRole('button', { name: 'Decode' }).click();
    await result.locator('.kind').first().waitFor();
    expect(await result.locator('.kind').first().textContent()).toBe('decrypt-failed');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('section[data-meter="p1"]').getByRole('link', { name: 'Download capture (identifiers removed)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('smi-capture-p1-dsmr.hex');
    const capture = readFileSync(await download.path(), 'utf8');
    const first = Buffer.from(capture.split('\n')[0] ?? '', 'hex').toString('latin1');
    // the equipment id (hex of K8EG004046395507) is gone; the values are still there
    expect(first).toContain('0-0:96.1.1(58585858585858585858585858585858)');
    expect(first).not.toContain(Buffer.from('K8EG004046395507').toString('hex'));
    expect(first).toContain('1-0:1.8.1(000004.426*kWh)');
    await page.context().close();
  });
});
