import { createTemplateEngine } from './engine';

const engine = createTemplateEngine({ filters: { shout: (s: string) => s.toUpperCase() }, globals: { site: 'home' } });

function render(source: string, context: object = {}): string {
  const compiled = engine.compile(source, 'test');
  if (!compiled.ok) throw new Error(compiled.error.message);
  const out = engine.render(compiled.value, context);
  if (!out.ok) throw new Error(out.error.message);
  return out.value;
}

describe('createTemplateEngine', () => {
  it('does not escape (MQTT payloads are not HTML) and renders undefined as empty', () => {
    expect(render('{{ s }}', { s: '<a & "b">' })).toBe('<a & "b">');
    expect(render('[{{ missing }}][{{ missing.deep }}]')).toBe('[][]');
  });

  it('compiles a template once', () => {
    const a = engine.compile('{{ x }}', 'same');
    const b = engine.compile('{{ x }}', 'same');
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
  });

  it.each([
    ['{{ a ', 'syntax'],
    ['{% for x in y %}', 'syntax'],
    ['{% if %}{% endif %}', 'syntax'],
    ['{{ a | no_such_filter }}', 'syntax'],
  ])('reports %s as a %s error naming the template', (source, kind) => {
    const result = engine.compile(source, 'meters[0].outputs.payload');
    // the message names the template and then says what is wrong
    expect(result).toMatchObject({
      ok: false,
      error: { kind, template: 'meters[0].outputs.payload', message: expect.stringMatching(/^template "meters\[0\]\.outputs\.payload": ./) },
    });
  });

  it('names the unknown filter, also inside blocks', () => {
    const result = engine.compile('{% for r in readings %}{% filter upper %}{{ r.value | rond(1) }}{% endfilter %}{% endfor %}', 'presets.x');
    expect(result.ok ? 'compiled' : result.error.message).toContain('rond');
    expect(engine.compile('{{ v | upper | default("n/a") | shout }}', 'builtins').ok).toBe(true);
  });

  it('reports a failure while rendering as a render error', () => {
    const compiled = engine.compile('{{ f() }}', 'calls');
    expect(compiled).toMatchObject({ ok: true });
    if (!compiled.ok) throw new Error('unreachable: expect above failed');
    const out = engine.render(compiled.value, {});
    expect(out.ok ? 'rendered' : [out.error.kind, out.error.template]).toEqual(['render', 'calls']);
  });

  it('takes extra filters and globals', () => {
    expect(render('{{ site | shout }}')).toBe('HOME');
  });

  // [template, context, output]
  it.each<[string, object, string]>([
    ['{{ v | json }}', { v: 1234.5 }, '1234.5'],
    ['{{ v | json }}', { v: 'a"b' }, '"a\\"b"'],
    ['{{ v | json }}', {}, 'null'],
    ['{{ v | dump }}', { v: { a: [1, null] } }, '{"a":[1,null]}'],
    ['{{ v | json(2) }}', { v: { a: 1 } }, '{\n  "a": 1\n}'],
    ['{{ v | round }}', { v: 2.5 }, '3'],
    ['{{ v | round(2) }}', { v: 1.005 }, '1.01'],
    ['{{ v | round(1) | json }}', { v: -230.149 }, '-230.1'],
    ['{{ v | round(1) | json }}', { v: null }, 'null'],
    ['{{ v | topic_id }}', { v: '1-0:1.8.0 x' }, '1-0_1_8_0_x'],
    ['{{ v | homie_id }}', { v: '1ESY1161234567' }, '1esy1161234567'],
    ['{{ v | obis_slug }}', { v: '1-0:1.8.0' }, '1_0_1_8_0'],
    ['{{ v | obis_slug }}', { v: '1.8.0' }, '1_0_1_8_0'],
    ['{{ v | obis_slug }}', { v: '0-1:24.2.1*255' }, '0_1_24_2_1'],
    ['{{ v | iso }}', { v: '2026-03-01T10:15:00+01:00' }, '2026-03-01T10:15:00+01:00'],
    ['{{ v | iso("utc") }}', { v: '2026-03-01T10:15:00+01:00' }, '2026-03-01T09:15:00.000Z'],
    ['{{ v | iso }}', { v: Date.UTC(2026, 2, 1, 9, 15) }, '2026-03-01T09:15:00.000Z'],
    ['{{ v | iso }}', { v: new Date(Date.UTC(2026, 2, 1)) }, '2026-03-01T00:00:00.000Z'],
    ['[{{ v | iso }}]', { v: 'not a date' }, '[]'],
    ['{{ v | epoch }}', { v: '2026-03-01T10:15:00+01:00' }, '1772356500'],
    ['{{ v | epoch("ms") }}', { v: '2026-03-01T10:15:00.250+01:00' }, '1772356500250'],
    ['{{ v | merge({ "b": 2 }) | json }}', { v: { a: 1, b: 1 } }, '{"a":1,"b":2}'],
    ['{{ v | bare }}', { v: null }, 'None'],
    ['{{ v | bare }}', { v: false }, 'false'],
    ['{{ v | bare }}', { v: 0.1 }, '0.1'],
    ['{{ v | default("n/a") }}', {}, 'n/a'],
  ])('%s with %j → %s', (source, context, expected) => {
    expect(render(source, context)).toBe(expected);
  });
});
