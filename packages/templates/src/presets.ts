import { topicId, type MeterSnapshot } from '@smi/model';
import type { CompiledTemplate, TemplateEngine } from './engine';
import { templateContext, type TemplateContext, type TemplateContextExtras } from './context';
import type { NativeRender } from './native-presets';
import { ok, type TemplateResult } from './result';

export interface PresetMessage {
  /** Topic template. */
  readonly topic: string;
  /** Payload template. */
  readonly payload: string;
  /** Render once per reading, with `reading` in the context. */
  readonly perReading?: boolean;
}

/** An output preset: built in, or defined by the user in the configuration. */
export interface PresetDefinition {
  readonly description: string;
  readonly messages: readonly PresetMessage[];
  /**
   * The Home Assistant `value_template` this preset's state payload implies, with `{key}` standing
   * for the reading key: `{{ value_json.{key} }}` for a JSON object, `{{ value }}` for a bare value.
   * Absent: the preset cannot be consumed by HA discovery.
   */
  readonly valueTemplate?: string;
}

export interface CompiledPresetMessage {
  readonly topic: CompiledTemplate;
  readonly payload: CompiledTemplate;
  readonly perReading: boolean;
}

export interface CompiledPreset {
  readonly name: string;
  readonly definition: PresetDefinition;
  readonly messages: readonly CompiledPresetMessage[];
  /**
   * @internal Renders the preset straight from a snapshot, without a template context or nunjucks:
   * present when every template of the preset has a native form (the built-in presets' texts, see
   * native-presets.ts). Used by `renderSnapshot`.
   */
  readonly native?: (snapshot: MeterSnapshot, extras: TemplateContextExtras) => RenderedMessage[];
}

export interface RenderedMessage {
  readonly topic: string;
  readonly payload: string;
  /** The reading a per-reading message was rendered for. */
  readonly key?: string;
}

/**
 * Built-in presets.
 * - `json-state` (default): one message per snapshot on `<base>/<meter>/state`, a JSON object of
 *   values by key (numbers stay JSON numbers) plus `time` (meter time or null) and `received_at`.
 *   A reading keyed `time` or `received_at` would be overwritten by those two.
 * - `per-value`: one message per reading on `<base>/<meter>/<key>` carrying the bare value
 *   (`bare` filter: null becomes `None`, never an empty payload that would delete the retained value).
 */
export const BUILT_IN_PRESETS: Readonly<Record<'json-state' | 'per-value', PresetDefinition>> = {
  'json-state': {
    description: 'One JSON object per meter with all values by key, plus time and received_at.',
    messages: [
      {
        topic: '{{ base_topic }}/{{ meter_topic_id }}/state',
        payload: '{{ values | merge({ "time": time, "received_at": received_at }) | json }}',
      },
    ],
    valueTemplate: '{{ value_json.{key} }}',
  },
  'per-value': {
    description: 'One topic per reading carrying the bare value.',
    messages: [
      {
        topic: '{{ base_topic }}/{{ meter_topic_id }}/{{ reading.key }}',
        payload: '{{ reading.value | bare }}',
        perReading: true,
      },
    ],
    valueTemplate: '{{ value }}',
  },
};

export const DEFAULT_PRESET = 'json-state';

/** HA value_template for a reading key under a preset; undefined when the preset declares none. */
export function presetValueTemplate(preset: PresetDefinition | CompiledPreset, key: string): string | undefined {
  const definition = 'definition' in preset ? preset.definition : preset;
  return definition.valueTemplate?.replaceAll('{key}', key);
}

/** Compiles every template of a preset; errors name `<name>.messages[<i>].topic|payload`. */
export function compilePreset(engine: TemplateEngine, definition: PresetDefinition, name: string): TemplateResult<CompiledPreset> {
  const messages: CompiledPresetMessage[] = [];
  for (const [i, m] of definition.messages.entries()) {
    const topic = engine.compile(m.topic, `${name}.messages[${i}].topic`);
    if (!topic.ok) return topic;
    const payload = engine.compile(m.payload, `${name}.messages[${i}].payload`);
    if (!payload.ok) return payload;
    messages.push({ topic: topic.value, payload: payload.value, perReading: m.perReading === true });
  }
  const native = nativePreset(messages);
  return ok(native === undefined ? { name, definition, messages } : { name, definition, messages, native });
}

