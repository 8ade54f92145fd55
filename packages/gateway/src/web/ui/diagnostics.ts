/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Diagnostics: per meter the error counts by kind and the last frames (hex and text) beside
 * their decoding, a capture download with identifiers removed, and a paste box that decodes a
 * hex dump on the gateway.
 */
import { getJson, HttpError, send } from './api';
import { h, localTime, replace } from './dom';
import type { UiDecodeResult, UiFrame, UiMeterFrames, UiReading } from './types';

interface SourceStatus {
  readonly name: string;
  readonly frames: number;
  readonly rejected: number;
  readonly errors: Record<string, number>;
}

const PROTOCOLS = ['auto', 'dsmr', 'iec62056-21', 'sml', 'dlms', 'mbus'];

function readingsTable(readings: readonly UiReading[]): HTMLElement {
  return h(
    'table',
    { class: 'readings' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Reading'), h('th', { scope: 'col', class: 'v' }, 'Value'), h('th', { scope: 'col' }, 'Unit'))),
    h(
      'tbody',
      {},
      ...readings.map((r) =>
        h('tr', { 'data-key': r.key }, h('td', {}, r.name), h('td', { class: 'v' }, r.value === null ? '—' : String(r.value)), h('td', {}, r.unit ?? '')),
      ),
    ),
  );
}

function errorLine(e: { kind: string; message: string }): HTMLElement {
  return h('p', { class: 'problem' }, h('strong', { class: 'kind' }, e.kind), ': ', e.message);
}

function frameView(f: UiFrame, open: boolean): HTMLElement {
  const summary = `${localTime(f.at)} · ${f.length} bytes · ${f.ok ? `decoded${f.meterId === undefined ? '' : ` (${f.meterId})`}` : (f.error?.kind ?? 'refused')}`;
  return h(
    'details',
    { class: `frame ${f.ok ? 'ok' : 'bad'}`, 'data-at': f.at, open },
    h('summary', {}, summary),
    h(
      'div',
      { class: 'grid2' },
      h('div', {}, h('h4', {}, 'Hex'), h('code', { class: 'hex' }, f.hex), h('h4', {}, 'Text'), h('pre', {}, f.text)),
      h(
        'div',
        {},
        h('h4', {}, 'Decoding'),
        f.error ? errorLine(f.error) : null,
        f.readings
          ? readingsTable(f.readings)
          : f.ok
            ? h('p', { class: 'muted values-gone' }, 'Decoded. With this many meters the gateway keeps the values of each meter’s newest frame only.')
            : null,
      ),
    ),
  );
}

function pasteBox(meters: readonly UiMeterFrames[]): HTMLElement {
  const hex = h('textarea', { id: 'paste-hex', rows: 6, spellcheck: 'false', placeholder: '7E A0 8B … or /ISK5\\2M550E-1012 as hex' });
  const meter = h(
    'select',
    { id: 'paste-meter' },
    h('option', { value: '' }, 'none: choose a protocol'),
    ...meters.map((m) => h('option', { value: m.name }, `${m.name} (its settings and keys)`)),
  );
  const protocol = h('select', { id: 'paste-protocol' }, ...PROTOCOLS.map((p) => h('option', { value: p }, p)));
  const key = h('input', { id: 'paste-key', type: 'password', autocomplete: 'off', placeholder: '32 hex digits (encrypted meters)' });
  const out = h('div', { id: 'paste-result', 'aria-live': 'polite' });
  const decode = (e: Event): void => {
    e.preventDefault();
    const body = meter.value ? { hex: hex.value, meter: meter.value } : { hex: hex.value, protocol: protocol.value, key: key.value };
    send<UiDecodeResult>('POST', 'api/ui/decode', body)
      .then((r) => {
        replace(
          out,
          h('p', { class: 'muted' }, `${r.frames.length} frame(s), ${r.discardedBytes} byte(s) skipped`),
          ...r.frames.map((f) =>
            f.ok ? h('div', {}, h('p', {}, `Decoded: ${f.protocol} meter ${f.meterId}`), readingsTable(f.readings)) : errorLine(f.error),
          ),
        );
      })
      .catch((err: unknown) => replace(out, h('p', { class: 'problem' }, err instanceof HttpError ? err.message : String(err))));
  };
  return h(
    'form',
    { class: 'card', onsubmit: decode },
    h('h3', {}, 'Decode a hex dump'),
    h('div', { class: 'field' }, h('label', { for: 'paste-hex' }, 'Hex dump'), hex),
    h(
      'div',
      { class: 'grid2' },
      h('div', { class: 'field' }, h('label', { for: 'paste-meter' }, 'Meter'), meter),
      h('div', { class: 'field' }, h('label', { for: 'paste-protocol' }, 'Protocol'), protocol),
    ),
    h('div', { class: 'field' }, h('label', { for: 'paste-key' }, 'Key (optional, stays on the gateway)'), key),
    h('button', { type: 'submit' }, 'Decode'),
    out,
  );
}

/** The diagnostics view; refreshes every 3 s and keeps opened frames open. */
export function mountDiagnostics(main: HTMLElement): () => void {
  const list = h('div', { id: 'diag-meters' });
  const pasteSlot = h('div');
  replace(main, h('h2', { class: 'view-title' }, 'Diagnostics'), list, pasteSlot);
  let pasteShown = false;

  const render = (meters: readonly UiMeterFrames[], sources: readonly SourceStatus[]): void => {
    const open = new Set(
      [...list.querySelectorAll('details[open]')].map((d) => `${d.closest('section')?.getAttribute('data-meter') ?? ''}|${d.getAttribute('data-at') ?? ''}`),
    );
    replace(
      list,
      ...meters.map((m) => {
        const s = sources.find((x) => x.name === m.name);
        const kinds = Object.entries(s?.errors ?? {}).filter(([, n]) => n > 0);
        return h(
          'section',
          { class: 'card', 'data-meter': m.name },
          h('h3', {}, `${m.name} · ${m.protocol}`),
          h('p', { class: 'muted' }, `frames ${s?.frames ?? 0} · rejected ${s?.rejected ?? 0}`),
          kinds.length
            ? h(
                'table',
                { class: 'errors' },
                h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Error kind'), h('th', { scope: 'col', class: 'v' }, 'Count'))),
                h('tbody', {}, ...kinds.map(([k, n]) => h('tr', { 'data-kind': k }, h('td', {}, k), h('td', { class: 'v' }, n)))),
              )
            : h('p', { class: 'muted' }, 'No errors.'),
          h('p', {}, h('a', { href: `api/ui/capture/${encodeURIComponent(m.name)}`, download: true }, 'Download capture (identifiers removed)')),
          h('h4', {}, `Last ${m.frames.length} frame(s)`),
          ...m.frames.map((f) => frameView(f, open.has(`${m.name}|${f.at}`))),
        );
      }),
    );
    if (!pasteShown) {
      replace(pasteSlot, pasteBox(meters));
      pasteShown = true;
    }
  };

  const refresh = (): void => {
    Promise.all([getJson<UiMeterFrames[]>('api/ui/frames'), getJson<{ sources: SourceStatus[] }>('api/v1/status')])
      .then(([meters, status]) => render(meters, status.sources))
      .catch((e: unknown) => replace(list, h('p', { class: 'problem' }, String(e))));
  };
  refresh();
  const timer = window.setInterval(refresh, 3000);
  return () => window.clearInterval(timer);
}
