/* Test support: fixtures and a Node-RED test runtime (node-red-node-test-helper). Not bundled. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot, Reading } from '@smi/model';
import type { NodeMessage } from './red';

export const FIXTURES = join(__dirname, '../../decoder/fixtures');

/** The bytes of a fixture: `.txt` as is, `.hex` decoded (white space and line breaks ignored). */
export function fixtureBytes(file: string): Buffer {
  const raw = readFileSync(join(FIXTURES, file));
  return file.endsWith('.hex') ? Buffer.from(raw.toString('latin1').replace(/\s+/g, ''), 'hex') : raw;
}

export interface ExpectedValue {
  readonly value: string | number;
  readonly unit: string | null;
}

/** The values a fixture's source asserts (`expected` of its sibling json), by OBIS as the source writes it. */
export function fixtureExpected(file: string): Record<string, ExpectedValue> {
  const json = JSON.parse(readFileSync(join(FIXTURES, file.replace(/\.(txt|hex)$/, '.json')), 'utf8')) as { expected: Record<string, ExpectedValue> };
  return json.expected;
}

/** The reading with this OBIS code (`*255` dropped, as the model writes codes); throws when absent. */
export function readingOf(snapshot: MeterSnapshot, obis: string): Reading {
  const code = obis.replace(/\*255$/, '');
  const r = snapshot.readings.find((x) => x.obis === code && x.channel === undefined) ?? snapshot.readings.find((x) => x.obis === code);
  if (!r) throw new Error(`no reading ${code} in ${snapshot.meter.id}`);
  return r;
}

/** A minimal view of the test helper (it ships no types). */
export interface TestHelper {
  init(nodeRedPath: string, settings?: object): void;
  load(nodes: unknown, flow: object[], credentials?: object): Promise<void>;
  unload(): Promise<void>;
  /** Deploys a new flow into the running test runtime (`full`: every node restarts, as a full deploy). */
  setFlows(flow: object[], type: 'full' | 'flows' | 'nodes', credentials?: object): Promise<void>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  getNode(id: string): TestNode | null;
  /** The sinon spy on the runtime log: one call per log entry, `args[0]` = `{ level, id, msg }`. */
  log(): { args: unknown[][] };
}

export interface TestNode {
  on(event: 'input', listener: (msg: NodeMessage) => void): void;
  on(event: `call:${string}`, listener: (call: { args: unknown[] }) => void): void;
  receive(msg: NodeMessage): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as TestHelper;
helper.init(require.resolve('node-red'));

/** The test node with this id; throws when the flow has none. */
export function nodeOf(id: string): TestNode {
  const n = helper.getNode(id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
}

/** Every message that reaches a helper node, collected in arrival order. */
export function collect(id: string): NodeMessage[] {
  const seen: NodeMessage[] = [];
  nodeOf(id).on('input', (msg) => seen.push(msg));
  return seen;
}

/** Resolves once `cond` holds (polled), rejects after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
