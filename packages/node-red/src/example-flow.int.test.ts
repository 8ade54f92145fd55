import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeMessage, NodeStatus } from './red';
import { createSmartMeterIn } from './smart-meter-in';
import { collect, fixtureBytes, fixtureExpected, helper, nodeOf, until } from './testing';

/*
 * The example flow of docs/node-red.md (packages/node-red/examples/p1-to-influxdb.json) runs as
 * published, with Node-RED's own delay and function nodes: a real telegram written into a pty
 * becomes one InfluxDB line. Only the HTTP request to InfluxDB is replaced by a test node.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const functionNode = require('@node-red/nodes/core/function/10-function.js') as unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const delayNode = require('@node-red/nodes/core/function/89-delay.js') as unknown;

const EXAMPLE = join(__dirname, '../examples/p1-to-influxdb.json');
const DOC = join(__dirname, '../../../docs/node-red.md');
const KAIFA = 'dsmr/v4_2-kaifa.txt';

type FlowNode = { id: string; type: string; serialPath?: string; wires?: string[][] } & Record<string, unknown>;

let dir: string;
let socat: ChildProcess;

beforeAll(async () => {
  await helper.startServer();
  dir = mkdtempSync(join(tmpdir(), 'smi-nr-example-'));
  socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/A`, `pty,raw,echo=0,link=${dir}/B`], { stdio: 'ignore' });
  await until(() => existsSync(`${dir}/A`) && existsSync(`${dir}/B`), 5000, 'socat ptys');
});
afterAll(async () => {
  await helper.unload();
  await helper.stopServer();
  const exited = new Promise((r) => socat.once('exit', r));
  socat.kill();
  await exited;
  rmSync(dir, { recursive: true, force: true });
});

it('is the flow shown in docs/node-red.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const block = /<!-- example-flow -->\s*```json\n([\s\S]*?)```/.exec(doc);
  expect(block).not.toBeNull();
  expect(JSON.parse(block?.[1] ?? 'null')).toEqual(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
});

it('turns a telegram from the P1 port into one InfluxDB line with the meter time', async () => {
  Object.assign(process.env, { INFLUX_URL: 'http://influx.test:8086', INFLUX_ORG: 'home', INFLUX_BUCKET: 'meters', INFLUX_TOKEN: 't0ken' });
  const flow = (JSON.parse(readFileSync(EXAMPLE, 'utf8')) as FlowNode[]).map((n): FlowNode => {
    if (n.type === 'smart-meter-in') return { ...n, serialPath: `${dir}/A` };
    if (n.type === 'http request' || n.type === 'debug') return { id: n.id, type: 'helper', z: n['z'], wires: [] };
    return n;
  });
  expect(flow.map((n) => n.type)).toEqual(['tab', 'smart-meter-in', 'delay', 'function', 'helper', 'helper', 'helper']);
  await helper.load([createSmartMeterIn({ firstMs: 100, maxMs: 400 }), delayNode, functionNode], flow);
  const written = collect('smi-write');
  const rejected = collect('smi-rejected');
  const opened: NodeStatus[] = [];
  nodeOf('smi-p1').on('call:status', (call) => opened.push(call.args[0] as NodeStatus));
  await until(() => opened.some((st) => st.fill === 'green'), 5000, 'port open');
  writeFileSync(`${dir}/B`, fixtureBytes(KAIFA));
  await until(() => written.length > 0, 5000, 'the InfluxDB line');
  expect(rejected).toEqual([]);
  const msg: NodeMessage = written[0]!;
  const expected = fixtureExpected(KAIFA);
  const line = String(msg.payload);
  const [measurement, fields, time] = line.split(' ');
  expect(measurement).toBe(`meter,meter=${String(expected['0-0:96.1.1']?.value)},protocol=dsmr`);
  expect(fields).toContain(`energy_import_tariff_1=${Number(expected['1-0:1.8.1']?.value)}`);
  expect(fields).toContain(`energy_import_tariff_2=${Number(expected['1-0:1.8.2']?.value)}`);
  expect(fields).toContain('power_import=2027');
  expect(time).toBe(String(Date.parse(String(expected['0-0:1.0.0']?.value)) / 1000));
  expect(msg['url']).toBe('http://influx.test:8086/api/v2/write?precision=s&org=home&bucket=meters');
  expect(msg['headers']).toEqual({ 'Content-Type': 'text/plain; charset=utf-8', Authorization: 'Token t0ken' });
});
