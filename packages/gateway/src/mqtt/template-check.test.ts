/**
 * Custom output templates against Home Assistant's value templates: refused at start when no
 * entity could get a value, warned by name when some cannot, checked again against each meter's
 * first real snapshot (DSMR 5, Iskra MT382 fixture).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import { createLogger } from '../log';
import { FIXTURES } from '../test-support/gateway-process';
import { MessageFactory, OutputConfigError } from './messages';
import { MqttPublisher } from './publisher';
import { syntheticSnapshot } from './template-check';

const METER = 'K8EG004046395507';

function factory(output: Record<string, string>, homeassistant: Record<string, unknown> = {}): MessageFactory {
  const r = validateConfig({ output, homeassistant });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return new MessageFactory(r.config, 'test');
}

function v5Snapshot(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const ev = d.value.push(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')))[0];
  if (!ev?.ok) throw new Error('the V5 fixture did not decode');
  return ev.snapshot;
}

const TOPIC = 'home/{{ meter_topic_id }}';
/** A JSON payload with two of the values only. */
const TWO_KEYS = '{{ {"energy_import_total": values.energy_import_total, "power_import": values.power_import} | json }}';

describe('value templates of a custom output', () => {
  it('makes the start snapshot from the model', () => {
    expect(syntheticSnapshot().readings.map((r) => [r.key, r.value, r.unit])).toEqual([
      ['energy_import_total', 12345.678, 'kWh'],
      ['energy_export_total', 1020.004, 'kWh'],
      ['power_import', 412, 'W'],
      ['voltage_l1', 230.1, 'V'],
      ['equipment_id', 'SMI0000000001', undefined],
    ]);
  });

  it('refuses an output where no entity resolves (a bare payload read as JSON)', () => {
    const make = (): MessageFactory => factory({ topic: TOPIC, payload: '{{ values.energy_import_total }}', valueTemplate: '{{ value_json.{key} }}' });
    expect(make).toThrow(OutputConfigError);
    expect(make).toThrow(
      /no Home Assistant value_template resolves.*energy_import_total \(Energy import\): value_template \{\{ value_json\.energy_import_total \}\} resolves to nothing on home\/SMI0000000001/,
    );
  });

  it('warns by name for the entities that would stay empty', () => {
    const f = factory({ topic: TOPIC, payload: TWO_KEYS, valueTemplate: '{{ value_json.{key} }}' });
    expect(f.startupTemplateWarnings).toHaveLength(1);
    expect(f.startupTemplateWarnings[0]).toMatch(
      /^output: Home Assistant entities without a value: energy_export_total \(Energy export\): .*; voltage_l1 \(Voltage L1\): .*; equipment_id \(Equipment identifier\): /,
    );
    expect(f.startupTemplateWarnings[0]).not.toMatch(/power_import|energy_import_total \(/);
  });

  it('says nothing for a matching custom output, the built-in presets or with discovery off', () => {
    expect(factory({ topic: TOPIC, payload: '{{ values | json }}', valueTemplate: '{{ value_json.{key} }}' }).startupTemplateWarnings).toEqual([]);
    expect(factory({}).startupTemplateWarnings).toEqual([]);
    expect(
      factory({ topic: TOPIC, payload: '{{ values.energy_import_total }}', valueTemplate: '{{ value_json.{key} }}' }, { enabled: false })
        .startupTemplateWarnings,
    ).toEqual([]);
  });

  it('checks each meter once against its first snapshot and logs the entities by name', () => {
    const lines: string[] = [];
    const f = factory({ topic: TOPIC, payload: TWO_KEYS, valueTemplate: '{{ value_json.{key} }}' });
    const r = validateConfig({});
    if (!r.ok) throw new Error(r.problems.join('; '));
    const publisher = new MqttPublisher(
      { url: 'mqtt://127.0.0.1:1', clientId: 'x', qos: 1, retain: true, reconnectMs: 1000, homeAssistant: r.config.homeassistant },
      f.topics,
      f,
      createLogger('info', [], (l) => lines.push(l)),
    );
    const snapshot = v5Snapshot();
    const problems = f.valueTemplateProblems(snapshot);
    // the MT382 sends tariff registers, no total: only power_import of the two keys is among its values
    expect(problems.map((p) => p.key)).not.toContain('power_import');
    expect(problems.map((p) => p.key)).toContain('energy_import_tariff_1');
    publisher.publishSnapshot(snapshot);
    publisher.publishSnapshot(snapshot);
    const warned = lines.filter((l) => l.includes('will show no value'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`output: ${problems.length} Home Assistant entities of meter ${METER} will show no value: `);
    expect(warned[0]).toContain('and ');
  });
});
