import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { until } from './testing';

/*
 * The editor half of both nodes in a real Node-RED editor (headless Chromium): the nodes appear in
 * the palette, the form shows the fields of the chosen source, the validators reject what the
 * runtime would refuse, the help text is there, and a deployed key stays out of flows.json.
 * The package is built (scripts/build.mjs) into a fresh user directory as npm would install it.
 */
const PKG = join(__dirname, '..');
const NODE_RED = require.resolve('node-red/red.js');
const KEY = '101112131415161718191A1B1C1D1E1F';

/** The editor's API as far as these tests use it. */
interface EditorNode {
  id: string;
  valid?: boolean;
  [key: string]: unknown;
}
interface EditorRED {
  nodes: {
    getType(type: string): { defaults: Record<string, { value: unknown }> } | undefined;
    filterNodes(filter: { type: string }): EditorNode[];
    getNodeHelp(type: string): string;
  };
  view: { importNodes(nodes: object[], options?: object): void };
  editor: { validateNode(node: EditorNode): void; edit(node: EditorNode): void };
}
declare const RED: EditorRED;

let userDir: string;
let red: ChildProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  userDir = mkdtempSync(join(tmpdir(), 'smi-nr-editor-'));
  const installed = join(userDir, 'node_modules/node-red-contrib-smart-meter-interop');
  mkdirSync(installed, { recursive: true });
  copyFileSync(join(PKG, 'package.json'), join(installed, 'package.json'));
  execFileSync(process.execPath, [join(PKG, 'scripts/build.mjs'), join(installed, 'dist')]);
  const port = await freePort();
  // No telemetry question and no welcome tour: they would cover the edit dialog.
  const settings = join(userDir, 'settings.js');
  writeFileSync(settings, `module.exports = { uiHost: '127.0.0.1', flowFile: 'flows.json', telemetry: { enabled: false }, editorTheme: { tours: false } };\n`);
  let log = '';
  red = spawn(process.execPath, [NODE_RED, '--userDir', userDir, '--settings', settings, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  red.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  red.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await until(() => /Server now running/.test(log), 40000, `Node-RED to start:\n${log}`);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes.getType('smart-meter-decode') !== undefined, undefined, { timeout: 30000 });
}, 90000);

afterAll(async () => {
  await browser?.close();
  if (red && red.exitCode === null) {
    const exited = new Promise((r) => red.once('exit', r));
    red.kill('SIGINT');
    await exited;
  }
  rmSync(userDir, { recursive: true, force: true });
});

it('shows both nodes in the palette with their defaults and help', async () => {
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="smart-meter-in"]', { state: 'attached' });
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="smart-meter-decode"]', { state: 'attached' });
  const info = await page.evaluate(() => ({
    input: Object.fromEntries(Object.entries(RED.nodes.getType('smart-meter-in')?.defaults ?? {}).map(([k, v]) => [k, v.value])),
    decode: Object.fromEntries(Object.entries(RED.nodes.getType('smart-meter-decode')?.defaults ?? {}).map(([k, v]) => [k, v.value])),
    inputHelp: RED.nodes.getNodeHelp('smart-meter-in'),
    decodeHelp: RED.nodes.getNodeHelp('smart-meter-decode'),
  }));
  expect(info.input).toMatchObject({
    protocol: 'dsmr',
    source: 'serial',
    serialPath: '/dev/ttyUSB0',
    baudRate: '115200',
    dataBits: '8',
    parity: 'none',
    stopBits: '1',
  });
  expect(info.decode).toEqual({ name: '', protocol: 'auto', strings: 'hex' });
  expect(info.inputHelp).toContain('mode D');
  expect(info.inputHelp).toContain('retries after 1 s');
  expect(info.decodeHelp).toContain('split over several messages');
  expect(problems).toEqual([]);
});

