/**
 * Broker outages on a real Mosquitto: while the broker is unreachable the publisher keeps only
 * the latest message per topic, and after the reconnect sends availability and discovery first,
 * then one (the latest) state per topic. The outage is a TCP relay in front of Mosquitto that the
 * test closes and reopens, so the recorder (Home Assistant) is subscribed before the gateway is back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot, Reading } from '@smi/model';
import { validateConfig } from '../config/load';
import { createLogger } from '../log';
import { FIXTURES } from '../test-support/gateway-process';
import { startMosquitto, type Mosquitto } from '../test-support/mosquitto';
import { MqttRecorder } from '../test-support/mqtt-recorder';
import { freePort, waitFor } from '../test-support/ports';
import { MessageFactory } from './messages';
import { MqttPublisher } from './publisher';

jest.setTimeout(30000);

const METER = 'K8EG004046395507';
const STATE = `smi/${METER}/state`;

/** A TCP relay to the broker that can be switched off (refuses and drops connections) and on again. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: number,
  ) {}
  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', () => r()));
  }
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

function v5Snapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const events = d.value.push(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')));
  const ev = events[0];
  if (events.length !== 1 || !ev?.ok) throw new Error('the V5 fixture did not decode');
  return ev.snapshot;
}

/** The fixture's snapshot with a different tariff-1 energy value (a meter that keeps counting). */
function withEnergy(s: MeterSnapshot, kwh: number, i: number): MeterSnapshot {
  const readings: Reading[] = s.readings.map((r) => (r.key === 'energy_import_tariff_1' ? { ...r, value: kwh } : r));
  return { ...s, readings, receivedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() };
}

describe('MQTT publisher during a broker outage (real Mosquitto)', () => {
  let broker: Mosquitto;
  let relay: Relay;
  let ha: MqttRecorder;
  let publisher: MqttPublisher | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
    relay = new Relay(await freePort(), broker.port);
    await relay.up();
    ha = await MqttRecorder.connect(broker.url, ['homeassistant/#', 'smi/#']);
  });

  afterAll(async () => {
    await publisher?.stop();
    await relay?.down();
    await ha?.close();
    await broker?.stop();
  });

  it('keeps one message per topic while offline and sends availability, discovery, then the latest state', async () => {
    // states with QoS 1 like availability and discovery: a broker keeps the order of one QoS level
    // (with QoS 0 states it may deliver a state ahead of QoS 1 messages still in flight, docs/mqtt.md)
    const r = validateConfig({ mqtt: { url: `mqtt://127.0.0.1:${relay.port}`, reconnectMs: 200, qos: 1 } });
    if (!r.ok) throw new Error(r.problems.join('; '));
    const config = r.config;
    const logLines: string[] = [];
    const messages = new MessageFactory(config, 'test');
    publisher = new MqttPublisher(
      { url: config.mqtt.url ?? '', clientId: 'smi-outage-test', qos: 1, retain: true, reconnectMs: 200, homeAssistant: config.homeassistant },
      messages.topics,
      messages,
      createLogger('info', [], (line) => logLines.push(line)),
    );
    const base = v5Snapshot();
    publisher.start();
    await waitFor('connected', () => publisher?.connected);
    publisher.publishSnapshot(withEnergy(base, 4.426, 0));
    await ha.next(STATE, 0, (m) => (JSON.parse(m.payload) as { energy_import_tariff_1: number }).energy_import_tariff_1 === 4.426);

    // outage: the broker becomes unreachable
    await relay.down();
    await waitFor('disconnected', () => !publisher?.connected);
    const topicsOfOneSnapshot = new Set([
      ...messages.discoveryMessages(base).map((m) => m.topic),
      ...messages.stateMessages(base).map((m) => m.topic),
      `smi/${METER}/availability`,
    ]);
    for (let i = 1; i <= 10000; i++) publisher.publishSnapshot(withEnergy(base, 4.426 + i / 1000, i));
    publisher.publish({ topic: 'smi/gateway/stats', payload: '{"frames":10001}', retain: true, qos: 0 });
    // bounded by topics: the state topic and the stats topic (discovery/availability did not change)
    expect(publisher.pendingCount).toBe(2);
    expect(publisher.pendingCount).toBeLessThanOrEqual(topicsOfOneSnapshot.size + 1);

    const t0 = Date.now();
    await relay.up();
    const latest = await ha.next(STATE, t0, (m) => (JSON.parse(m.payload) as { energy_import_tariff_1: number }).energy_import_tariff_1 === 14.426, 10000);
    await ha.next('smi/gateway/stats', t0);
    await new Promise((res) => setTimeout(res, 500));
    expect(publisher.pendingCount).toBe(0);
    // a successful reconnect is logged at info
    expect(logLines.filter((l) => / INFO  MQTT: reconnected to mqtt:\/\/127\.0\.0\.1:\d+ after \d+ s$/.test(l))).toHaveLength(1);
    const after = ha.messages.filter((m) => m.at >= t0);
    // one state per topic: the latest only, not 10 000
    expect(after.filter((m) => m.topic === STATE)).toEqual([latest]);
    expect(JSON.parse(latest.payload)).toMatchObject({ energy_import_tariff_1: 14.426, energy_import_tariff_2: 2.399 });
    expect(after.filter((m) => m.topic === 'smi/gateway/stats').map((m) => m.payload)).toEqual(['{"frames":10001}']);
    // availability and discovery before the state
    const index = (topic: string): number => after.findIndex((m) => m.topic === topic);
    expect(index('smi/gateway/availability')).toBe(0);
    expect(after[0]?.payload).toBe('online');
    const tariff1Config = index(`homeassistant/sensor/smi_${METER}/energy_import_tariff_1/config`);
    expect(tariff1Config).toBeGreaterThan(0);
    expect(tariff1Config).toBeLessThan(index(STATE));
    expect(index(`smi/${METER}/availability`)).toBeLessThan(index(STATE));
  });
});
