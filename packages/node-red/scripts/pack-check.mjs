// Packaging check: `npm pack` this package, install the tarball into a fresh Node-RED user
// directory (as a user would: `npm install <tarball>`), start Node-RED headless on it with a flow
// that uses both nodes, and check what they write:
//   inject (hex of a real DSMR telegram) → smart-meter-decode → file decode.ndjson
//   smart-meter-in on a socat pty (the telegram written into the other end) → file in.ndjson
// Needs socat and either network access or an npm cache holding serialport.
// Usage: node packages/node-red/scripts/pack-check.mjs [--keep]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkg = new URL('..', import.meta.url).pathname;
const root = new URL('../../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'smi-nr-pack-'));
const userDir = join(work, 'user');
const telegram = readFileSync(join(root, 'packages/decoder/fixtures/dsmr/v4_2-kaifa.txt'));
const METER = '3960221976967177082151037881335713';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const children = [];
function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
}

try {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: pkg, encoding: 'utf8' }).trim().split('\n').at(-1);
  console.log(`packed ${tarball}`);
  execFileSync('mkdir', ['-p', userDir]);
  writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], { cwd: userDir, stdio: 'inherit' });

  const socat = spawn('socat', [`pty,raw,echo=0,link=${work}/A`, `pty,raw,echo=0,link=${work}/B`], { stdio: 'ignore' });
  children.push(socat);
  await until(() => existsSync(`${work}/A`) && existsSync(`${work}/B`), 5000, 'socat');

  const file = (id, name) => ({
    id,
    type: 'file',
    z: 't',
    filename: join(work, name),
    filenameType: 'str',
    appendNewline: true,
    createDir: false,
    overwriteFile: 'false',
    encoding: 'none',
    wires: [],
  });
  const flow = [
    { id: 't', type: 'tab', label: 'pack check' },
    {
      id: 'inj',
      type: 'inject',
      z: 't',
      props: [{ p: 'payload' }],
      once: true,
      onceDelay: 0.5,
      payload: telegram.toString('hex'),
      payloadType: 'str',
      wires: [['dec']],
    },
    { id: 'dec', type: 'smart-meter-decode', z: 't', protocol: 'auto', strings: 'hex', wires: [['f1'], []] },
    file('f1', 'decode.ndjson'),
    {
      id: 'in',
      type: 'smart-meter-in',
      z: 't',
      protocol: 'dsmr',
      source: 'serial',
      serialPath: `${work}/A`,
      baudRate: '115200',
      dataBits: '8',
      parity: 'none',
      stopBits: '1',
      wires: [['f2'], []],
    },
    file('f2', 'in.ndjson'),
  ];
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flow));

  let log = '';
  const red = spawn(process.execPath, [join(root, 'node_modules/node-red/red.js'), '--userDir', userDir, '--port', '0', 'flows.json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(red);
  red.stdout.on('data', (d) => (log += d));
  red.stderr.on('data', (d) => (log += d));
  await until(() => /Started flows/.test(log), 60000, 'Node-RED to start flows');
  if (/Waiting for missing types|Failed to register/.test(log)) throw new Error(`nodes did not load:\n${log}`);
  await until(() => /reading .*\/A 115200 8N1/.test(log), 10000, 'the serial port to open');
  writeFileSync(`${work}/B`, telegram);

  const lines = (name) => (existsSync(join(work, name)) ? readFileSync(join(work, name), 'utf8').trim().split('\n').filter(Boolean) : []);
  await until(() => lines('decode.ndjson').length > 0 && lines('in.ndjson').length > 0, 15000, 'both nodes to write a frame');
  for (const name of ['decode.ndjson', 'in.ndjson']) {
    const snapshot = JSON.parse(lines(name)[0]);
    const energy = snapshot.readings.find((r) => r.obis === '1-0:1.8.1');
    if (snapshot.meter.id !== METER || energy?.value !== 1581.123) throw new Error(`${name}: unexpected ${lines(name)[0].slice(0, 200)}`);
    console.log(`${name}: meter ${snapshot.meter.id}, 1-0:1.8.1 = ${energy.value} ${energy.unit}`);
  }
  red.kill('SIGINT');
  await until(() => red.exitCode !== null || red.signalCode !== null, 15000, 'Node-RED to stop');
  console.log(`Node-RED stopped (${red.exitCode ?? red.signalCode}); pack check passed`);
} catch (e) {
  console.error(String(e instanceof Error ? e.message : e));
  process.exitCode = 1;
} finally {
  cleanup();
}
