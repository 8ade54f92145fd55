/**
 * The web UI in headless Chromium against a real gateway (simulated DSMR meter, embedded broker):
 * first-start password, live values on the dashboard, the chart, no CSP violation, no horizontal
 * overflow at 390 px, keyboard navigation, and writes refused without the login.
 */
import type { Browser } from 'playwright-core';
import { horizontalOverflow, launchChromium, PHONE, screenshotPath, startE2eGateway, watchProblems, type E2eGateway } from './e2e-support';

jest.setTimeout(60000);

const PASSWORD = 'e2e admin password';

let gw: E2eGateway;
let browser: Browser;
beforeAll(async () => {
  // One meter id for two real telegrams (Iskra AM550: 244 W, Kaifa: 2027 W): the values change every frame.
  gw = await startE2eGateway([
    {
      name: 'p1',
      id: 'demo-meter',
      protocol: 'dsmr',
      plausibility: { enabled: false },
      transport: { type: 'simulator', telegrams: ['dsmr-v5-iskra', 'dsmr-v4-kaifa'], intervalMs: 700 },
    },
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

describe('web UI: login and live dashboard (Chromium, 390 px)', () => {
  it('asks for the administrator password at first start, then shows the meter updating live', async () => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: 'light' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(gw.base);
    await page.getByRole('heading', { name: 'Choose the administrator password' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();

    const card = page.locator('section[data-meter="demo-meter"]');
    const power = card.locator('tr[data-key="power_import"] td.v');
    await power.waitFor();
    const seen = new Set<string>();
    for (let i = 0; i < 80 && seen.size < 2; i++) {
      seen.add((await power.textContent()) ?? '');
      await page.waitForTimeout(100);
    }
    expect([...seen].sort()).toEqual(['2,027', '244']);
    expect(await card.locator('tr[data-key="power_import"] td').last().textContent()).toBe('W');
    expect(await card.locator('.badge').textContent()).toBe('online');
    expect(await card.locator('.meta .muted').textContent()).toMatch(/^dsmr · last frame \d+ s ago \(/);
    // the chart (uPlot, in the browser's memory) has drawn its canvas
    await card.locator('.chart canvas').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/^Live · MQTT connected \(mqtt:\/\/127\.0\.0\.1:\d+\) · frames \d+ · rejected 0$/);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: screenshotPath('web-ui-dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is usable with the keyboard and follows the dark theme', async () => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(gw.base);
    await page.locator('section[data-meter="demo-meter"]').waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 18, 22)');
    await page.locator('section[data-meter="demo-meter"] .chart canvas').waitFor();
    await page.screenshot({ path: screenshotPath('web-ui-dashboard-dark.png'), fullPage: false });
    // Tab reaches the navigation first, Enter follows the link
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Dashboard');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Setup');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await context.close();
  });

  it('refuses writes without the session and its CSRF token, from the browser and from outside', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(gw.base);
    const fromPage = await page.evaluate(async () => {
      const r = await fetch('api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return r.status;
    });
    expect(fromPage).toBe(401);
    const outside = await fetch(`${gw.base}api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'attacker password' }),
    });
    expect({ status: outside.status, body: await outside.json() }).toEqual({ status: 409, body: { error: 'an administrator password is already set' } });
    await context.close();
  });
});
