/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Setup: find the meter (serial ports, TCP bridge, Detect), the meters as forms generated from
 * the configuration's schema with inline validation by the same schema, Test, the outputs
 * (broker with a connection test, Home Assistant / Homie, templates with a live preview), and
 * save (validated, written atomically, applied), import and export.
 */
import { getJson, HttpError, send } from './api';
import { h, replace } from './dom';
import { field, fieldId, getAt, objectFields, setAt, type FormContext, type JsonSchema } from './schema-form';
import type { UiConfig, UiDetectState, UiPort, UiProblem, UiReading, UiSaveResult, UiTestResult } from './types';

type Doc = Record<string, unknown>;

function message(err: unknown): string {
  return err instanceof HttpError ? err.message : String(err);
}

function readingsList(readings: readonly UiReading[]): HTMLElement {
  return h(
    'ul',
    { class: 'compact' },
    ...readings.slice(0, 12).map((r) => h('li', { 'data-key': r.key }, `${r.name}: ${r.value === null ? '—' : String(r.value)}${r.unit ? ` ${r.unit}` : ''}`)),
  );
}

function testOutcome(r: UiTestResult): HTMLElement {
  switch (r.outcome) {
    case 'decoded':
      return h('div', { class: 'test ok' }, h('p', {}, `Decoded ${r.protocol} meter ${r.meterId} after ${r.seconds} s`), readingsList(r.readings));
    case 'refused':
      return h('div', { class: 'test bad' }, h('p', { class: 'problem' }, h('strong', { class: 'kind' }, r.error.kind), `: ${r.error.message}`));
    case 'nothing':
      return h(
        'div',
        { class: 'test bad' },
        h('p', { class: 'problem' }, h('strong', { class: 'kind' }, 'nothing decoded'), ` in ${r.seconds} s: ${r.message}`),
      );
    case 'invalid':
      return h('div', { class: 'test bad' }, h('p', { class: 'problem' }, r.message));
  }
}

