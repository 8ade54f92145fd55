import type { MeterSnapshot, Reading, ReadingValue } from '@smi/model';
import type { TemplateContextExtras } from './context';
import { bareFilter } from './filters';

/**
 * Native renderers for the templates of the built-in presets (`json-state`, `per-value`).
 *
 * Rendering a built-in preset through nunjucks costs a full template context per snapshot (every
 * reading copied, `values`, `units`, `devices`) plus nunjucks' runtime; these functions produce the
 * same text straight from the snapshot. The engine attaches one to a compiled template only when
 * the template source is exactly one of the texts below and the engine resolves every name the
 * text uses (variables and filters) to what the built-in context and filters give
 * (`nativeTemplate`); anything else renders through nunjucks. `native-presets.test.ts` checks
 * byte-for-byte equality with nunjucks.
 */

/** What a native template reads: the snapshot, the extras, `topic_id(meter.id)` and, per reading, the reading. */
export interface NativeInput {
  readonly snapshot: MeterSnapshot;
  readonly extras: TemplateContextExtras;
  readonly meterTopicId: string;
  /** The reading of a per-reading message; undefined otherwise (`reading` is then undefined in nunjucks too). */
  readonly reading: Reading | undefined;
}

export type NativeRender = (input: NativeInput) => string;

interface NativeDefinition {
  readonly render: NativeRender;
  /** Template variables the text reads (a global of that name would change nunjucks' result when absent from the context). */
  readonly variables: readonly string[];
  /** Filters the text uses (a replaced filter would change the result). */
  readonly filters: readonly string[];
}

/**
 * `values | merge({ "time": time, "received_at": received_at }) | json`: `values` is built by
 * assignment like `templateContext` does (a repeated key keeps its first position and the later
 * value; integer-like keys come first, as in any JS object), `merge` then sets `time` and
 * `received_at` (in place when a reading has that key, else appended); `json` is `JSON.stringify`.
 */
function jsonState({ snapshot, extras }: NativeInput): string {
  const values: Record<string, ReadingValue> = {};
  for (const r of snapshot.readings) values[r.key] = r.value;
  // Same as the spread in `mergeFilter`: the two keys are plain data properties either way.
  values['time'] = snapshot.time ?? null;
  values['received_at'] = extras.receivedAt;
  return JSON.stringify(values);
}

const NATIVE: ReadonlyMap<string, NativeDefinition> = new Map<string, NativeDefinition>([
  [
    '{{ base_topic }}/{{ meter_topic_id }}/state',
    { render: (i) => `${i.extras.baseTopic}/${i.meterTopicId}/state`, variables: ['base_topic', 'meter_topic_id'], filters: [] },
  ],
  [
    '{{ values | merge({ "time": time, "received_at": received_at }) | json }}',
    { render: jsonState, variables: ['values', 'time', 'received_at'], filters: ['merge', 'json'] },
  ],
  [
    '{{ base_topic }}/{{ meter_topic_id }}/{{ reading.key }}',
    {
      // an undefined `reading` renders its key empty in nunjucks
      render: (i) => `${i.extras.baseTopic}/${i.meterTopicId}/${i.reading?.key ?? ''}`,
      variables: ['base_topic', 'meter_topic_id', 'reading'],
      filters: [],
    },
  ],
  [
    '{{ reading.value | bare }}',
    // `bare` of an undefined value (no `reading`) is `None`, like null
    { render: (i) => bareFilter(i.reading?.value), variables: ['reading'], filters: ['bare'] },
  ],
]);

/**
 * The native renderer of a template source, when there is one and the engine's own filters and
 * globals (`replaced`: names of filters replaced by options, `globals`: names of added globals)
 * leave its meaning as built in.
 */
export function nativeTemplate(source: string, replaced: ReadonlySet<string>, globals: ReadonlySet<string>): NativeRender | undefined {
  const native = NATIVE.get(source);
  if (native === undefined) return undefined;
  if (native.filters.some((f) => replaced.has(f)) || native.variables.some((v) => globals.has(v))) return undefined;
  return native.render;
}
