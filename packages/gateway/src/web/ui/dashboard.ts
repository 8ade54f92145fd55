/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import uPlot from 'uplot';
import type { MeterSnapshot, Reading } from '@smi/model';
import { getJson } from './api';
import { ago, h, localTime, replace } from './dom';
import type { UiInfo } from './types';

/** Seconds of power history the chart keeps (in the browser's memory only). */
export const CHART_WINDOW_S = 600;

interface Status {
  readonly mqtt: { readonly connected: boolean; readonly url: string };
  readonly totals: { readonly frames: number; readonly rejected: number };
}

interface Card {
  readonly root: HTMLElement;
  readonly heading: HTMLElement;
  readonly meta: HTMLElement;
  readonly link: HTMLElement;
  readonly table: HTMLTableSectionElement;
  readonly chartBox: HTMLElement;
  readonly times: number[];
  readonly watts: (number | null)[];
  chart: uPlot | undefined;
  last: MeterSnapshot;
}

/** Net active power in W (import minus export) when the snapshot has any, else undefined. */
export function netPower(readings: readonly Reading[]): number | undefined {
  const value = (key: string): number | undefined => {
    const r = readings.find((x) => x.key === key);
    return r && typeof r.value === 'number' ? r.value : undefined;
  };
  const imp = value('power_import');
  const exp = value('power_export');
  if (imp !== undefined || exp !== undefined) return (imp ?? 0) - (exp ?? 0);
  const any = readings.find((r) => r.quantity === 'power' && typeof r.value === 'number');
  return any ? (any.value as number) : undefined;
}

function formatValue(r: Reading): string {
  if (r.value === null) return '—';
  if (typeof r.value === 'number') return r.value.toLocaleString(undefined, { maximumFractionDigits: 3 });
  if (r.quantity === 'timestamp') return localTime(String(r.value));
  return String(r.value);
}

function title(s: MeterSnapshot): string {
  const who = [s.meter.manufacturer ?? s.meter.manufacturerId, s.meter.model].filter(Boolean).join(' ');
  return who ? `${who} · ${s.meter.id}` : s.meter.id;
}

