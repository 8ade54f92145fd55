import { Socket } from 'node:net';
import type { IClientOptions, MqttClient } from 'mqtt';
import { haDeviceComponentIds } from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import { redactUrl, type Logger } from '../log';
import { OutputConfigError, type OutboundMessage, type MessageFactory } from './messages';
import type { Topics } from './topics';
import { connectMqtt, mqttErrorText, type MqttTls } from './connect-options';
import { applyLastSent, isRepeat, payloadDigest, planAnnouncement, type AnnounceForce, type PayloadDigest } from './publish-plan';
import { describeProblems, type TemplateProblem } from './template-check';
import { sameDiscoveryInput, sameSet } from './discovery-input';
import { WriteCoalescer } from './write-coalescer';
import { withDeadline } from './deadline';

export { withDeadline } from './deadline';

export interface PublisherOptions {
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly tls?: MqttTls | undefined;
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
  /** HA node id of the meter's discovery configs and its availability topic (made once: asked at every frame). */
  readonly node: string;
  readonly availabilityTopic: string;
  snapshot: MeterSnapshot;
  online: boolean;
  /** Discovery config topics currently announced for this meter. */
  configTopics: ReadonlySet<string>;
  /** Device-based discovery: component ids currently announced for this meter. */
  components: ReadonlySet<string>;
  /** The custom output's value templates were checked against this meter's first snapshot. */
  templatesChecked: boolean;
  /** The discovery input (meter, reading set) changed since discovery was last rendered and sent. */
  discoveryStale: boolean;
  /**
   * The last announcement that sent discovery: the component ids it was rendered with and the
   * version of the broker's retained configs for the node then. While the input is not stale and
   * both still hold, an announcement that is not forced sends no config and removes none.
   */
  announced: { previous: ReadonlySet<string>; brokerVersion: number } | undefined;
}

/**
 * How long after the broker acknowledged the discovery subscription the first announcement
 * waits, so that the retained configs of earlier runs (leftovers to remove, configs of the other
 * discovery style to migrate) are known before anything is announced.
 */
const RETAINED_SETTLE_MS = 300;

const NO_TOPICS: ReadonlySet<string> = new Set();

