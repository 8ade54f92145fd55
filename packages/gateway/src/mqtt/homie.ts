import { networkInterfaces } from 'node:os';
import type { IClientOptions, MqttClient } from 'mqtt';
import {
  homieDevice,
  homieDeviceId,
  homieDisconnect,
  homieLastWill,
  homieValues,
  type HomieOptions as HomieLayoutOptions,
  type MqttMessage,
} from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import { redactUrl, type Logger } from '../log';
import { withDeadline } from './publisher';
import { connectMqtt, mqttErrorText, type MqttTls } from './connect-options';
import { VERSION } from '../version';

export interface HomieOptions {
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly tls?: MqttTls | undefined;
  readonly clientIdPrefix: string;
  readonly reconnectMs: number;
  readonly root: string;
}

/**
 * The gateway host's first external IPv4 interface, for the legacy-firmware extension's
 * `$localip` / `$mac` (the meters are reached through it); loopback when there is none.
 */
export function homieHost(interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): { localIp: string; mac: string } {
  for (const list of Object.values(interfaces)) {
    const found = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (found) return { localIp: found.address, mac: found.mac.toUpperCase() };
  }
  return { localIp: '127.0.0.1', mac: '00:00:00:00:00:00' };
}

/** What decides a Homie device's attributes: a change repeats the init → ready cycle, otherwise only values are sent. */
export function homieSignature(s: MeterSnapshot): string {
  return JSON.stringify([s.meter, s.readings.map((r) => [r.key, r.name, r.quantity, r.unit, r.channel])]);
}

/** What the gateway passes to the Homie generator: root, the host and its version. */
export function homieLayoutOptions(root: string): HomieLayoutOptions {
  return { root, host: homieHost(), firmwareVersion: VERSION };
}

interface HomieMeter {
  readonly client: MqttClient;
  readonly deviceId: string;
  snapshot: MeterSnapshot;
  /** Property layout last announced (a change repeats the init → ready cycle). */
  signature: string | undefined;
}

/**
 * Homie 4.0.0 output for openHAB's Homie binding: one Homie device per meter. Each device has
 * its own MQTT connection, because the convention wants `$state = lost` as each device's last
 * will and a connection carries one will.
 */
export class HomiePublisher {
  private readonly meters = new Map<string, HomieMeter>();
  private readonly layout: HomieLayoutOptions;

  constructor(
    private readonly options: HomieOptions,
    private readonly log: Logger,
  ) {
    this.layout = homieLayoutOptions(options.root);
  }

  publishSnapshot(snapshot: MeterSnapshot): void {
    const meter = this.meters.get(snapshot.meter.id) ?? this.connect(snapshot);
    meter.snapshot = snapshot;
    if (meter.client.connected) this.announce(meter);
  }

  private connect(snapshot: MeterSnapshot): HomieMeter {
    const o = this.options;
    const deviceId = homieDeviceId(snapshot.meter);
    const will = homieLastWill(deviceId, o.root);
    const opts: IClientOptions = {
      clientId: `${o.clientIdPrefix}-homie-${deviceId}`.slice(0, 64),
      reconnectPeriod: o.reconnectMs,
      queueQoSZero: false, // values are published only while connected; never an offline queue
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
    };
    const client = connectMqtt(o, opts);
    const meter: HomieMeter = { client, deviceId, snapshot, signature: undefined };
    let connections = 0;
    client.on('connect', () => {
      connections++;
      const line = `Homie: device ${deviceId} ${connections === 1 ? 'connected' : 'reconnected'} to ${redactUrl(o.url)}`;
      if (connections === 1) this.log.debug(line);
      else this.log.info(line);
      meter.signature = undefined; // the broker may have lost retained attributes: full cycle
      this.announce(meter);
    });
    client.on('error', (err) => this.log.warn(`Homie ${deviceId}: ${mqttErrorText(err)}`));
    this.meters.set(snapshot.meter.id, meter);
    return meter;
  }

  private announce(meter: HomieMeter): void {
    const s = meter.snapshot;
    const signature = homieSignature(s);
    const messages = signature === meter.signature ? homieValues(s, this.layout) : homieDevice(s, this.layout);
    meter.signature = signature;
    for (const m of messages) this.send(meter.client, m);
  }

  private send(client: MqttClient, m: MqttMessage): void {
    client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (err) this.log.warn(`Homie: publish to ${m.topic} failed: ${err.message}`);
    });
  }

  /** Clean shutdown: `$state = disconnected` for every device, then close the connections. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.meters.values()].map(async (m) => {
        const d = homieDisconnect(m.deviceId, this.options.root);
        const clean = m.client.connected && (await withDeadline(m.client.publishAsync(d.topic, d.payload, { qos: 1, retain: true }), 1500));
        // an unreachable broker must not hold the shutdown: force the end
        if (!(await withDeadline(m.client.endAsync(!clean), 1500))) await withDeadline(m.client.endAsync(true), 1500);
      }),
    );
    this.meters.clear();
  }
}