/** The live dashboard: meters from /api/v1/meters, then every snapshot from /api/v1/events. */
export function mountDashboard(main: HTMLElement): () => void {
  const cards = new Map<string, Card>();
  const list = h('div', { class: 'cards' });
  const banner = h('p', { class: 'muted', id: 'status', role: 'status' }, 'Connecting…');
  const empty = h('p', { class: 'muted' }, 'No meter has sent a frame yet.');
  replace(main, h('h2', { class: 'view-title' }, 'Dashboard'), banner, empty, list);
  let info: UiInfo | undefined;
  let status: Status | undefined;
  let live = false;

  const staleAfterMs = (id: string): number => (info?.meters.find((m) => m.ids.includes(id))?.staleAfterSeconds ?? 120) * 1000;

  const renderBanner = (): void => {
    const parts = [live ? 'Live' : 'Reconnecting…'];
    if (status)
      parts.push(
        `MQTT ${status.mqtt.connected ? 'connected' : 'not connected'} (${status.mqtt.url})`,
        `frames ${status.totals.frames}`,
        `rejected ${status.totals.rejected}`,
      );
    banner.textContent = parts.join(' · ');
  };

  const renderLink = (card: Card): void => {
    const at = card.last.receivedAt ? Date.parse(card.last.receivedAt) : NaN;
    const age = Number.isNaN(at) ? undefined : Date.now() - at;
    const online = age !== undefined && age < staleAfterMs(card.last.meter.id);
    card.link.className = `badge ${online ? 'ok' : 'bad'}`;
    card.link.textContent = online ? 'online' : 'offline';
    replace(
      card.meta,
      `${card.last.protocol} · last frame ${age === undefined ? 'unknown' : ago(age)}`,
      card.last.receivedAt ? ` (${localTime(card.last.receivedAt)})` : '',
    );
  };

  const drawChart = (card: Card): void => {
    if (card.times.length === 0) return;
    const width = Math.max(200, card.chartBox.clientWidth);
    if (!card.chart) {
      const opts: uPlot.Options = {
        width,
        height: 150,
        legend: { show: false },
        scales: { x: { time: true } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,.2)' } },
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,.2)' }, size: 56 },
        ],
        series: [{}, { label: 'Power (W)', stroke: '#2f81f7', width: 2, fill: 'rgba(47,129,247,.12)' }],
      };
      card.chart = new uPlot(opts, [card.times, card.watts], card.chartBox);
    } else {
      if (Math.abs(card.chart.width - width) > 2) card.chart.setSize({ width, height: 150 });
      card.chart.setData([card.times, card.watts]);
    }
  };

  const update = (s: MeterSnapshot): void => {
    empty.hidden = true;
    let card = cards.get(s.meter.id);
    if (!card) {
      const table = h('tbody');
      const meta = h('span', { class: 'muted' });
      const link = h('span', { class: 'badge' });
      const chartBox = h('div', { class: 'chart', 'aria-label': 'Power over the last 10 minutes, in W', role: 'img' });
      const heading = h('h3', {});
      const root = h(
        'section',
        { class: 'card', 'data-meter': s.meter.id, 'aria-label': `Meter ${s.meter.id}` },
        heading,
        h('p', { class: 'meta' }, link, ' ', meta),
        chartBox,
        h(
          'table',
          { class: 'readings' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Reading'), h('th', { scope: 'col', class: 'v' }, 'Value'), h('th', { scope: 'col' }, 'Unit'))),
          table,
        ),
      );
      card = { root, heading, meta, link, table, chartBox, times: [], watts: [], chart: undefined, last: s };
      cards.set(s.meter.id, card);
      list.append(root);
    }
    if ((card.last.receivedAt ?? '') > (s.receivedAt ?? '')) return; // an older answer arriving late
    card.last = s;
    card.heading.textContent = title(s);
    replace(
      card.table,
      ...s.readings.map((r) => h('tr', { 'data-key': r.key }, h('td', {}, r.name), h('td', { class: 'v' }, formatValue(r)), h('td', {}, r.unit ?? ''))),
    );
    const p = netPower(s.readings);
    const t = (s.receivedAt ? Date.parse(s.receivedAt) : Date.now()) / 1000;
    if (p !== undefined && (card.times.length === 0 || t > (card.times[card.times.length - 1] ?? 0))) {
      card.times.push(t);
      card.watts.push(p);
      while ((card.times[0] ?? t) < t - CHART_WINDOW_S) {
        card.times.shift();
        card.watts.shift();
      }
    }
    card.chartBox.hidden = card.times.length === 0;
    renderLink(card);
    drawChart(card);
  };

  const events = new EventSource('api/v1/events');
  events.addEventListener('open', () => {
    live = true;
    renderBanner();
  });
  events.addEventListener('error', () => {
    live = false;
    renderBanner();
  });
  events.addEventListener('snapshot', (e) => update(JSON.parse((e as MessageEvent<string>).data) as MeterSnapshot));

  const poll = (): void => {
    getJson<Status>('api/v1/status')
      .then((s) => {
        status = s;
        renderBanner();
      })
      .catch(() => undefined);
  };
  getJson<UiInfo>('api/ui/info')
    .then((i) => (info = i))
    .catch(() => undefined);
  getJson<MeterSnapshot[]>('api/v1/meters')
    .then((ms) => ms.forEach((s) => update(s)))
    .catch(() => undefined);
  poll();
  const timer = window.setInterval(() => {
    cards.forEach(renderLink);
  }, 1000);
  const statusTimer = window.setInterval(poll, 5000);
  const onResize = (): void => cards.forEach(drawChart);
  window.addEventListener('resize', onResize);
  return () => {
    events.close();
    window.clearInterval(timer);
    window.clearInterval(statusTimer);
    window.removeEventListener('resize', onResize);
    cards.forEach((c) => c.chart?.destroy());
  };
}