it('validates the source fields the way the runtime checks them', async () => {
  const valid = await page.evaluate(() => {
    const cases: Record<string, object> = {
      serialOk: { source: 'serial', serialPath: '/dev/ttyUSB0', baudRate: '9600' },
      serialNoPath: { source: 'serial', serialPath: ' ', baudRate: '9600' },
      serialBadBaud: { source: 'serial', serialPath: '/dev/ttyUSB0', baudRate: 'fast' },
      tcpOk: { source: 'tcp', host: '192.168.1.50', port: '23', serialPath: '' },
      tcpBadPort: { source: 'tcp', host: '192.168.1.50', port: '70000' },
      tcpNoHost: { source: 'tcp', host: '', port: '23' },
    };
    const base = { protocol: 'dsmr', dataBits: '8', parity: 'none', stopBits: '1', host: '', port: '', serialPath: '', baudRate: '115200' };
    RED.view.importNodes(
      Object.entries(cases).map(([name, c]) => ({ id: `v-${name}`, type: 'smart-meter-in', name, ...base, ...c, x: 100, y: 100, wires: [[], []] })),
      { generateIds: true },
    );
    return Object.fromEntries(
      RED.nodes.filterNodes({ type: 'smart-meter-in' }).map((n) => {
        RED.editor.validateNode(n);
        return [n['name'] as string, n.valid];
      }),
    );
  });
  expect(valid).toEqual({ serialOk: true, serialNoPath: false, serialBadBaud: false, tcpOk: true, tcpBadPort: false, tcpNoHost: false });
});

it('switches the form between serial and TCP, fills typical line settings, keeps the key out of flows.json', async () => {
  await page.evaluate(() => {
    RED.view.importNodes(
      [
        {
          id: 'edit-me',
          type: 'smart-meter-in',
          name: 'p1 meter',
          protocol: 'sml',
          source: 'serial',
          serialPath: '/dev/ttyUSB0',
          baudRate: '115200',
          dataBits: '8',
          parity: 'none',
          stopBits: '1',
          host: '',
          port: '',
          x: 200,
          y: 200,
          wires: [[], []],
        },
      ],
      { generateIds: true },
    );
    const node = RED.nodes.filterNodes({ type: 'smart-meter-in' }).find((n) => n['name'] === 'p1 meter');
    if (node) RED.editor.edit(node);
  });
  await page.waitForSelector('#node-input-serialPath', { state: 'visible' });
  await page.click('#smi-line-preset');
  expect(await page.inputValue('#node-input-baudRate')).toBe('9600');
  expect(await page.isVisible('#node-input-host')).toBe(false);
  await page.selectOption('#node-input-source', 'tcp');
  expect(await page.isVisible('#node-input-host')).toBe(true);
  expect(await page.isVisible('#node-input-serialPath')).toBe(false);
  await page.fill('#node-input-host', '127.0.0.1');
  await page.fill('#node-input-port', '9');
  await page.fill('#node-input-key', KEY);
  await page.click('#node-dialog-ok');
  // Deploy only this node's tab content (the validation cases above are invalid: remove them first).
  await page.evaluate(() => {
    for (const n of RED.nodes.filterNodes({ type: 'smart-meter-in' }))
      if (n['name'] !== 'p1 meter') (RED.nodes as unknown as { remove(id: string): void }).remove(n.id);
  });
  await page.click('#red-ui-header-button-deploy');
  const flows = join(userDir, 'flows.json');
  await until(() => existsSync(flows) && readFileSync(flows, 'utf8').includes('p1 meter'), 15000, 'flows.json after deploy');
  const saved = readFileSync(flows, 'utf8');
  expect(JSON.parse(saved)).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'smart-meter-in', source: 'tcp', host: '127.0.0.1', port: '9', baudRate: '9600' })]),
  );
  expect(saved).not.toContain(KEY);
  expect(saved).not.toContain(KEY.toLowerCase());
  expect(existsSync(join(userDir, 'flows_cred.json'))).toBe(true);
  expect(readFileSync(join(userDir, 'flows_cred.json'), 'utf8')).not.toContain(KEY);
  expect(problems).toEqual([]);
});
