import { haGatewayDiscovery, haMeterDiscovery, meterDeviceId, type MqttMessage } from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import {
  BUILT_IN_PRESETS,
  compilePreset,
  createTemplateEngine,
  presetStateTopics,
  presetValueTemplate,
  renderPreset,
  templateContext,
  type CompiledPreset,
  type PresetDefinition,
  type RenderedMessage,
} from '@smi/templates';
import type { Config } from '../config/schema';
import { SUPPORT_URL } from '../version';
import { Topics } from './topics';

export type OutboundMessage = MqttMessage;

/** A configuration problem found when the gateway prepares its outputs (bad template, unknown preset). */
export class OutputConfigError extends Error {}

function outputPreset(config: Config): { definition: PresetDefinition; name: string } {
  const o = config.output;
  if (o.topic !== undefined || o.payload !== undefined) {
    if (o.topic === undefined || o.payload === undefined) throw new OutputConfigError('output: a custom output needs both `topic` and `payload` templates');
    const definition: PresetDefinition = o.valueTemplate === undefined
      ? { description: 'custom', messages: [{ topic: o.topic, payload: o.payload }] }
      : { description: 'custom', messages: [{ topic: o.topic, payload: o.payload }], valueTemplate: o.valueTemplate };
    return { definition, name: 'output' };
  }
  const definition = (BUILT_IN_PRESETS as Readonly<Record<string, PresetDefinition>>)[o.preset];
  if (!definition) throw new OutputConfigError(`output.preset: unknown preset '${o.preset}' (built in: ${Object.keys(BUILT_IN_PRESETS).join(', ')})`);
  return { definition, name: `output.preset ${o.preset}` };
}

/** The gateway's install id: configured, or derived from the MQTT base topic. */
export function installIdOf(config: Config): string {
  return config.installId ?? config.mqtt.baseTopic.replace(/[^a-zA-Z0-9_-]+/g, '_');
}

/**
 * Everything the gateway publishes, as messages: state (rendered by the template engine from the
 * configured preset), Home Assistant discovery for meters and for the gateway itself. Pure apart
 * from caching; the publisher owns the connection and the lifecycle.
 */
export class MessageFactory {
  private readonly engine = createTemplateEngine();
  private readonly preset: CompiledPreset;
  private readonly discoveryCache = new Map<string, { signature: string; messages: MqttMessage[] }>();

  readonly installId: string;
  readonly topics: Topics;

  constructor(
    private readonly config: Config,
    private readonly version: string,
  ) {
    this.installId = installIdOf(config);
    this.topics = new Topics(config.mqtt.baseTopic);
    const { definition, name } = outputPreset(config);
    const compiled = compilePreset(this.engine, definition, name);
    if (!compiled.ok) throw new OutputConfigError(compiled.error.message);
    this.preset = compiled.value;
  }

  private render(snapshot: MeterSnapshot): RenderedMessage[] {
    const ctx = templateContext(snapshot, { baseTopic: this.config.mqtt.baseTopic, receivedAt: snapshot.receivedAt ?? '', gatewayId: this.installId });
    const rendered = renderPreset(this.engine, this.preset, ctx);
    if (!rendered.ok) throw new OutputConfigError(rendered.error.message);
    return rendered.value;
  }

  stateMessages(snapshot: MeterSnapshot): MqttMessage[] {
    return this.render(snapshot).map((m) => ({ topic: m.topic, payload: m.payload, retain: this.config.mqtt.retain, qos: this.config.mqtt.qos }));
  }

  /** HA discovery configs for a meter; recomputed only when the meter's set of readings changes. */
  discoveryMessages(snapshot: MeterSnapshot): MqttMessage[] {
    if (!this.config.homeassistant.enabled) return [];
    const signature = JSON.stringify([snapshot.meter, snapshot.readings.map((r) => [r.key, r.name, r.quantity, r.unit, r.enabledByDefault])]);
    const cached = this.discoveryCache.get(snapshot.meter.id);
    if (cached?.signature === signature) return cached.messages;
    const keys = snapshot.readings.map((r) => r.key);
    const stateTopics = presetStateTopics(this.render(snapshot), keys);
    const preset = this.preset;
    const ha = this.config.homeassistant;
    const messages = haMeterDiscovery(snapshot, {
      prefix: ha.discoveryPrefix,
      installId: this.installId,
      instance: this.config.mqtt.baseTopic,
      stateTopic: (_meter, reading) => stateTopics.get(reading.key) ?? `${this.config.mqtt.baseTopic}/unknown`,
      valueTemplate: (key) => presetValueTemplate(preset, key) ?? `{{ value_json.${key} }}`,
      gatewayAvailabilityTopic: this.topics.gatewayAvailability,
      meterAvailabilityTopic: (meter) => this.topics.meterAvailability(meter.id),
      ...(ha.expireAfterSeconds === undefined ? {} : { expireAfter: ha.expireAfterSeconds }),
      origin: { swVersion: this.version, supportUrl: SUPPORT_URL },
    });
    this.discoveryCache.set(snapshot.meter.id, { signature, messages });
    return messages;
  }

  gatewayMessages(): MqttMessage[] {
    if (!this.config.homeassistant.enabled) return [];
    return haGatewayDiscovery({
      prefix: this.config.homeassistant.discoveryPrefix,
      installId: this.installId,
      origin: { swVersion: this.version, supportUrl: SUPPORT_URL },
      availabilityTopic: this.topics.gatewayAvailability,
      rejectedFramesTopic: this.topics.gatewayStats,
      rejectedFramesValueTemplate: '{{ value_json.rejected }}',
    });
  }

  /** HA node id of a meter's discovery configs. */
  nodeOfMeter(meterId: string): string {
    return meterDeviceId({ id: meterId });
  }

  /** The node id of a discovery config topic under our prefix, when it is one of ours (`smi_…`). */
  ownNodeOfConfigTopic(topic: string): string | undefined {
    const prefix = `${this.config.homeassistant.discoveryPrefix}/`;
    if (!topic.startsWith(prefix) || !topic.endsWith('/config')) return undefined;
    const parts = topic.slice(prefix.length).split('/');
    const node = parts.length === 4 ? parts[1] : undefined;
    return node !== undefined && node.startsWith('smi_') ? node : undefined;
  }
}
