import type { MeterSnapshot, Reading, ReadingValue } from '@smi/model';
import { templateContext, type TemplateContextExtras } from './context';
import { createTemplateEngine, type TemplateEngine } from './engine';
import { BUILT_IN_PRESETS, compilePreset, renderPreset, renderSnapshot, renderSnapshotTemplate, type CompiledPreset, type PresetDefinition } from './presets';
import { DSMR_SNAPSHOT, EXTRAS, HEAT_SNAPSHOT } from './testing/snapshots';

/**
 * The native rendering of the built-in presets must be byte-for-byte what nunjucks renders from
 * the template context (`renderPreset` always goes through nunjucks). Real fixture snapshots are
 * compared in packages/gateway/src/mqtt/publish-plan-states.test.ts; here the awkward cases.
 */

const engine = createTemplateEngine();

function compiled(definition: PresetDefinition, e: TemplateEngine = engine): CompiledPreset {
  const r = compilePreset(e, definition, 'test');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const JSON_STATE = compiled(BUILT_IN_PRESETS['json-state']);
const PER_VALUE = compiled(BUILT_IN_PRESETS['per-value']);

function viaNunjucks(preset: CompiledPreset, snapshot: MeterSnapshot, extras: TemplateContextExtras, e: TemplateEngine = engine) {
  const r = renderPreset(e, preset, templateContext(snapshot, extras));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function viaSnapshot(preset: CompiledPreset, snapshot: MeterSnapshot, extras: TemplateContextExtras, e: TemplateEngine = engine) {
  const r = renderSnapshot(e, preset, snapshot, extras);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const reading = (key: string, value: ReadingValue, extra: Partial<Reading> = {}): Reading => ({ key, name: key, quantity: 'count', value, ...extra });

/** Readings chosen to trip a hand-made serialiser: key order, repeated and special keys, JSON escaping, odd numbers. */
const AWKWARD: MeterSnapshot = {
  protocol: 'mbus',
  meter: { id: ' Zähler #1/ä ', manufacturerId: 'XYZ' },
  time: '2026-03-01T10:15:00+01:00',
  readings: [
    reading('energy', 12.5, { unit: 'kWh' }),
    reading('time', 'meter says "now"'),
    reading('10', 10),
    reading('energy', 13.25, { unit: 'kWh' }),
    reading('2', null),
    reading('1', 'one'),
    reading('01', 'zero-one'),
    reading('-1', -1),
    reading('4294967295', 'not an index'),
    reading('4294967294', 'largest index'),
    reading('name', 'Zählerstand ✓ 😀 \u2028 \\ \n \t \u0001 </script>'),
    reading('flag', true),
    reading('off', false),
    reading('negative_zero', -0),
    reading('huge', 1e21),
    reading('tiny', 1e-7),
    reading('not_a_number', Number.NaN),
    reading('infinite', Number.POSITIVE_INFINITY),
    reading('log', 3, { entries: [{ time: '2025-11-02T03:10:00+01:00', value: 240, unit: 's' }] }),
    reading('__proto__', 'ignored by assignment'),
    reading('constructor', 'c'),
    reading('hasOwnProperty', 'h'),
    reading('received_at', 'a reading of that name'),
    reading('', 'empty key'),
    reading('1', 'one again'),
  ],
};

const NO_TIME: MeterSnapshot = { protocol: 'dsmr', meter: { id: '' }, readings: [reading('__proto__', null), reading('power', 5)] };
const EMPTY: MeterSnapshot = { protocol: 'sml', meter: { id: '1 EMH 00 1234 5678' }, readings: [] };

const CASES: readonly [string, MeterSnapshot, TemplateContextExtras][] = [
  ['DSMR snapshot', DSMR_SNAPSHOT, EXTRAS],
  ['heat meter with a null value', HEAT_SNAPSHOT, { ...EXTRAS, baseTopic: 'home/smi' }],
  ['awkward keys and values', AWKWARD, { baseTopic: 'zuhause/zähler', receivedAt: '2026-03-01T09:15:02.123Z', gatewayId: 'g' }],
  ['no meter time, empty id, __proto__ null', NO_TIME, { baseTopic: '', receivedAt: '', gatewayId: '' }],
  ['no readings', EMPTY, EXTRAS],
];

describe('native rendering of the built-in presets', () => {
  it('is chosen for the built-in presets and for a user preset with the same text, not for other templates', () => {
    expect(JSON_STATE.native).toBeInstanceOf(Function);
    expect(PER_VALUE.native).toBeInstanceOf(Function);
    const copy = compiled({ description: 'mine', messages: [{ ...BUILT_IN_PRESETS['json-state'].messages[0]! }] });
    expect(copy.native).toBeInstanceOf(Function);
    expect(
      compiled({ description: 'spaced', messages: [{ topic: '{{base_topic}}/{{ meter_topic_id }}/state', payload: '{{ reading.value | bare }}' }] }).native,
    ).toBeUndefined();
    // one template without a native form sends the whole preset through nunjucks
    expect(
      compiled({ description: 'mixed', messages: [...BUILT_IN_PRESETS['json-state'].messages, { topic: 'x/{{ meter.id }}', payload: '1' }] }).native,
    ).toBeUndefined();
  });

  it.each(CASES)('json-state renders exactly what nunjucks renders: %s', (_name, snapshot, extras) => {
    const native = viaSnapshot(JSON_STATE, snapshot, extras);
    expect(native).toEqual(viaNunjucks(JSON_STATE, snapshot, extras));
    expect(native).toHaveLength(1);
    expect(Object.keys(native[0]!)).toEqual(['topic', 'payload']);
  });

  it.each(CASES)('per-value renders exactly what nunjucks renders: %s', (_name, snapshot, extras) => {
    const native = viaSnapshot(PER_VALUE, snapshot, extras);
    expect(native).toEqual(viaNunjucks(PER_VALUE, snapshot, extras));
    expect(native.map((m) => m.key)).toEqual(snapshot.readings.map((r) => r.key));
  });

  it('keeps the JSON key order of the nunjucks path (integer-like keys first, repeated keys in their first place, time overwritten in place)', () => {
    const [msg] = viaSnapshot(JSON_STATE, AWKWARD, CASES[2]![2]);
    expect(msg?.topic).toBe('zuhause/zähler/Z_hler_1/state');
    expect(msg?.payload).toBe(viaNunjucks(JSON_STATE, AWKWARD, CASES[2]![2])[0]?.payload);
    expect(Object.keys(JSON.parse(msg?.payload ?? '{}') as object)).toEqual([
      '1',
      '2',
      '10',
      '4294967294',
      'energy',
      'time',
      '01',
      '-1',
      '4294967295',
      'name',
      'flag',
      'off',
      'negative_zero',
      'huge',
      'tiny',
      'not_a_number',
      'infinite',
      'log',
      'constructor',
      'hasOwnProperty',
      'received_at',
      '',
    ]);
    expect(msg?.payload).toContain('"1":"one again","2":null,"10":10,');
    expect(msg?.payload).toContain('"energy":13.25,"time":"2026-03-01T10:15:00+01:00",');
    expect(msg?.payload).toContain('"negative_zero":0,"huge":1e+21,"tiny":1e-7,"not_a_number":null,"infinite":null,');
    expect(msg?.payload.endsWith(',"received_at":"2026-03-01T09:15:02.123Z","":"empty key"}')).toBe(true);
  });

  it('per-value: null becomes None, numbers print as JavaScript prints them, text stays as is', () => {
    const messages = viaSnapshot(PER_VALUE, AWKWARD, CASES[2]![2]);
    expect(messages[4]).toEqual({ topic: 'zuhause/zähler/Z_hler_1/2', payload: 'None', key: '2' });
    expect(messages[13]).toEqual({ topic: 'zuhause/zähler/Z_hler_1/negative_zero', payload: '0', key: 'negative_zero' });
    expect(messages[16]).toEqual({ topic: 'zuhause/zähler/Z_hler_1/not_a_number', payload: 'NaN', key: 'not_a_number' });
    expect(messages[10]?.payload).toBe('Zählerstand ✓ 😀 \u2028 \\ \n \t \u0001 </script>');
  });

  it('a replaced filter or a global shadowing a variable of the text keeps nunjucks (and its result)', () => {
    const loud = createTemplateEngine({ filters: { json: (v: unknown) => `JSON ${JSON.stringify(v)}` } });
    const state = compiled(BUILT_IN_PRESETS['json-state'], loud);
    expect(state.native).toBeUndefined();
    expect(viaSnapshot(state, HEAT_SNAPSHOT, EXTRAS, loud)[0]?.payload.startsWith('JSON {"heat_energy":12345,')).toBe(true);
    const withGlobal = createTemplateEngine({ globals: { reading: { key: 'k', value: 1 } } });
    expect(compiled(BUILT_IN_PRESETS['per-value'], withGlobal).native).toBeUndefined();
    expect(compiled(BUILT_IN_PRESETS['json-state'], withGlobal).native).toBeInstanceOf(Function);
    // a per-snapshot message reading `reading` sees the global in nunjucks
    const r = withGlobal.compile('{{ reading.value | bare }}', 'global');
    expect(r.ok && r.value.native).toBeUndefined();
  });

  it('renderSnapshotTemplate renders a push body natively when its text is the json-state payload, like nunjucks', () => {
    for (const [, snapshot, extras] of CASES) {
      const body = engine.compile(BUILT_IN_PRESETS['json-state'].messages[0]!.payload, 'body');
      if (!body.ok) throw new Error(body.error.message);
      expect(body.value.native).toBeInstanceOf(Function);
      expect(renderSnapshotTemplate(engine, body.value, snapshot, extras)).toEqual(engine.render(body.value, templateContext(snapshot, extras)));
    }
    const other = engine.compile('{{ meter.id }} {{ values | json }}', 'other');
    if (!other.ok) throw new Error(other.error.message);
    expect(renderSnapshotTemplate(engine, other.value, HEAT_SNAPSHOT, EXTRAS)).toEqual({
      ok: true,
      value: '12345678 {"heat_energy":12345,"volume_flow":0.123,"flow_temperature":55.3,"error_flags":null}',
    });
  });

  it('per-reading templates rendered without a reading match nunjucks (empty key, None)', () => {
    const preset = compiled({
      description: 'odd',
      messages: [{ topic: BUILT_IN_PRESETS['per-value'].messages[0]!.topic, payload: '{{ reading.value | bare }}' }],
    });
    expect(preset.native).toBeInstanceOf(Function);
    const native = viaSnapshot(preset, HEAT_SNAPSHOT, EXTRAS);
    expect(native).toEqual([{ topic: 'smi/12345678/', payload: 'None' }]);
    expect(native).toEqual(viaNunjucks(preset, HEAT_SNAPSHOT, EXTRAS));
  });
});
