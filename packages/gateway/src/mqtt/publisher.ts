import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { MeterSnapshot } from '@smi/model';
import { redactUrl, type Logger } from '../log';
import type { OutboundMessage, MessageFactory } from './messages';
import type { Topics } from './topics';

export interface PublisherOptions {
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly clientId: string;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  readonly reconnectMs: number;
  readonly homeAssistant: {
    readonly enabled: boolean;
    readonly discoveryPrefix: string;
    readonly statusTopic: string;
    readonly birthPayload: string;
    readonly reannounceDelayMs: number;
  };
}

interface MeterState {
  snapshot: MeterSnapshot;
  online: boolean;
  /** Discovery config topics currently announced for this meter. */
  configTopics: Set<string>;
}

/**
 * Owns the MQTT connection: gateway availability with last will, Home Assistant discovery
 * (retained, deduplicated, stale entities removed), meter availability and states, and the
 * re-announce after Home Assistant's birth message. A broker that is down is retried by mqtt.js;
 * messages published meanwhile wait in its queue.
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private readonly meters = new Map<string, MeterState>();
  /** Last payload per retained topic we published (dedup); cleared topics are removed. */
  private readonly retained = new Map<string, string>();
  /** Retained discovery configs the broker holds for our nodes: node id → topics. */
  private readonly brokerConfigs = new Map<string, Set<string>>();
  private reannounceTimer: NodeJS.Timeout | undefined;
  private connectedOnce = false;
  private stopping = false;

  constructor(
    private readonly options: PublisherOptions,
    private readonly topics: Topics,
    private readonly messages: MessageFactory,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const o = this.options;
    const opts: IClientOptions = {
      clientId: o.clientId,
      reconnectPeriod: o.reconnectMs,
      connectTimeout: 10000,
      will: { topic: this.topics.gatewayAvailability, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    if (o.username !== undefined) opts.username = o.username;
    if (o.password !== undefined) opts.password = o.password;
    const client = mqtt.connect(o.url, opts);
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('reconnect', () => this.log.debug(`MQTT: reconnecting to ${redactUrl(o.url)}`));
    client.on('close', () => {
      if (this.connectedOnce && !this.stopping) this.log.warn(`MQTT: connection to ${redactUrl(o.url)} lost; retrying every ${o.reconnectMs / 1000} s`);
    });
    client.on('error', (err) => this.log.warn(`MQTT: ${err.message}`));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  private onConnect(): void {
    const o = this.options;
    this.log.info(`MQTT: connected to ${redactUrl(o.url)}`);
    this.connectedOnce = true;
    const subs: string[] = [];
    if (o.homeAssistant.enabled) subs.push(o.homeAssistant.statusTopic, `${o.homeAssistant.discoveryPrefix}/+/+/+/config`);
    if (subs.length) this.client?.subscribe(subs, { qos: 1 });
    this.send({ topic: this.topics.gatewayAvailability, payload: 'online', retain: true, qos: 1 }, true);
    for (const m of this.messages.gatewayMessages()) this.send(m, true);
    // After a (re)connect the broker may have lost retained messages: announce everything again.
    for (const [id, state] of this.meters) this.announce(id, state, { configs: true, availability: true });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const ha = this.options.homeAssistant;
    if (topic === ha.statusTopic) {
      if (payload.toString() === ha.birthPayload) this.scheduleReannounce();
      return;
    }
    const node = this.messages.ownNodeOfConfigTopic(topic);
    if (node === undefined) return;
    let set = this.brokerConfigs.get(node);
    if (payload.length === 0) {
      set?.delete(topic);
      return;
    }
    if (!set) this.brokerConfigs.set(node, (set = new Set()));
    set.add(topic);
  }

  /** Home Assistant (re)started: after a delay with jitter, resend availability and states. */
  private scheduleReannounce(): void {
    if (this.reannounceTimer) clearTimeout(this.reannounceTimer);
    const base = this.options.homeAssistant.reannounceDelayMs;
    const delay = base + Math.floor(Math.random() * Math.min(base, 5000) * 0.2);
    this.log.info(`Home Assistant came online; re-announcing in ${(delay / 1000).toFixed(1)} s`);
    this.reannounceTimer = setTimeout(() => {
      this.reannounceTimer = undefined;
      this.send({ topic: this.topics.gatewayAvailability, payload: 'online', retain: true, qos: 1 }, true);
      for (const [id, state] of this.meters) this.announce(id, state, { configs: !this.options.retain, availability: true });
    }, delay);
  }

  /** Publishes a decoded snapshot: discovery (when changed), availability, state. */
  publishSnapshot(snapshot: MeterSnapshot): void {
    const id = snapshot.meter.id;
    let state = this.meters.get(id);
    if (!state) {
      state = { snapshot, online: true, configTopics: new Set() };
      this.meters.set(id, state);
    }
    state.snapshot = snapshot;
    state.online = true;
    this.announce(id, state, { configs: false, availability: false });
  }

  /** Meter silent (unplugged, bridge down): its entities turn unavailable. */
  setMeterOffline(meterId: string): void {
    const state = this.meters.get(meterId);
    if (!state) return;
    state.online = false;
    this.send({ topic: this.topics.meterAvailability(meterId), payload: 'offline', retain: true, qos: 1 }, false);
  }

  publish(message: OutboundMessage): void {
    this.send(message, false);
  }

  /** `force`: send even when the broker already holds the same retained payload from us. */
  private announce(meterId: string, state: MeterState, force: { configs: boolean; availability: boolean }): void {
    if (this.options.homeAssistant.enabled) {
      const configs = this.messages.discoveryMessages(state.snapshot);
      const current = new Set(configs.map((c) => c.topic));
      for (const c of configs) this.send(c, force.configs);
      const node = this.messages.nodeOfMeter(meterId);
      const stale = new Set<string>([...state.configTopics, ...(this.brokerConfigs.get(node) ?? [])]);
      for (const topic of stale) {
        if (current.has(topic)) continue;
        this.log.info(`Home Assistant: removing entity ${topic} (no longer sent by meter ${meterId})`);
        this.send({ topic, payload: '', retain: true, qos: 1 }, false);
        this.brokerConfigs.get(node)?.delete(topic);
      }
      state.configTopics = current;
    }
    this.send({ topic: this.topics.meterAvailability(meterId), payload: state.online ? 'online' : 'offline', retain: true, qos: 1 }, force.availability);
    for (const m of this.messages.stateMessages(state.snapshot)) this.send(m, true);
  }

  /** Publishes; retained messages are skipped when the broker already has the same payload from us. */
  private send(m: OutboundMessage, force: boolean): void {
    const client = this.client;
    if (!client) return;
    if (m.retain) {
      if (!force && this.retained.get(m.topic) === m.payload) return;
      if (m.payload === '') this.retained.delete(m.topic);
      else this.retained.set(m.topic, m.payload);
    }
    client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (err) this.log.warn(`MQTT: publish to ${m.topic} failed: ${err.message}`);
    });
  }

  /** Clean shutdown: availability offline (entities turn unavailable at once), then disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reannounceTimer) clearTimeout(this.reannounceTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) {
      await client.publishAsync(this.topics.gatewayAvailability, 'offline', { qos: 1, retain: true }).catch(() => undefined);
    }
    await client.endAsync().catch(() => undefined);
  }
}
