/**
 * The diagnostics view of a gateway with more meters than the frame log keeps decodings for
 * (FRAMES_IN_ALL ÷ FRAMES_PER_METER): 251 meters each read the same real EMH eHZ D0 capture (two
 * push telegrams, 1.8.1 = 32942.0231 then 32942.0234; smartmeter-obis test data, provenance in
 * packages/decoder/fixtures/d0/smartmeter-obis-emh-ehz-d0.json) once. The newest frame shows
 * its values; the older one is marked decoded and shows its bytes, its values no longer.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { FRAMES_IN_ALL, FRAMES_PER_METER } from './frame-log';
import { launchChromium, PHONE, startE2eGateway, watchProblems, type E2eGateway, logIn } from './e2e-support';

jest.setTimeout(60000);

const PASSWORD = 'diagnostics password';
const EMH = join(__dirname, '../../../decoder/fixtures/d0/smartmeter-obis-emh-ehz-d0.txt');
const METERS = FRAMES_IN_ALL / FRAMES_PER_METER + 1;

let gw: E2eGateway;
let browser: Browser;
beforeAll(async () => {
  const meters = Array.from({ length: METERS }, (_, i) => ({
    name: `m${String(i).padStart(3, '0')}`,
    protocol: 'iec62056-21',
    iec62056: { mode: 'push' },
    transport: { type: 'file', path: EMH },
  }));
  gw = await startE2eGateway(meters, { web: { adminPassword: PASSWORD } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

describe(`web UI: diagnostics with ${METERS} meters (Chromium, 390 px)`, () => {
  it('shows the values of each meter’s newest frame and decodes an older frame again on request', async () => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: 'light' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await logIn(page, gw.base, 'diagnostics', PASSWORD, { role: 'button', name: 'Log out' });
    const last = page.locator(`section[data-meter="m${METERS - 1}"]`);
    await last.locator('details.frame.ok').nth(1).waitFor({ timeout: 20000 });
    expect(await last.locator('details.frame').count()).toBe(2);

    // newest first: its values are kept
    const newest = last.locator('details.frame.ok').nth(0);
    await newest.locator('summary').click();
    expect(await newest.locator('summary').textContent()).toMatch(/decoded \(0000680476\)$/);
    expect(await newest.locator('tr[data-key="energy_import_tariff_1"] td.v').textContent()).toBe('32942.0234');

    // the older frame: decoded, its bytes kept, its values not
    const older = last.locator('details.frame.ok').nth(1);
    await older.locator('summary').click();
    expect(await older.locator('summary').textContent()).toMatch(/ · decoded$/);
    expect(await older.locator('pre').textContent()).toContain('1-0:1.8.1*255(032942.0231)');
    expect(await older.locator('table.readings').count()).toBe(0);
    expect(await older.locator('.values-gone').textContent()).toBe(
      'Decoded. With this many meters the gateway keeps the values of each meter’s newest frame only.',
    );
    expect(problems).toEqual([]);
    await context.close();
  });
});
