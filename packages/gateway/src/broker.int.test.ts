/**
 * The embedded broker is secure by default: anyone may subscribe, only clients with credentials
 * may publish (Home Assistant's status topic excepted), wrong credentials are refused at CONNECT,
 * and generated credentials are stored 0600, reused and shown in the log once.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker';
import { CREDENTIALS_FILE } from './broker-credentials';
import { configSchema } from './config/schema';
import { startGateway } from './gateway';
import { createLogger } from './log';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { freePort } from './test-support/ports';

jest.setTimeout(30000);

const STATUS = 'homeassistant/status';
const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', [], (l) => lines.push(l)) };
}

async function connect(url: string, auth: { username?: string; password?: string } = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: `t-${Math.random().toString(16).slice(2, 10)}`, ...auth });
}

describe('embedded broker access rules', () => {
  const clients: { end(): Promise<unknown> }[] = [];
  let broker: EmbeddedBroker | undefined;
  let lines: string[] = [];
  let url = '';

  beforeAll(async () => {
    const c = capture();
    lines = c.lines;
    broker = await startEmbeddedBroker(
      { host: '127.0.0.1', port: await freePort(), stateDir: mkdtempSync(join(tmpdir(), 'smi-state-')), statusTopic: STATUS },
      c.log,
    );
    url = broker.url;
  });

  afterAll(async () => {
    for (const c of clients) await c.end();
    await broker?.close();
  });

  async function recorder(subscriptions: string[]): Promise<MqttRecorder> {
    const r = await MqttRecorder.connect(url, subscriptions);
    clients.push({ end: () => r.close() });
    return r;
  }
  async function client(auth: { username?: string; password?: string } = {}): Promise<MqttClient> {
    const c = await connect(url, auth);
    clients.push({ end: () => c.endAsync() });
    return c;
  }

  it('drops anonymous publishes outside the status topic, delivers the status topic and authorised publishes', async () => {
    if (!broker) throw new Error('broker did not start');
    const watcher = await recorder(['#']); // anonymous subscribe
    const anonymous = await client();
    const gatewayUser = await client({ username: broker.credentials.username, password: broker.credentials.password });

    const door = 'homeassistant/switch/front_door/config';
    await anonymous.publishAsync(door, JSON.stringify({ name: 'Unlock front door', command_topic: 'door/set' }), { qos: 1, retain: true });
    await anonymous.publishAsync('smi/gateway/availability', 'offline', { qos: 0, retain: true });
    await anonymous.publishAsync('smi/K8EG004046395507/state', '{"power_import":0}', { qos: 2, retain: true });
    // same connection, after the refused ones: when this arrives, the refused ones would have too
    await anonymous.publishAsync(STATUS, 'online', { qos: 0 });
    await gatewayUser.publishAsync('smi/marker', 'after', { qos: 1, retain: true });

    await watcher.next(STATUS, 0, (m) => m.payload === 'online');
    await watcher.next('smi/marker', 0, (m) => m.payload === 'after');
    expect(watcher.messages.map((m) => m.topic)).toEqual([STATUS, 'smi/marker']);
    expect(broker.refusedPublishes()).toBe(3);
    expect(anonymous.connected).toBe(true); // refused publishes are acknowledged and dropped, not disconnected

    // a new subscriber gets the authorised retained message and none of the refused ones
    const late = await recorder(['homeassistant/#', 'smi/#']);
    await late.next('smi/marker', 0, (m) => m.retain && m.payload === 'after');
    await new Promise((r) => setTimeout(r, 200));
    expect(late.messages.map((m) => m.topic)).toEqual(['smi/marker']);
  });

  it('logs each refused publish at debug and warns once a minute at most', () => {
    expect(lines.filter((l) => l.includes('DEBUG') && l.includes('refused publish to'))).toHaveLength(3);
    const warnings = lines.filter((l) => l.includes('WARN ') && l.includes('refused'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"homeassistant/switch/front_door/config"');
  });

  it('refuses wrong credentials at CONNECT with return code 4', async () => {
    if (!broker) throw new Error('broker did not start');
    await expect(connect(url, { username: broker.credentials.username, password: 'not-the-password' })).rejects.toMatchObject({ code: 4 });
    await expect(connect(url, { username: 'somebody', password: broker.credentials.password })).rejects.toMatchObject({ code: 4 });
    await expect(connect(url, { username: broker.credentials.username })).rejects.toMatchObject({ code: 4 });
    expect(lines.join('\n')).not.toContain('not-the-password');
  });

  it('refuses the subscription to the drop topic', async () => {
    const c = await client();
    await expect(c.subscribeAsync('$SYS/#', { qos: 0 })).rejects.toMatchObject({ packet: { granted: [128] } });
    await expect(c.subscribeAsync('$SYS/smi/refused', { qos: 0 })).rejects.toMatchObject({ packet: { granted: [128] } });
    expect((await c.subscribeAsync('$SYS/+/heartbeat', { qos: 0 })).map((g) => g.qos)).toEqual([0]);
  });
});

describe('embedded broker credentials', () => {
  it('uses configured users and writes no state', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'smi-state-')), 'never-created');
    const b = await startEmbeddedBroker(
      { host: '127.0.0.1', port: await freePort(), users: [{ username: 'ha', password: 'correct horse battery' }], stateDir, statusTopic: STATUS },
      capture().log,
    );
    try {
      expect(b.credentials).toEqual({ username: 'ha', password: 'correct horse battery' });
      const c = await connect(b.url, { username: 'ha', password: 'correct horse battery' });
      await c.endAsync();
      await expect(connect(b.url, { username: 'ha', password: 'correct horse battery!' })).rejects.toMatchObject({ code: 4 });
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      await b.close();
    }
  });

  it('generates credentials at first start (0600 file, 0700 folder, shown once), reuses them later and the gateway publishes with them', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'smi-state-')), 'state');
    const file = join(stateDir, CREDENTIALS_FILE);
    const config = (port: number) =>
      configSchema.parse({ meters: [], mqtt: { embeddedBroker: { host: '127.0.0.1', port } }, web: { enabled: false }, stateDir, logLevel: 'debug' });

    const first = capture();
    const port1 = await freePort();
    const gw1 = await startGateway(config(port1), first.log);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { username: string; password: string };
    try {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(stateDir).mode & 0o777).toBe(0o700);
      expect(stored.username).toBe('smi');
      expect(stored.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // the gateway's own publisher is authorised: its retained availability reaches a subscriber
      const r = await MqttRecorder.connect(`mqtt://127.0.0.1:${port1}`, ['smi/#']);
      await r.next('smi/gateway/availability', 0, (m) => m.payload === 'online');
      await r.close();
    } finally {
      await gw1.stop();
    }
    expect(count(first.lines.join('\n'), stored.password)).toBe(1);

    const second = capture();
    const gw2 = await startGateway(config(await freePort()), second.log);
    await gw2.stop();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(stored);
    const text = second.lines.join('\n');
    expect(count(text, stored.password)).toBe(0);
    expect(text).toContain(`credentials for clients that publish are in ${file}`);
  });

  it('tightens a credentials file others can read and refuses a damaged one without showing it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'smi-state-'));
    const file = join(stateDir, CREDENTIALS_FILE);
    writeFileSync(file, JSON.stringify({ username: 'smi', password: 'a-long-enough-secret' }), { mode: 0o644 });
    const c = capture();
    const b = await startEmbeddedBroker({ host: '127.0.0.1', port: await freePort(), stateDir, statusTopic: STATUS }, c.log);
    await b.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(c.lines.filter((l) => l.includes('WARN ') && l.includes('mode is now 0600'))).toHaveLength(1);

    writeFileSync(file, '{"username":"smi","password":"short-secret"');
    await expect(startEmbeddedBroker({ host: '127.0.0.1', port: await freePort(), stateDir, statusTopic: STATUS }, capture().log)).rejects.toThrow(
      /not valid JSON; delete it/,
    );
  });
});
