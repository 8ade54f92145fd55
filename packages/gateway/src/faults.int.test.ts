/**
 * Faults end cleanly: signals end the gateway in time whatever the broker does, start-up mistakes
 * are one line with exit code 2, and a noisy line of corrupt frames is counted, not narrated.
 * The gateway bundle runs as a child process; brokers are real Mosquitto or plain TCP peers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { freePort, waitFor } from './test-support/ports';

jest.setTimeout(60000);

const V5 = readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'));
/** The real telegram with one value changed: its CRC no longer matches (bad-crc). */
const CORRUPT = Buffer.from(V5.toString('latin1').replace('1-0:1.8.1(000004.426*kWh)', '1-0:1.8.1(999994.426*kWh)'), 'latin1');

const simulatedMeter = { name: 'p1', protocol: 'dsmr', transport: { type: 'simulator', intervalMs: 500 } };

async function listen(handler: (s: Socket) => void = () => undefined): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    handler(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** SIGTERM; resolves with the exit code and how long the process took to end. */
async function terminate(gw: GatewayProcess): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  const code = await gw.stop();
  return { code, ms: Date.now() - t0 };
}

/** stderr lines that are not INFO log lines. */
function problemLines(gw: GatewayProcess): string[] {
  return gw
    .stderr()
    .split('\n')
    .filter((l) => l !== '' && !/^\S+ INFO /.test(l));
}

describe('signals end the gateway within 5 s', () => {
  const running: GatewayProcess[] = [];
  afterAll(async () => {
    for (const gw of running) await gw.kill();
  });

  it('when the broker was never reachable (closed port)', async () => {
    const closed = await freePort();
    const gw = runGateway({ meters: [simulatedMeter], mqtt: { url: `mqtt://127.0.0.1:${closed}`, reconnectMs: 300 }, web: { enabled: false } });
    running.push(gw);
    await waitFor('a failed connection attempt', () => /ECONNREFUSED/.test(gw.output()), 10000);
    await new Promise((r) => setTimeout(r, 1200)); // several retries and simulated telegrams later
    const { code, ms } = await terminate(gw);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(gw.output()).toMatch(/SIGTERM: shutting down/);
    expect(gw.output()).not.toMatch(/exiting without waiting/);
  });

  it('when the broker accepts TCP but never answers (no CONNACK)', async () => {
    const silent = await listen();
    try {
      const gw = runGateway({
        meters: [simulatedMeter],
        mqtt: { url: `mqtt://127.0.0.1:${silent.port}`, reconnectMs: 300 },
        web: { enabled: false },
        homie: { enabled: true },
      });
      running.push(gw);
      await waitFor('the gateway started', () => /p1: reading dsmr/.test(gw.output()), 10000);
      await new Promise((r) => setTimeout(r, 1500));
      const { code, ms } = await terminate(gw);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
      expect(gw.output()).not.toMatch(/exiting without waiting/);
    } finally {
      await silent.close();
    }
  });
});

describe('start-up mistakes: one line, exit code 2, no stack trace', () => {
  it('a busy web port', async () => {
    const busy = await listen();
    try {
      const gw = runGateway({ meters: [simulatedMeter], mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` }, web: { port: busy.port, host: '127.0.0.1' } });
      expect(await gw.exited()).toBe(2);
      expect(problemLines(gw)).toEqual([
        `smi: cannot start: web.port: port ${busy.port} is already in use on 127.0.0.1 (another program, or another smi, listens there); choose another web.port or stop that program`,
      ]);
    } finally {
      await busy.close();
    }
  });

  it('a busy embedded-broker port', async () => {
    const busy = await listen();
    try {
      const gw = runGateway({ meters: [simulatedMeter], mqtt: { embeddedBroker: { port: busy.port, host: '127.0.0.1' } }, web: { enabled: false } });
      expect(await gw.exited()).toBe(2);
      expect(problemLines(gw)).toEqual([
        `smi: cannot start: mqtt.embeddedBroker.port: port ${busy.port} is already in use on 127.0.0.1 (another program, or another smi, listens there); choose another mqtt.embeddedBroker.port or stop that program`,
      ]);
    } finally {
      await busy.close();
    }
  });

  it('an output template that does not compile', async () => {
    const gw = runGateway({
      meters: [simulatedMeter],
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      output: { topic: 'smi/{{ meter.id', payload: '{{ readings | dump }}' },
      web: { enabled: false },
    });
    expect(await gw.exited()).toBe(2);
    const lines = problemLines(gw);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^smi: cannot start: template "output\.messages\[0\]\.topic": /);
  });
});

describe('a burst of corrupt frames on a real broker', () => {
  let broker: Mosquitto;
  let ha: MqttRecorder;
  let bridge: Awaited<ReturnType<typeof listen>>;
  let gw: GatewayProcess | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
    ha = await MqttRecorder.connect(broker.url, ['smi/#']);
    let connections = 0;
    // a ser2net-style bridge: the first connection carries 200 corrupt telegrams and drops, the second a good one
    bridge = await listen((s) => {
      connections++;
      if (connections === 1) {
        // after the gateway is on the broker (else only the latest stats would be delivered)
        setTimeout(() => {
          s.write(Buffer.concat(Array.from({ length: 200 }, () => CORRUPT)));
          setTimeout(() => s.destroy(), 300);
        }, 1500);
      } else s.write(V5);
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await bridge?.close();
    await ha?.close();
    await broker?.stop();
  });

  it('publishes stats at start, then at most one stats message and one warning per 10 s with counts', async () => {
    const t0 = Date.now();
    gw = runGateway({
      meters: [{ name: 'p1', protocol: 'dsmr', transport: { type: 'tcp', host: '127.0.0.1', port: bridge.port } }],
      mqtt: { url: broker.url, reconnectMs: 300 },
      web: { enabled: false },
    });
    const first = await ha.next('smi/gateway/stats', t0, () => true, 10000);
    expect(JSON.parse(first.payload)).toEqual({ frames: 0, rejected: 0, readings: 0, errors: {} });
    // the good telegram after the bridge reconnected
    await ha.next(`smi/K8EG004046395507/state`, t0, () => true, 10000);
    const all = await ha.next('smi/gateway/stats', t0, (m) => (JSON.parse(m.payload) as { rejected: number }).rejected === 200, 15000);
    expect(JSON.parse(all.payload)).toEqual({ frames: 1, rejected: 200, readings: expect.any(Number), errors: { 'bad-crc': 200 } });
    const stats = ha.on('smi/gateway/stats', t0).map((m) => (JSON.parse(m.payload) as { rejected: number }).rejected);
    expect(stats).toEqual([0, 1, 200]);
    const warnings = gw
      .output()
      .split('\n')
      .filter((l) => / WARN  p1: \d+ frames? rejected/.test(l));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/p1: 1 frame rejected \(bad-crc 1\); last: \(bad-crc\) at /);
    expect(warnings[1]).toMatch(/p1: 199 frames rejected in the last 10 s \(bad-crc 199\); last: \(bad-crc\) at /);
    // the bridge came back: a successful reconnect is news, logged at info
    expect(gw.output()).toMatch(new RegExp(`INFO  p1: tcp 127\\.0\\.0\\.1:${bridge.port} open: reconnected after \\d+ s`));
  });
});
