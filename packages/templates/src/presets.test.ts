import { templateContext } from './context';
import { createTemplateEngine } from './engine';
import { BUILT_IN_PRESETS, compilePreset, presetStateTopics, presetValueTemplate, renderPreset, type PresetDefinition } from './presets';
import { DSMR_SNAPSHOT, EXTRAS, HEAT_SNAPSHOT } from './testing/snapshots';

const engine = createTemplateEngine();
const dsmr = templateContext(DSMR_SNAPSHOT, EXTRAS);
const heat = templateContext(HEAT_SNAPSHOT, { ...EXTRAS, baseTopic: 'home/smi' });

function render(preset: PresetDefinition, context = dsmr) {
  const result = renderPreset(engine, preset, context);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('json-state preset', () => {
  it('renders one state object with numbers as JSON numbers', () => {
    const [msg, ...rest] = render(BUILT_IN_PRESETS['json-state']);
    expect(rest).toEqual([]);
    expect(msg?.topic).toBe('smi/E0025000012345678/state');
    expect(JSON.parse(msg?.payload ?? '')).toEqual({
      meter_time: '2026-03-01T10:15:00+01:00',
      equipment_id: 'E0025000012345678',
      energy_import_tariff_1: 1234.567,
      energy_export_tariff_1: 12.345,
      tariff: '2',
      power_import: 1193,
      voltage_l1: 230.1,
      power_failures: 4,
      power_failure_log: 1,
      gas_volume: 4567.891,
      time: '2026-03-01T10:15:00+01:00',
      received_at: '2026-03-01T09:15:02.123Z',
    });
    expect(msg?.payload).toContain('"energy_import_tariff_1":1234.567,');
    expect(msg?.payload).toContain('"power_import":1193,');
  });

  it('renders null values as JSON null and a missing meter time as null', () => {
    const [msg] = render(BUILT_IN_PRESETS['json-state'], heat);
    expect(msg?.topic).toBe('home/smi/12345678/state');
    expect(JSON.parse(msg?.payload ?? '')).toEqual({
      heat_energy: 12345,
      volume_flow: 0.123,
      flow_temperature: 55.3,
      error_flags: null,
      time: null,
      received_at: '2026-03-01T09:15:02.123Z',
    });
  });
});

describe('per-value preset', () => {
  it('renders one bare value per reading on its own topic', () => {
    expect(render(BUILT_IN_PRESETS['per-value'], heat)).toEqual([
      { topic: 'home/smi/12345678/heat_energy', payload: '12345', key: 'heat_energy' },
      { topic: 'home/smi/12345678/volume_flow', payload: '0.123', key: 'volume_flow' },
      { topic: 'home/smi/12345678/flow_temperature', payload: '55.3', key: 'flow_temperature' },
      { topic: 'home/smi/12345678/error_flags', payload: 'None', key: 'error_flags' },
    ]);
  });

  it('covers every reading of the DSMR snapshot, text as is', () => {
    const out = render(BUILT_IN_PRESETS['per-value']);
    expect(out.map((m) => m.key)).toEqual(DSMR_SNAPSHOT.readings.map((r) => r.key));
    expect(out.find((m) => m.key === 'tariff')?.payload).toBe('2');
    expect(out.find((m) => m.key === 'gas_volume')).toEqual({ topic: 'smi/E0025000012345678/gas_volume', payload: '4567.891', key: 'gas_volume' });
  });
});

describe('HA consistency helpers', () => {
  it('exposes the value template each preset implies', () => {
    expect(presetValueTemplate(BUILT_IN_PRESETS['json-state'], 'energy_import_total')).toBe('{{ value_json.energy_import_total }}');
    expect(presetValueTemplate(BUILT_IN_PRESETS['per-value'], 'energy_import_total')).toBe('{{ value }}');
    expect(presetValueTemplate({ description: 'x', messages: [] }, 'a')).toBeUndefined();
  });

  it('maps reading keys to the state topic they are published on', () => {
    const keys = HEAT_SNAPSHOT.readings.map((r) => r.key);
    expect(presetStateTopics(render(BUILT_IN_PRESETS['json-state'], heat), keys).get('volume_flow')).toBe('home/smi/12345678/state');
    expect(presetStateTopics(render(BUILT_IN_PRESETS['per-value'], heat), keys).get('volume_flow')).toBe('home/smi/12345678/volume_flow');
  });
});

describe('user-defined presets', () => {
  it('compiles once and renders per snapshot, with several messages', () => {
    const custom: PresetDefinition = {
      description: 'Influx line + power',
      messages: [
        { topic: 'influx/{{ meter_topic_id }}', payload: 'energy,meter={{ meter.id }} import={{ values.energy_import_tariff_1 }} {{ time | epoch }}' },
        { topic: '{{ base_topic }}/{{ gateway_id }}/power', payload: '{{ values.power_import | round(-3) }}' },
      ],
    };
    const compiled = compilePreset(engine, custom, 'presets.influx');
    expect(compiled).toMatchObject({ ok: true });
    if (!compiled.ok) throw new Error('unreachable: expect above failed');
    const again = compilePreset(engine, custom, 'presets.influx');
    expect(again.ok && again.value.messages[0]?.payload).toBe(compiled.value.messages[0]?.payload);
    const out = renderPreset(engine, compiled.value, dsmr);
    expect(out).toEqual({
      ok: true,
      value: [
        { topic: 'influx/E0025000012345678', payload: 'energy,meter=E0025000012345678 import=1234.567 1772356500' },
        { topic: 'smi/a1b2c3/power', payload: '1193' },
      ],
    });
  });

  it('names the broken template of a preset', () => {
    const broken: PresetDefinition = { description: 'x', messages: [{ topic: 'a', payload: '{{ values.x ' }] };
    const result = compilePreset(engine, broken, 'presets.mine');
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'syntax', template: 'presets.mine.messages[0].payload', message: expect.stringContaining('presets.mine.messages[0].payload') },
    });
    const rendered = renderPreset(engine, broken, dsmr, 'presets.mine');
    expect(rendered.ok || rendered.error.template).toBe('presets.mine.messages[0].payload');
  });

  it('reports a render-time failure as a value', () => {
    const result = renderPreset(engine, { description: 'x', messages: [{ topic: 't', payload: '{{ nothing() }}' }] }, dsmr, 'p');
    expect(result).toMatchObject({ ok: false, error: { kind: 'render', template: 'p.messages[0].payload' } });
  });
});