/**
 * Owns the MQTT connection: gateway availability with last will, Home Assistant discovery
 * (retained, deduplicated, stale entities removed), meter availability and states, and the
 * re-announce after Home Assistant's birth message. A broker that is down is retried by mqtt.js.
 * While it is unreachable nothing is handed to mqtt.js: the latest message per topic waits in
 * `pending` (memory bounded by the number of topics, not by the length of the outage), and on
 * reconnect availability and discovery go out first, then the latest states.
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private readonly meters = new Map<string, MeterState>();
  /** Digest of the last payload per retained topic we published (dedup); cleared topics are removed. */
  private readonly retained = new Map<string, PayloadDigest>();
  /** Retained discovery configs the broker holds for our nodes, other than our own last payloads: node id → topics. */
  private readonly brokerConfigs = new Map<string, Set<string>>();
  /** Live component ids of the retained device-based config per node (device discovery). */
  private readonly brokerComponents = new Map<string, Set<string>>();
  /** Changes of `brokerConfigs` / `brokerComponents` per node: an unchanged version spares the removal check. */
  private readonly brokerVersions = new Map<string, number>();
  /** False until the retained discovery configs had time to arrive after the first connect. */
  private settled = false;
  private settleTimer: NodeJS.Timeout | undefined;
  private reannounceTimer: NodeJS.Timeout | undefined;
  private connectedOnce = false;
  private stopping = false;
  /** True from the flush after a connect until the connection closes: only then is mqtt.js used. */
  private online = false;
  private lostAt: number | undefined;
  /** Latest message per topic while the broker is unreachable. */
  private readonly pending = new Map<string, OutboundMessage>();
  /** Template render errors already logged (each is logged once). */
  private readonly renderProblems = new Set<string>();
  /** Batches the socket writes of messages that follow each other closely (see WriteCoalescer). */
  private readonly coalescer = new WriteCoalescer();

  constructor(
    private readonly options: PublisherOptions,
    private readonly topics: Topics,
    private readonly messages: MessageFactory,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.online && (this.client?.connected ?? false);
  }

  /** Messages waiting for the broker (at most one per topic). */
  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    const o = this.options;
    for (const w of this.messages.startupTemplateWarnings) this.log.warn(w);
    const opts: IClientOptions = {
      clientId: o.clientId,
      reconnectPeriod: o.reconnectMs,
      connectTimeout: 10000,
      // mqtt.js must not build its own offline queue: QoS 0 would queue every message while
      // disconnected. We never publish while offline (see `pending`); this is a second guard.
      queueQoSZero: false,
      // mqtt-packet would otherwise build a table of 65,536 two-byte buffers at the first write
      // (about 6 MB of heap, a tenth of an idle gateway) to spare a 2-byte allocation per number
      // written; the setting is the module's, so the embedded broker (aedes) writes without it too.
      writeCache: false,
      will: { topic: this.topics.gatewayAvailability, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    const client = connectMqtt(o, opts);
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('reconnect', () => this.log.debug(`MQTT: reconnecting to ${redactUrl(o.url)}`));
    client.on('close', () => {
      const wasOnline = this.online;
      this.online = false;
      if (wasOnline && !this.stopping) {
        this.lostAt = Date.now();
        this.log.warn(
          `MQTT: connection to ${redactUrl(o.url)} lost; retrying every ${o.reconnectMs / 1000} s (keeping the latest message per topic meanwhile)`,
        );
      }
    });
    client.on('error', (err) => this.log.warn(`MQTT: ${mqttErrorText(err)}`));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  private onConnect(): void {
    const o = this.options;
    // Small messages go out at once: with Nagle's algorithm a state message waited for the ACK of
    // the previous one (p99 33–40 ms in the load bench, 1.4–2.2 ms without; docs/performance.md).
    const stream: unknown = this.client?.stream;
    if (stream instanceof Socket) stream.setNoDelay(true);
    const down = this.lostAt === undefined ? '' : ` after ${Math.round((Date.now() - this.lostAt) / 1000)} s`;
    this.log.info(`MQTT: ${this.connectedOnce ? 'reconnected' : 'connected'} to ${redactUrl(o.url)}${down}`);
    this.connectedOnce = true;
    this.lostAt = undefined;
    const subs: string[] = [];
    const prefix = o.homeAssistant.discoveryPrefix;
    if (o.homeAssistant.enabled) subs.push(o.homeAssistant.statusTopic, `${prefix}/+/+/+/config`, `${prefix}/device/+/config`);
    if (subs.length) this.client?.subscribe(subs, { qos: 1 }, () => this.settleLater());
    else this.settled = true;
    // Still offline: everything below lands in `pending` (one per topic) and is flushed in order.
    this.send({ topic: this.topics.gatewayAvailability, payload: 'online', retain: true, qos: 1 }, true);
    for (const m of this.messages.gatewayMessages()) this.send(m, true);
    // After a (re)connect the broker may have lost retained messages: announce everything again.
    if (this.settled) for (const [id, state] of this.meters) this.announce(id, state, { configs: true, availability: true });
    this.flushPending();
  }

  /** First connect: meters are announced once the retained configs of earlier runs are known. */
  private settleLater(): void {
    if (this.settled || this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      if (this.settled || this.stopping) return;
      this.settled = true;
      for (const [id, state] of this.meters) this.announce(id, state, { configs: true, availability: true });
    }, RETAINED_SETTLE_MS);
  }

  /** Order after a connect: gateway availability, discovery and availabilities, then the rest (states, stats). */
  private flushPending(): void {
    const client = this.client;
    if (!client) return;
    const rank = (m: OutboundMessage): number => {
      if (m.topic === this.topics.gatewayAvailability) return 0;
      if (m.topic.startsWith(`${this.options.homeAssistant.discoveryPrefix}/`) || m.topic.endsWith('/availability')) return 1;
      return 2;
    };
    const ordered = [...this.pending.values()].sort((a, b) => rank(a) - rank(b));
    if (ordered.length) this.log.debug(`MQTT: sending ${ordered.length} messages held while offline or announced on connect`);
    this.pending.clear();
    this.online = true;
    for (const m of ordered) this.publishNow(client, m);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const ha = this.options.homeAssistant;
    if (topic === ha.statusTopic) {
      if (payload.toString() === ha.birthPayload) this.scheduleReannounce();
      return;
    }
    const node = this.messages.ownNodeOfConfigTopic(topic);
    if (node === undefined) return;
    const device = this.messages.isDeviceConfigTopic(topic);
    if (payload.length > 0) {
      const last = this.retained.get(topic);
      const own = last !== undefined && last === payloadDigest(payload.toString('utf8'));
      if (own && !device) {
        // The broker holds what we sent last (our subscription brings it back): nothing to remove
        // later, nothing to check again (keeping it cost a topic string per entity, 2 MB at 1,000
        // meters). A device config's echo goes on below: it replaces component ids of earlier runs.
        const set = this.brokerConfigs.get(node);
        if (set?.delete(topic) && set.size === 0) this.brokerConfigs.delete(node);
        return;
      }
      // another payload than ours (changed by another client): ours goes out again at the next announcement
      if (!own) this.retained.delete(topic);
    }
    this.brokerVersions.set(node, (this.brokerVersions.get(node) ?? 0) + 1);
    if (device) this.brokerComponents.set(node, new Set(haDeviceComponentIds(payload.toString('utf8'))));
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
      state = {
        node: this.messages.nodeOfMeter(id),
        availabilityTopic: this.topics.meterAvailability(id),
        snapshot,
        online: true,
        configTopics: new Set(),
        components: new Set(),
        templatesChecked: false,
        discoveryStale: true,
        announced: undefined,
      };
      this.meters.set(id, state);
    }
    if (!state.discoveryStale && !sameDiscoveryInput(state.snapshot, snapshot)) state.discoveryStale = true;
    state.snapshot = snapshot;
    state.online = true;
    if (!state.templatesChecked && this.options.homeAssistant.enabled && this.messages.customOutput) {
      state.templatesChecked = true;
      this.checkTemplates(id, snapshot);
    }
    if (this.settled) this.announce(id, state, { configs: false, availability: false });
  }

  /** Custom output: warns once per meter, by entity, when a value_template finds nothing in this meter's first payload. */
  private checkTemplates(meterId: string, snapshot: MeterSnapshot): void {
    let problems: TemplateProblem[];
    try {
      problems = this.messages.valueTemplateProblems(snapshot);
    } catch (e) {
      if (e instanceof OutputConfigError) return; // a render failure is logged by the announcement
      throw e;
    }
    if (problems.length === 0) return;
    this.log.warn(
      `output: ${problems.length} Home Assistant ${problems.length === 1 ? 'entity' : 'entities'} of meter ${meterId} will show no value: ${describeProblems(problems)}`,
    );
  }

  /** A template that compiles but cannot render a meter's values: said once, nothing sent, the gateway keeps running. */
  private rendered(meterId: string, render: () => OutboundMessage[]): OutboundMessage[] | undefined {
    try {
      return render();
    } catch (e) {
      if (!(e instanceof OutputConfigError)) throw e;
      if (!this.renderProblems.has(e.message)) this.log.error(`output: cannot render meter ${meterId}: ${e.message}`);
      this.renderProblems.add(e.message);
      return undefined;
    }
  }

  /** Meter silent (unplugged, bridge down): its entities turn unavailable. */
  setMeterOffline(meterId: string): void {
    const state = this.meters.get(meterId);
    if (!state) return;
    state.online = false;
    this.send({ topic: state.availabilityTopic, payload: 'offline', retain: true, qos: 1 }, false);
  }

  publish(message: OutboundMessage): void {
    this.send(message, false);
  }

  /**
   * `force`: send even when the broker already holds the same retained payload from us. What is
   * sent is `planAnnouncement`'s. A meter whose discovery input (compared snapshot to snapshot),
   * announced components and retained configs on the broker are those of its last announcement
   * gets the plan without configs (nothing of them would be sent or removed): the usual snapshot
   * of a known meter renders no discovery.
   */
  private announce(meterId: string, state: MeterState, force: AnnounceForce): void {
    const node = state.node;
    const brokerVersion = this.brokerVersions.get(node) ?? 0;
    const last = state.announced;
    const unchanged =
      !force.configs &&
      !state.discoveryStale &&
      last !== undefined &&
      last.brokerVersion === brokerVersion &&
      (this.messages.discoveryStyle !== 'device' || sameSet(last.previous, this.previousComponents(state, node)));
    const previous = unchanged ? (last?.previous ?? new Set<string>()) : this.previousComponents(state, node);
    // discovery that cannot be rendered changes nothing (no entity is removed for it)
    const configs =
      this.options.homeAssistant.enabled && !unchanged ? this.rendered(meterId, () => this.messages.discoveryMessages(state.snapshot, previous)) : undefined;
    const onBroker = this.brokerConfigs.get(node);
    const candidates = configs === undefined ? [] : [...state.configTopics, ...(onBroker ?? [])];
    const plan = planAnnouncement({
      configs,
      states: this.rendered(meterId, () => this.messages.stateMessages(state.snapshot)) ?? [],
      availabilityTopic: state.availabilityTopic,
      online: state.online,
      announced: state.configTopics,
      onBroker: configs === undefined ? [] : (onBroker ?? []),
      lastSent: this.retained,
      force,
      handover: configs === undefined ? NO_TOPICS : this.messages.handoverTopics(meterId, configs, candidates),
    });
    for (const topic of plan.removed) {
      if (plan.migrated.includes(topic)) this.log.info(`Home Assistant: moved ${topic} to ${this.messages.discoveryStyle}-based discovery (meter ${meterId})`);
      else this.log.info(`Home Assistant: removing entity ${topic} (no longer sent by meter ${meterId})`);
      onBroker?.delete(topic);
    }
    state.configTopics = plan.nextState.announced;
    if (configs !== undefined)
      state.components = new Set(configs.flatMap((m) => (this.messages.isDeviceConfigTopic(m.topic) ? haDeviceComponentIds(m.payload) : [])));
    if (!this.client) return; // not started or stopped: nothing is sent, so nothing counts as sent
    if (configs !== undefined) {
      // what a later announcement compares with (the removals above changed the broker's set on our side only)
      state.announced = { previous, brokerVersion: this.brokerVersions.get(node) ?? 0 };
      state.discoveryStale = false;
    }
    applyLastSent(this.retained, plan.nextState.lastSent);
    for (const m of plan.messages) this.transmit(m);
  }

  /** Device discovery: the component ids announced before (ours and those retained on the broker). */
  private previousComponents(state: MeterState, node: string): ReadonlySet<string> {
    return new Set([...state.components, ...(this.brokerComponents.get(node) ?? [])]);
  }

  /** Publishes; retained messages are skipped when the broker already has the same payload from us. */
  private send(m: OutboundMessage, force: boolean): void {
    const client = this.client;
    if (!client) return;
    if (m.retain) {
      const digest = payloadDigest(m.payload);
      if (isRepeat(m, force, this.retained.get(m.topic), digest)) return;
      if (m.payload === '') this.retained.delete(m.topic);
      else this.retained.set(m.topic, digest);
    }
    this.transmit(m);
  }

  /** Hands a message to mqtt.js when online, else keeps it as the latest for its topic. */
  private transmit(m: OutboundMessage): void {
    const client = this.client;
    if (!client) return;
    if (this.online && client.connected) this.publishNow(client, m);
    else {
      this.pending.delete(m.topic); // re-insert: the latest message also takes the latest place
      this.pending.set(m.topic, m);
    }
  }

  private publishNow(client: MqttClient, m: OutboundMessage): void {
    this.coalescer.beforeWrite(client.stream);
    client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (err && !this.stopping) this.log.warn(`MQTT: publish to ${m.topic} failed: ${err.message}`);
    });
  }

  /** Clean shutdown: availability offline (entities turn unavailable at once), then disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.coalescer.flush();
    if (this.reannounceTimer) clearTimeout(this.reannounceTimer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.pending.clear();
    if (this.online && client.connected) {
      await withDeadline(client.publishAsync(this.topics.gatewayAvailability, 'offline', { qos: 1, retain: true }), STOP_STEP_MS);
    }
    // A broker that never answered (or stopped answering) must not hold the shutdown: force.
    const clean = this.online && client.connected;
    this.online = false;
    if (!(await withDeadline(client.endAsync(!clean), STOP_STEP_MS))) await withDeadline(client.endAsync(true), STOP_STEP_MS);
  }
}

/** How long each step of a clean MQTT shutdown may take before it is cut short. */
const STOP_STEP_MS = 1500;
