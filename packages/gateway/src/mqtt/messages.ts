import {
  haDeviceComponentIds,
  haDeviceConfigTopic,
  haDeviceDiscovery,
  haEntityTopicOfComponent,
  haGatewayDiscovery,
  haMeterDiscovery,
  haMeterEntities,
  meterDeviceId,
  type HaDiscoveryOptions,
  type MqttMessage,
} from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import {
  BUILT_IN_PRESETS,
  compilePreset,
  createTemplateEngine,
  presetStateTopics,
  presetValueTemplate,
  renderSnapshot,
  type CompiledPreset,
  type PresetDefinition,
  type RenderedMessage,
} from '@smi/templates';
import type { Config } from '../config/schema';
import { SUPPORT_URL } from '../version';
import { describeProblems, syntheticSnapshot, valueTemplateProblems, type TemplateProblem } from './template-check';
import { Topics } from './topics';

export type OutboundMessage = MqttMessage;

/** A configuration problem found when the gateway prepares its outputs (bad template, unknown preset). */
export class OutputConfigError extends Error {}

function outputPreset(config: Config): { definition: PresetDefinition; name: string } {
  const o = config.output;
  if (o.topic !== undefined || o.payload !== undefined) {
    if (o.topic === undefined || o.payload === undefined) throw new OutputConfigError('output: a custom output needs both `topic` and `payload` templates');
    const definition: PresetDefinition =
      o.valueTemplate === undefined
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

  readonly installId: string;
  readonly topics: Topics;
  /** Entities whose value_template does not resolve against the custom output, found at start (to be logged). */
  readonly startupTemplateWarnings: readonly string[];

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
    this.startupTemplateWarnings = this.checkAtStart();
  }

  /** True when `output.topic` / `output.payload` replace the built-in presets. */
  get customOutput(): boolean {
    return this.config.output.topic !== undefined || this.config.output.payload !== undefined;
  }

  /**
   * Custom output and HA discovery: the value_templates are evaluated against the payload the
   * output renders for a snapshot made by the model. None resolving is a configuration mistake
   * (refused, exit code 2); some not resolving is returned as warnings. A payload that cannot be
   * rendered for it is only a warning (the meters' own values may render).
   */
  private checkAtStart(): string[] {
    if (!this.customOutput || !this.config.homeassistant.enabled) return [];
    const snapshot = syntheticSnapshot();
    let problems: TemplateProblem[];
    try {
      problems = this.valueTemplateProblems(snapshot);
    } catch (e) {
      if (!(e instanceof OutputConfigError)) throw e;
      return [`output: the Home Assistant value templates could not be checked at start: ${e.message}`];
    }
    if (problems.length === 0) return [];
    if (problems.length === snapshot.readings.length) {
      throw new OutputConfigError(
        `output: no Home Assistant value_template resolves against output.payload, every entity would stay empty (set output.valueTemplate to read your payload, or homeassistant.enabled: false when Home Assistant does not use this output): ${describeProblems(problems)}`,
      );
    }
    return [`output: Home Assistant entities without a value: ${describeProblems(problems)}`];
  }

  /** Entities of a meter whose value_template finds no value in the rendered state messages (see template-check.ts). */
  valueTemplateProblems(snapshot: MeterSnapshot): TemplateProblem[] {
    if (!this.config.homeassistant.enabled) return [];
    return valueTemplateProblems(this.engine, snapshot, haMeterEntities(snapshot, this.haOptions(snapshot)), this.render(snapshot));
  }

  private render(snapshot: MeterSnapshot): RenderedMessage[] {
    const extras = { baseTopic: this.config.mqtt.baseTopic, receivedAt: snapshot.receivedAt ?? '', gatewayId: this.installId };
    const rendered = renderSnapshot(this.engine, this.preset, snapshot, extras);
    if (!rendered.ok) throw new OutputConfigError(rendered.error.message);
    return rendered.value;
  }

  stateMessages(snapshot: MeterSnapshot): MqttMessage[] {
    return this.render(snapshot).map((m) => ({ topic: m.topic, payload: m.payload, retain: this.config.mqtt.retain, qos: this.config.mqtt.qos }));
  }

  /** `entity`: one config per sensor; `device`: one device-based config per meter. */
  get discoveryStyle(): 'entity' | 'device' {
    return this.config.homeassistant.discovery;
  }

  private haOptions(snapshot: MeterSnapshot): HaDiscoveryOptions {
    const keys = snapshot.readings.map((r) => r.key);
    const stateTopics = presetStateTopics(this.render(snapshot), keys);
    const preset = this.preset;
    const ha = this.config.homeassistant;
    return {
      prefix: ha.discoveryPrefix,
      installId: this.installId,
      instance: this.config.mqtt.baseTopic,
      stateTopic: (_meter, reading) => stateTopics.get(reading.key) ?? `${this.config.mqtt.baseTopic}/unknown`,
      valueTemplate: (key) => presetValueTemplate(preset, key) ?? `{{ value_json.${key} }}`,
      gatewayAvailabilityTopic: this.topics.gatewayAvailability,
      meterAvailabilityTopic: (meter) => this.topics.meterAvailability(meter.id),
      ...(ha.expireAfterSeconds === undefined ? {} : { expireAfter: ha.expireAfterSeconds }),
      origin: { swVersion: this.version, supportUrl: SUPPORT_URL },
      history: ha.history,
    };
  }

  /**
   * HA discovery configs for a meter (the publisher asks only when the meter's readings or the
   * broker's retained configs changed, so nothing is kept here).
   * Device style: one message, in which `previousComponents` (component ids announced before)
   * that are gone now are listed for removal.
   */
  discoveryMessages(snapshot: MeterSnapshot, previousComponents: ReadonlySet<string> = new Set()): MqttMessage[] {
    if (!this.config.homeassistant.enabled) return [];
    const opts = this.haOptions(snapshot);
    return this.discoveryStyle === 'device' ? [haDeviceDiscovery(snapshot, opts, previousComponents)] : haMeterDiscovery(snapshot, opts);
  }

  /**
   * Config topics of the other discovery style, among `candidates` (stale topics of the meter's
   * node), whose entity is announced again in `configs`: these are migrated, not removed.
   * Per-entity → device: each per-entity topic of a component still in the device config.
   * Device → per-entity: the device topic, when per-entity configs are sent.
   */
  handoverTopics(meterId: string, configs: readonly MqttMessage[], candidates: Iterable<string>): Set<string> {
    const prefix = this.config.homeassistant.discoveryPrefix;
    const meter = { id: meterId };
    const out = new Set<string>();
    if (this.discoveryStyle === 'device') {
      const live = new Set(configs.flatMap((m) => haDeviceComponentIds(m.payload)).map((id) => haEntityTopicOfComponent(prefix, meter, id)));
      for (const t of candidates) if (live.has(t)) out.add(t);
    } else if (configs.length > 0) {
      const deviceTopic = haDeviceConfigTopic(prefix, meter);
      for (const t of candidates) if (t === deviceTopic) out.add(t);
    }
    return out;
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

  /**
   * The node id of a discovery config topic under our prefix, when it is one of ours (`smi_…`):
   * `<prefix>/<component>/<node>/<object>/config` or the device form `<prefix>/device/<node>/config`.
   */
  ownNodeOfConfigTopic(topic: string): string | undefined {
    const prefix = `${this.config.homeassistant.discoveryPrefix}/`;
    if (!topic.startsWith(prefix) || !topic.endsWith('/config')) return undefined;
    const parts = topic.slice(prefix.length).split('/');
    const node = parts.length === 4 ? parts[1] : parts.length === 3 && parts[0] === 'device' ? parts[1] : undefined;
    return node !== undefined && node.startsWith('smi_') ? node : undefined;
  }

  /** Whether a config topic is of the device form. */
  isDeviceConfigTopic(topic: string): boolean {
    return topic.startsWith(`${this.config.homeassistant.discoveryPrefix}/device/`);
  }
}
