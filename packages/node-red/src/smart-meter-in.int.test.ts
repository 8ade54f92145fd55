import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import { SerialPort } from 'serialport';
import type { ErrorPayload } from './payload';
import type { NodeStatus } from './red';
import { createSmartMeterIn } from './smart-meter-in';
import { collect, fixtureBytes, fixtureExpected, helper, nodeOf, readingOf, until } from './testing';

/*
 * The input node against a real pseudo-terminal pair (socat): the node opens end A as its serial
 * port, the test writes real telegrams into end B. Short back-off so that reconnecting is quick.
 */
const register = createSmartMeterIn({ firstMs: 100, maxMs: 400 });
const KAIFA = 'dsmr/v4_2-kaifa.txt';

let dir: string;
let socat: ChildProcess | undefined;

async function startSocat(): Promise<void> {
  socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/A`, `pty,raw,echo=0,link=${dir}/B`], { stdio: 'ignore' });
  await until(() => existsSync(`${dir}/A`) && existsSync(`${dir}/B`), 5000, 'socat ptys');
}

async function stopSocat(): Promise<void> {
  const p = socat;
  socat = undefined;
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill();
  await exited;
}

/** Opens the port as another program would: fails while the node holds its lock. */
function tryOpen(path: string): Promise<string> {
  return new Promise((resolve) => {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    port.open((err) => (err ? resolve(`locked: ${err.message}`) : port.close(() => resolve('opened'))));
  });
}

function serialFlow(config: Record<string, unknown> = {}): object[] {
  return [
    {
      id: 'm',
      type: 'smart-meter-in',
      protocol: 'dsmr',
      source: 'serial',
      serialPath: `${dir}/A`,
      baudRate: '115200',
      dataBits: '8',
      parity: 'none',
      stopBits: '1',
      ...config,
      wires: [['ok'], ['err']],
    },
    { id: 'ok', type: 'helper' },
    { id: 'err', type: 'helper' },
  ];
}

function statuses(id: string): NodeStatus[] {
  const seen: NodeStatus[] = [];
  nodeOf(id).on('call:status', (call) => seen.push(call.args[0] as NodeStatus));
  return seen;
}

const isOpenStatus = (s: NodeStatus): boolean => s.fill === 'green' && s.shape === 'ring';

beforeAll(() => helper.startServer());
afterAll(() => helper.stopServer());
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smi-nr-'));
  await startSocat();
});
afterEach(async () => {
  await helper.unload();
  await stopSocat();
  rmSync(dir, { recursive: true, force: true });
});

it('reads a DSMR telegram written into the other end of a pty and sends the decoded frame', async () => {
  await helper.load(register, serialFlow());
  const ok = collect('ok');
  const status = statuses('m');
  await until(() => status.some(isOpenStatus), 5000, 'port open');
  writeFileSync(`${dir}/B`, fixtureBytes(KAIFA));
  await until(() => ok.length === 1, 5000, 'frame');
  const snapshot = ok[0]!.payload as MeterSnapshot;
  const expected = fixtureExpected(KAIFA);
  expect(snapshot.meter.id).toBe(expected['0-0:96.1.1']?.value);
  expect(readingOf(snapshot, '1-0:1.8.1').value).toBe(Number(expected['1-0:1.8.1']?.value));
  expect(readingOf(snapshot, '1-0:1.8.2').value).toBe(Number(expected['1-0:1.8.2']?.value));
  expect(status.at(-1)).toMatchObject({ fill: 'green', shape: 'dot', text: `${snapshot.meter.id}: 1 frames` });
});

it('sends a telegram with a broken CRC to the second output with kind bad-crc', async () => {
  await helper.load(register, serialFlow());
  const ok = collect('ok');
  const err = collect('err');
  const status = statuses('m');
  await until(() => status.some(isOpenStatus), 5000, 'port open');
  writeFileSync(`${dir}/B`, fixtureBytes(KAIFA).toString('latin1').replace('(001435.706', '(001435.707'), 'latin1');
  await until(() => err.length === 1, 5000, 'error message');
  expect(ok).toEqual([]);
  expect(err[0]!.payload as ErrorPayload).toMatchObject({ error: 'bad-crc', layer: 'dsmr' });
  expect(status.at(-1)).toMatchObject({ fill: 'red', text: 'bad-crc (0 frames, 1 rejected)' });
});

it('holds the port while deployed and releases it when the flow is stopped (redeploy)', async () => {
  await helper.load(register, serialFlow());
  const status = statuses('m');
  await until(() => status.some(isOpenStatus), 5000, 'port open');
  expect(await tryOpen(`${dir}/A`)).toMatch(/^locked: .*Cannot lock port/);
  await helper.unload();
  expect(await tryOpen(`${dir}/A`)).toBe('opened');
});

it('redeploying a changed node closes the old port before the new node opens it', async () => {
  await helper.load(register, serialFlow());
  const status = statuses('m');
  await until(() => status.some(isOpenStatus), 5000, 'port open');
  await helper.setFlows(serialFlow({ name: 'changed' }), 'full');
  const ok = collect('ok');
  // The new node opens the same port; a port still held by the old node would fail with
  // "Cannot lock port" and log a warning before retrying.
  await until(
    () => {
      writeFileSync(`${dir}/B`, fixtureBytes(KAIFA));
      return ok.length > 0;
    },
    5000,
    'a frame through the redeployed node',
  );
  const warnings = helper
    .log()
    .args.map((a) => a[0] as { level: number; id?: string; msg?: unknown })
    .filter((e) => e.id === 'm' && e.level <= 30);
  expect(warnings).toEqual([]);
  expect((ok[0]!.payload as MeterSnapshot).meter.id).toBe('3960221976967177082151037881335713');
});

it('reopens the port with back-off when it disappears and comes back', async () => {
  await helper.load(register, serialFlow());
  const ok = collect('ok');
  const status = statuses('m');
  await until(() => status.some(isOpenStatus), 5000, 'port open');
  await stopSocat();
  await until(() => status.some((s) => s.fill === 'red' && /closed; retrying in 100 ms/.test(s.text ?? '')), 5000, 'waiting status');
  // Missing device: the next attempts fail to open and wait longer each time.
  await until(() => status.some((s) => /retrying in 200 ms/.test(s.text ?? '')), 5000, 'second back-off step');
  const opensBefore = status.filter(isOpenStatus).length;
  await startSocat();
  await until(() => status.filter(isOpenStatus).length > opensBefore, 5000, 'port reopened');
  writeFileSync(`${dir}/B`, fixtureBytes(KAIFA));
  await until(() => ok.length === 1, 5000, 'frame after reconnect');
  expect((ok[0]!.payload as MeterSnapshot).meter.id).toBe('3960221976967177082151037881335713');
});

it('reads a TCP bridge and reconnects after the bridge drops the connection', async () => {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    await helper.load(register, serialFlow({ source: 'tcp', host: '127.0.0.1', port: String(port) }));
    const ok = collect('ok');
    await until(() => sockets.length === 1, 5000, 'connection');
    sockets[0]!.end(fixtureBytes(KAIFA));
    await until(() => ok.length === 1, 5000, 'frame');
    await until(() => sockets.length === 2, 5000, 'reconnection');
    sockets[1]!.write(fixtureBytes(KAIFA));
    await until(() => ok.length === 2, 5000, 'frame after reconnect');
    expect(ok.map((m) => m.topic)).toEqual(['3960221976967177082151037881335713', '3960221976967177082151037881335713']);
  } finally {
    await helper.unload();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

it('does not open anything with an invalid configuration and logs why', async () => {
  await helper.load(register, serialFlow({ baudRate: 'fast' }));
  const logged = helper
    .log()
    .args.map((a) => a[0] as { level: number; id?: string; msg?: unknown })
    .filter((e) => e.id === 'm' && e.level === 20);
  expect(logged.map((e) => String(e.msg))).toEqual(["not started: baud rate: 'fast' is not a line speed"]);
  expect(await tryOpen(`${dir}/A`)).toBe('opened');
});