/** The native rendering of a preset whose templates all have a native form; same messages in the same order as `renderPreset`. */
function nativePreset(messages: readonly CompiledPresetMessage[]): CompiledPreset['native'] {
  const parts: { topic: NativeRender; payload: NativeRender; perReading: boolean }[] = [];
  for (const m of messages) {
    if (m.topic.native === undefined || m.payload.native === undefined) return undefined;
    parts.push({ topic: m.topic.native, payload: m.payload.native, perReading: m.perReading });
  }
  return (snapshot, extras) => {
    const meterTopicId = topicId(snapshot.meter.id);
    const out: RenderedMessage[] = [];
    for (const p of parts) {
      if (!p.perReading) {
        const input = { snapshot, extras, meterTopicId, reading: undefined };
        out.push({ topic: p.topic(input), payload: p.payload(input) });
        continue;
      }
      for (const reading of snapshot.readings) {
        const input = { snapshot, extras, meterTopicId, reading };
        out.push({ topic: p.topic(input), payload: p.payload(input), key: reading.key });
      }
    }
    return out;
  };
}

/**
 * Renders a compiled preset for a snapshot: natively when the preset has a native form (the
 * built-in presets, byte-for-byte the nunjucks result), else through its template context and
 * nunjucks (`renderPreset`). What the gateway calls per snapshot.
 */
export function renderSnapshot(
  engine: TemplateEngine,
  preset: CompiledPreset,
  snapshot: MeterSnapshot,
  extras: TemplateContextExtras,
): TemplateResult<RenderedMessage[]> {
  if (preset.native !== undefined) return ok(preset.native(snapshot, extras));
  return renderPreset(engine, preset, templateContext(snapshot, extras));
}

/** One compiled template for a snapshot (an HTTP push body): natively when it has a native form, else through nunjucks. */
export function renderSnapshotTemplate(
  engine: TemplateEngine,
  template: CompiledTemplate,
  snapshot: MeterSnapshot,
  extras: TemplateContextExtras,
): TemplateResult<string> {
  if (template.native !== undefined) return ok(template.native({ snapshot, extras, meterTopicId: topicId(snapshot.meter.id), reading: undefined }));
  return engine.render(template, templateContext(snapshot, extras));
}

function renderOne(engine: TemplateEngine, m: CompiledPresetMessage, context: TemplateContext, key?: string): TemplateResult<RenderedMessage> {
  const topic = engine.render(m.topic, context);
  if (!topic.ok) return topic;
  const payload = engine.render(m.payload, context);
  if (!payload.ok) return payload;
  return ok(key === undefined ? { topic: topic.value, payload: payload.value } : { topic: topic.value, payload: payload.value, key });
}

/**
 * Renders a preset for one snapshot context. Per-reading messages are rendered once per reading
 * with `reading` added to the context. Accepts a definition too (compiled through the engine's
 * cache, so still once per template); compile it up front with `compilePreset` to report errors
 * at configuration time.
 */
export function renderPreset(
  engine: TemplateEngine,
  preset: CompiledPreset | PresetDefinition,
  context: TemplateContext,
  name = 'preset',
): TemplateResult<RenderedMessage[]> {
  let compiled: CompiledPreset;
  if ('definition' in preset) {
    compiled = preset;
  } else {
    const result = compilePreset(engine, preset, name);
    if (!result.ok) return result;
    compiled = result.value;
  }
  const out: RenderedMessage[] = [];
  for (const m of compiled.messages) {
    const runs: [TemplateContext, string | undefined][] = m.perReading
      ? context.readings.map((reading) => [{ ...context, reading }, reading.key])
      : [[context, undefined]];
    for (const [ctx, key] of runs) {
      const rendered = renderOne(engine, m, ctx, key);
      if (!rendered.ok) return rendered;
      out.push(rendered.value);
    }
  }
  return ok(out);
}

/**
 * Reading key → state topic a preset publishes it on, for HA discovery's `state_topic`: the
 * topic of the reading's per-reading message, else the first per-snapshot message's topic.
 */
export function presetStateTopics(rendered: readonly RenderedMessage[], keys: readonly string[]): Map<string, string> {
  const shared = rendered.find((m) => m.key === undefined)?.topic;
  const map = new Map<string, string>();
  for (const key of keys) {
    const topic = rendered.find((m) => m.key === key)?.topic ?? shared;
    if (topic !== undefined) map.set(key, topic);
  }
  return map;
}
