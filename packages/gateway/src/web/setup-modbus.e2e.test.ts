/**
 * Setup's Modbus Detect in headless Chromium against a real gateway started from a YAML file with
 * no meter: the simulator's Modbus TCP server plays an Eastron SDM630 at units 1 and 2; Detect with
 * "Modbus (ask unit ids)" finds it, one click adds it to the form, Save applies it without a
 * restart, and the Dashboard shows the voltages the gateway polled from the simulated registers.
 * Behind a second server an SDM630 and an ABB B23 give two meters, added together with one click.
 */
import { readFileSync } from 'node:fs';
import { builtinModbusProfile, EASTRON_SDM630, type ModbusMeterProfile } from '@smi/decoder';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { silentLogger } from '../log';
import { ModbusBus, profileSlave, runModbusTcpServer, type RunningModbusTcpServer } from '../simulators/modbus';
import { horizontalOverflow, launchChromium, PHONE, screenshotPath, startE2eGateway, watchProblems, type E2eGateway, logIn } from './e2e-support';

jest.setTimeout(60000);

const PASSWORD = 'modbus admin password';

let gw: E2eGateway;
let sdm630: RunningModbusTcpServer;
let bus: RunningModbusTcpServer;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  sdm630 = await runModbusTcpServer(profileSlave(EASTRON_SDM630, [1, 2]), 0, '127.0.0.1', silentLogger);
  const b23 = builtinModbusProfile('abb-b23') as ModbusMeterProfile;
  bus = await runModbusTcpServer(new ModbusBus([profileSlave(EASTRON_SDM630, [3]), profileSlave(b23, [4])]), 0, '127.0.0.1', silentLogger);
  gw = await startE2eGateway([], { web: { adminPassword: PASSWORD } });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: PHONE, colorScheme: 'light' })).newPage();
  problems = watchProblems(page);
  await logIn(page, gw.base, 'setup', PASSWORD, { role: 'button', name: 'Add a meter' });
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await sdm630?.stop();
  await bus?.stop();
});

describe('web UI: Modbus Detect in Setup (Chromium, 390 px)', () => {
  it('refuses bad unit ids with the field named', async () => {
    await page.locator('#detect-kind').selectOption('modbus');
    await page.locator('#detect-tcp').fill(`127.0.0.1:${sdm630.port}`);
    await page.locator('#detect-units').fill('0-3');
    await page.getByRole('button', { name: 'Detect', exact: true }).click();
    await page.locator('#detect-progress', { hasText: /^units: unit ids 1-247/ }).waitFor();
    expect(await page.locator('#detect-result button').count()).toBe(0);
    // the browser reports the refused request; nothing else went wrong
    expect(problems.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('finds the SDM630 at units 1 and 2 over Modbus TCP, adds it with one click, saves, and the dashboard shows its voltage', async () => {
    expect(await page.locator('#detect-framing').inputValue()).toBe('tcp');
    await page.locator('#detect-units').fill('1-10');
    await page.getByRole('button', { name: 'Detect', exact: true }).click();
    const add = page.getByRole('button', { name: 'Add eastron-sdm630, units 1, 2' });
    await add.waitFor({ timeout: 20000 });
    expect((await page.locator('#detect-progress').textContent())?.split('\n')).toEqual([
      'TCP: asking units 1-10',
      'TCP: unit 1 answers: eastron-sdm630 (holding register 64514 reads 112)',
      'TCP: unit 2 answers: eastron-sdm630 (holding register 64514 reads 112)',
      'TCP: units 1, 2 answer; 8 silent (3-10)',
      'found 1 Modbus meter: eastron-sdm630, units 1, 2',
    ]);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.locator('label[for="detect-tcp"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: screenshotPath('web-ui-setup-modbus.png'), fullPage: false });

    await add.click();
    expect(await add.isDisabled()).toBe(true);
    const form = page.locator('section.meter-form[data-index="0"]');
    await form.waitFor();
    expect(await form.locator('#f-meters-0-name').inputValue()).toBe('meter1');
    expect(await form.locator('#f-meters-0-protocol').inputValue()).toBe('modbus');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#setup-saved', { hasText: /^Saved and applied \(meters added 1, restarted 0, removed 0, unchanged 0\)\.$/ }).waitFor();
    const stored = parse(readFileSync(gw.configFile, 'utf8')) as { meters: unknown[] };
    expect(stored.meters).toEqual([
      {
        name: 'meter1',
        protocol: 'modbus',
        transport: { type: 'tcp', host: '127.0.0.1', port: sdm630.port },
        modbus: { unitIds: [1, 2], profile: 'eastron-sdm630' },
      },
    ]);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    for (const id of ['eastron-sdm630-1', 'eastron-sdm630-2'])
      await page.locator(`section[data-meter="${id}"] tr[data-key="voltage_l1"] td.v`, { hasText: /^230\.1$/ }).waitFor({ timeout: 20000 });
    expect(problems).toEqual([]);
  });

  it('offers one meter per profile behind one TCP gateway and adds them all with one click', async () => {
    await page.getByRole('link', { name: 'Setup' }).click();
    await page.locator('#detect-kind').selectOption('modbus');
    await page.locator('#detect-tcp').fill(`127.0.0.1:${bus.port}`);
    await page.locator('#detect-units').fill('1-5');
    await page.getByRole('button', { name: 'Detect', exact: true }).click();
    const all = page.getByRole('button', { name: 'Add all 2 meters' });
    await all.waitFor({ timeout: 20000 });
    expect(await page.locator('#detect-result li button').allTextContents()).toEqual(['Add eastron-sdm630, unit 3', 'Add abb-b23, unit 4']);
    await all.click();
    expect(await page.locator('#detect-result button:disabled').count()).toBe(3);
    // meter1 is the saved SDM630 at units 1 and 2; the two found here follow it
    await page.locator('section.meter-form[data-index="2"]').waitFor();
    expect(await page.locator('section.meter-form h4').allTextContents()).toEqual(['meter1', 'meter2', 'meter3']);
    expect(await page.locator('#f-meters-2-protocol').inputValue()).toBe('modbus');
    expect(problems).toEqual([]);
  });
});
