import { HISTORY_KEY, type HaConfigMessage, type HaSensorConfig } from '@smi/discovery';
import { buildReading, type MeterSnapshot, type Reading } from '@smi/model';
import type { RenderedMessage, TemplateEngine } from '@smi/templates';

/**
 * Does each announced entity's `value_template` find its value in what the output publishes?
 * With a custom output (`output.topic` / `output.payload` / `output.valueTemplate`) a mismatch
 * (a payload that is not JSON, other key names, another topic) makes every entity resolve to
 * nothing in Home Assistant, silently. The check renders the state messages for a snapshot, takes
 * the message on each entity's `state_topic` and evaluates the `value_template` on it the way HA
 * does (`value` = the payload, `value_json` = the payload parsed as JSON), with SMI's nunjucks
 * engine, which reads the `{{ value_json.<key> }}` / `{{ value }}` forms the same way Jinja does.
 */
export interface TemplateProblem {
  /** The reading key (entity object id). */
  readonly key: string;
  /** The entity's name in Home Assistant (without the device name). */
  readonly name: string;
  readonly reason: string;
}

/** A reading whose value HA could show: not null and not empty text. */
function hasValue(r: Reading): boolean {
  return r.value !== null && !(typeof r.value === 'string' && r.value.trim() === '');
}

function parseJson(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The entities whose `value_template` resolves to nothing (or cannot be evaluated) against the
 * rendered state messages, for readings that have a value. The billing-history entity (a constant
 * state) is not checked.
 */
export function valueTemplateProblems(
  engine: TemplateEngine,
  snapshot: MeterSnapshot,
  entities: readonly HaConfigMessage<HaSensorConfig>[],
  rendered: readonly RenderedMessage[],
): TemplateProblem[] {
  const byTopic = new Map<string, string>();
  for (const m of rendered) if (!byTopic.has(m.topic)) byTopic.set(m.topic, m.payload);
  const readings = new Map(snapshot.readings.map((r) => [r.key, r]));
  const problems: TemplateProblem[] = [];
  for (const { topic, config } of entities) {
    const key = topic.split('/').at(-2) ?? '';
    const reading = readings.get(key);
    if (key === HISTORY_KEY || reading === undefined || !hasValue(reading)) continue;
    const name = config.name ?? reading.name;
    const payload = byTopic.get(config.state_topic);
    if (payload === undefined) {
      problems.push({ key, name, reason: `nothing is published on its state_topic ${config.state_topic}` });
      continue;
    }
    const template = config.value_template ?? '{{ value }}';
    const compiled = engine.compile(template, `value_template of ${key}`);
    if (!compiled.ok) {
      problems.push({ key, name, reason: `value_template ${template} cannot be checked: ${compiled.error.message}` });
      continue;
    }
    const result = engine.render(compiled.value, { value: payload, value_json: parseJson(payload) });
    if (!result.ok) problems.push({ key, name, reason: `value_template ${template} fails: ${result.error.message}` });
    else if (result.value.trim() === '') problems.push({ key, name, reason: `value_template ${template} resolves to nothing on ${config.state_topic}` });
  }
  return problems;
}

/**
 * A snapshot made by the model for the check at start, before any meter has sent a frame: an
 * electricity meter with the common registers (energy, power, a text and a time stamp).
 */
export function syntheticSnapshot(): MeterSnapshot {
  const readings: Reading[] = [
    buildReading({ obis: '1-0:1.8.0', value: 12345.678, unit: 'kWh' }),
    buildReading({ obis: '1-0:2.8.0', value: 1020.004, unit: 'kWh' }),
    buildReading({ obis: '1-0:1.7.0', value: 0.412, unit: 'kW' }),
    buildReading({ obis: '1-0:32.7.0', value: 230.1, unit: 'V' }),
    buildReading({ obis: '0-0:96.1.1', value: 'SMI0000000001' }),
  ];
  return {
    protocol: 'dsmr',
    meter: { id: 'SMI0000000001', medium: 'electricity' },
    time: '2026-03-01T10:15:00+01:00',
    receivedAt: '2026-03-01T09:15:02.000Z',
    readings,
  };
}

/** `energy_import_total (Energy import): …` lines, at most `limit`, then how many more. */
export function describeProblems(problems: readonly TemplateProblem[], limit = 5): string {
  const lines = problems.slice(0, limit).map((p) => `${p.key} (${p.name}): ${p.reason}`);
  if (problems.length > limit) lines.push(`and ${problems.length - limit} more`);
  return lines.join('; ');
}