/** The setup view. */
export function mountSetup(main: HTMLElement): () => void {
  let doc: Doc = {};
  let schema: JsonSchema = {};
  let file: string | null = null;
  const timers: number[] = [];
  const metersBox = h('div', { id: 'setup-meters', class: 'stack' });
  const outputsBox = h('div', { id: 'setup-outputs' });
  const general = h('div', { class: 'problem', id: 'setup-problems', role: 'alert' });
  const saved = h('p', { id: 'setup-saved', role: 'status' });
  const finder = h('div');
  replace(
    main,
    h('h2', { class: 'view-title' }, 'Setup'),
    finder,
    h('h3', {}, 'Meters'),
    metersBox,
    h('h3', {}, 'Outputs'),
    outputsBox,
    h('div', { class: 'card savebar' }, general, saved, saveRow()),
  );

  let validateTimer = 0;
  const ctx: FormContext = {
    set: (path, value, redraw) => {
      setAt(doc, path, value);
      saved.textContent = '';
      if (redraw) drawMeters();
      window.clearTimeout(validateTimer);
      validateTimer = window.setTimeout(validate, 300);
    },
  };

  const showProblems = (problems: readonly UiProblem[]): void => {
    for (const el of main.querySelectorAll('.field-problem')) el.textContent = '';
    const unplaced: string[] = [];
    for (const p of problems) {
      const el = document.getElementById(`${fieldId(p.path)}-problem`);
      if (el) el.textContent = p.message;
      else unplaced.push(`${p.path || 'configuration'}: ${p.message}`);
    }
    replace(general, ...unplaced.map((u) => h('div', {}, u)));
  };

  function validate(): void {
    send<{ problems: UiProblem[] }>('POST', 'api/ui/config/validate', { document: doc })
      .then((r) => showProblems(r.problems))
      .catch((e: unknown) => replace(general, message(e)));
  }

  const meterSchema = (): JsonSchema => (schema.properties?.['meters']?.items ?? {}) as JsonSchema;
  const meters = (): Doc[] => (Array.isArray(doc['meters']) ? (doc['meters'] as Doc[]) : []);

  function meterCard(i: number): HTMLElement {
    const out = h('div', { class: 'test-result', 'aria-live': 'polite' });
    const test = (): void => {
      replace(out, h('p', { class: 'muted' }, 'Waiting for the next frame (up to 15 s)…'));
      send<UiTestResult>('POST', 'api/ui/meters/test', { meter: meters()[i] })
        .then((r) => replace(out, testOutcome(r)))
        .catch((e: unknown) => replace(out, h('p', { class: 'problem' }, message(e))));
    };
    const remove = (): void => {
      doc['meters'] = meters().filter((_, j) => j !== i);
      drawMeters();
      validate();
    };
    const name = typeof meters()[i]?.['name'] === 'string' ? (meters()[i]?.['name'] as string) : `meter${i + 1}`;
    return h(
      'section',
      { class: 'card meter-form', 'data-index': i, 'aria-label': `Meter ${name}` },
      h('h4', {}, name),
      ...objectFields(meterSchema(), doc, ['meters', i], ctx),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', onclick: test }, 'Test'),
        h('button', { type: 'button', class: 'secondary', onclick: remove }, 'Remove'),
      ),
      out,
    );
  }

  function drawMeters(): void {
    const add = (): void => {
      doc['meters'] = [...meters(), { name: `meter${meters().length + 1}`, protocol: 'dsmr', transport: { type: 'serial', port: '' } }];
      drawMeters();
      validate();
    };
    replace(metersBox, ...meters().map((_, i) => meterCard(i)), h('button', { type: 'button', class: 'secondary', onclick: add }, 'Add a meter'));
  }

  function drawOutputs(): void {
    const props = schema.properties ?? {};
    const sub = (section: string, key: string): HTMLElement =>
      field(key, props[section]?.properties?.[key] ?? {}, doc, [section, key], ctx, false, new Set(['password']));
    const mqttResult = h('p', { 'aria-live': 'polite' });
    const testBroker = (): void => {
      replace(mqttResult, 'Connecting…');
      send<{ ok: boolean; message: string }>('POST', 'api/ui/mqtt/test', {
        url: getAt(doc, ['mqtt', 'url']),
        username: getAt(doc, ['mqtt', 'username']),
        password: getAt(doc, ['mqtt', 'password']),
      })
        .then((r) => replace(mqttResult, h('span', { class: r.ok ? 'badge ok' : 'badge bad' }, r.ok ? 'connected' : 'failed'), ' ', r.message))
        .catch((e: unknown) => replace(mqttResult, h('span', { class: 'problem' }, message(e))));
    };
    const preview = h('div', { id: 'template-preview', 'aria-live': 'polite' });
    const renderPreview = (): void => {
      send<{ error?: string; meterId?: string; messages?: { topic: string; payload: string }[]; problems?: string[] }>('POST', 'api/ui/template/preview', {
        output: doc['output'] ?? {},
      })
        .then((r) => {
          if (r.error) return replace(preview, h('p', { class: 'problem' }, r.error));
          replace(
            preview,
            h('p', { class: 'muted' }, `From the last frame of meter ${r.meterId ?? ''}:`),
            ...(r.messages ?? []).slice(0, 5).map((m) => h('div', { class: 'message' }, h('code', { class: 'topic' }, m.topic), h('pre', {}, m.payload))),
            ...(r.problems ?? []).map((p) => h('p', { class: 'problem' }, p)),
          );
        })
        .catch((e: unknown) => replace(preview, h('p', { class: 'problem' }, message(e))));
    };
    const templates = h('div', {}, sub('output', 'preset'), sub('output', 'topic'), sub('output', 'payload'), sub('output', 'valueTemplate'));
    // the template inputs are single-line; payload templates are easier to edit in a text area
    for (const key of ['topic', 'payload']) {
      const input = templates.querySelector<HTMLInputElement>(`#${fieldId(['output', key])}`);
      if (!input) continue;
      const area = h('textarea', { id: input.id, rows: key === 'payload' ? 5 : 2, spellcheck: 'false' }, input.value);
      area.value = typeof getAt(doc, ['output', key]) === 'string' ? (getAt(doc, ['output', key]) as string) : '';
      area.addEventListener('input', () => ctx.set(['output', key], area.value === '' ? undefined : area.value, false));
      input.replaceWith(area);
    }
    let previewTimer = 0;
    templates.addEventListener('input', () => {
      window.clearTimeout(previewTimer);
      previewTimer = window.setTimeout(renderPreview, 300);
    });
    replace(
      outputsBox,
      h(
        'section',
        { class: 'card' },
        h('h4', {}, 'MQTT broker'),
        h('p', { class: 'muted' }, 'Empty URL: the embedded broker.'),
        sub('mqtt', 'url'),
        sub('mqtt', 'username'),
        sub('mqtt', 'password'),
        h('button', { type: 'button', onclick: testBroker }, 'Test connection'),
        mqttResult,
      ),
      h(
        'section',
        { class: 'card' },
        h('h4', {}, 'Home Assistant and Homie'),
        field('enabled', props['homeassistant']?.properties?.['enabled'] ?? {}, doc, ['homeassistant', 'enabled'], ctx, false),
        field('enabled', props['homie']?.properties?.['enabled'] ?? {}, doc, ['homie', 'enabled'], ctx, false),
      ),
      h('section', { class: 'card' }, h('h4', {}, 'State template'), templates, h('h4', {}, 'Preview'), preview),
    );
    // the two "Enabled" checkboxes need their own labels
    const ha = outputsBox.querySelector(`label[for="${fieldId(['homeassistant', 'enabled'])}"]`);
    if (ha) ha.textContent = 'Home Assistant discovery';
    const homie = outputsBox.querySelector(`label[for="${fieldId(['homie', 'enabled'])}"]`);
    if (homie) homie.textContent = 'Homie (openHAB)';
    renderPreview();
  }

  function drawFinder(ports: readonly UiPort[]): void {
    const portSelect = h(
      'select',
      { id: 'detect-port' },
      h('option', { value: '' }, ports.length ? 'choose a serial port' : 'no serial port found'),
      ...ports.map((p) =>
        h('option', { value: p.path }, `${p.path}${p.device !== p.path ? ` → ${p.device}` : ''}${p.description ? ` (${p.description})` : ''}`),
      ),
    );
    const tcp = h('input', { id: 'detect-tcp', type: 'text', placeholder: '192.168.1.20:8088', autocomplete: 'off' });
    const kind = h(
      'select',
      { id: 'detect-kind' },
      h('option', { value: 'push' }, 'Meter that sends, or answers /?! (DSMR, SML, D0, M-Bus, DLMS)'),
      h('option', { value: 'modbus' }, 'Modbus (ask unit ids)'),
    );
    const key = h('input', { id: 'detect-key', type: 'password', autocomplete: 'off', placeholder: 'only for encrypted meters' });
    const units = h('input', { id: 'detect-units', type: 'text', value: '1-10', autocomplete: 'off', spellcheck: 'false' });
    const framing = h(
      'select',
      { id: 'detect-framing' },
      h('option', { value: 'tcp' }, 'Modbus TCP'),
      h('option', { value: 'rtu' }, 'RTU through a transparent bridge'),
    );
    const keyField = h('div', { class: 'field' }, h('label', { for: 'detect-key' }, 'Key (optional)'), key);
    const modbusFields = h(
      'div',
      { class: 'grid2' },
      h('div', { class: 'field' }, h('label', { for: 'detect-units' }, 'Unit ids (1-247, like 1-10 or 1,2,5)'), units),
      h('div', { class: 'field' }, h('label', { for: 'detect-framing' }, 'Framing over TCP'), framing),
    );
    const options = h('div');
    const showOptions = (): void => replace(options, kind.value === 'modbus' ? modbusFields : keyField);
    kind.addEventListener('change', showOptions);
    showOptions();
    const progress = h('pre', { id: 'detect-progress', 'aria-live': 'polite' });
    const result = h('div', { id: 'detect-result' });
    /** A button that adds these entries to the meters (named meterN as the list grows), then disables itself and every button adding them again. */
    const addButton = (text: string, entries: readonly Doc[]): HTMLButtonElement => {
      const button = h('button', { type: 'button', class: 'add-found' }, text);
      button.addEventListener('click', () => {
        doc['meters'] = [...meters(), ...entries.map((e, i) => ({ ...e, name: `meter${meters().length + i + 1}` }))];
        const all = entries.length > 1;
        for (const b of result.querySelectorAll<HTMLButtonElement>('button.add-found')) if (all || b === button || b.dataset['all']) b.disabled = true;
        drawMeters();
        validate();
      });
      if (entries.length > 1) button.dataset['all'] = '1';
      return button;
    };
    const poll = (): void => {
      getJson<UiDetectState>('api/ui/detect')
        .then((s) => {
          progress.textContent = [...s.progress, s.summary].join('\n');
          if (s.running) timers.push(window.setTimeout(poll, 700));
          else if (s.found) replace(result, addButton('Add this meter', [s.found]));
          else if (s.meters.length > 0)
            replace(
              result,
              h('ul', { class: 'compact' }, ...s.meters.map((m) => h('li', {}, addButton(`Add ${m.label}`, [m.meter])))),
              s.meters.length > 1
                ? addButton(
                    `Add all ${s.meters.length} meters`,
                    s.meters.map((m) => m.meter),
                  )
                : null,
            );
        })
        .catch((e: unknown) => (progress.textContent = message(e)));
    };
    const detect = (): void => {
      replace(result);
      const where = tcp.value.trim() ? { tcp: tcp.value.trim() } : { port: portSelect.value };
      const body =
        kind.value === 'modbus'
          ? { ...where, modbus: true, units: units.value, ...(tcp.value.trim() ? { framing: framing.value } : {}) }
          : { ...where, key: key.value };
      send('POST', 'api/ui/detect', body)
        .then(poll)
        .catch((e: unknown) => (progress.textContent = message(e)));
    };
    replace(
      finder,
      h(
        'section',
        { class: 'card' },
        h('h3', {}, 'Find the meter'),
        h(
          'div',
          { class: 'grid2' },
          h('div', { class: 'field' }, h('label', { for: 'detect-port' }, 'Serial port'), portSelect),
          h('div', { class: 'field' }, h('label', { for: 'detect-tcp' }, 'or TCP bridge (host:port)'), tcp),
        ),
        h('div', { class: 'field' }, h('label', { for: 'detect-kind' }, 'Kind of meter'), kind),
        options,
        h('button', { type: 'button', onclick: detect }, 'Detect'),
        progress,
        result,
      ),
    );
  }

  function saveRow(): HTMLElement {
    const importInput = h('input', { id: 'import-file', type: 'file', accept: '.yaml,.yml,.json,text/yaml' });
    importInput.addEventListener('change', () => {
      const f = importInput.files?.[0];
      if (!f) return;
      void f.text().then((yaml) =>
        send<{ document: Doc | null; problems: UiProblem[] }>('POST', 'api/ui/config/import', { yaml }).then((r) => {
          if (r.document) {
            doc = r.document;
            drawAll();
            saved.textContent = `Imported ${f.name}: check it, then Save.`;
          }
          showProblems(r.problems);
        }),
      );
    });
    const save = (): void => {
      saved.textContent = 'Saving…';
      send<UiSaveResult>('PUT', 'api/ui/config', { document: doc })
        .then((r) => {
          showProblems(r.problems);
          if (!r.saved) return void (saved.textContent = 'Not saved: fix the problems marked above.');
          const c = r.changes;
          const parts = c
            ? [`added ${c.added.length}`, `restarted ${c.restarted.length}`, `removed ${c.removed.length}`, `unchanged ${c.unchanged.length}`]
            : [];
          saved.textContent = `Saved and applied (meters ${parts.join(', ')}).${r.restartNeeded?.length ? ` Restart the gateway to apply: ${r.restartNeeded.join(', ')}.` : ''}`;
          void load();
        })
        .catch((e: unknown) => (saved.textContent = message(e)));
    };
    return h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', id: 'save', onclick: save }, 'Save'),
      h('a', { href: 'api/ui/config/export', download: 'smi-config.yaml' }, 'Export'),
      h('label', { for: 'import-file', class: 'import' }, 'Import'),
      importInput,
    );
  }

  function drawAll(): void {
    drawMeters();
    drawOutputs();
  }

  async function load(): Promise<void> {
    const c = await getJson<UiConfig>('api/ui/config');
    doc = c.document;
    schema = c.schema as JsonSchema;
    file = c.file;
    if (file === null)
      replace(
        general,
        'This gateway runs without a configuration file (smi run --config FILE, or Home Assistant add-on options): changes cannot be saved here.',
      );
    drawAll();
  }

  load().catch((e: unknown) => replace(general, message(e)));
  getJson<UiPort[]>('api/ui/ports')
    .then(drawFinder)
    .catch(() => drawFinder([]));
  return () => {
    timers.forEach((t) => window.clearTimeout(t));
    window.clearTimeout(validateTimer);
  };
}
