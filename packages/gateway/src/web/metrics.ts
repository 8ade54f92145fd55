import type { ErrorKind } from '@smi/decoder';
import { QUANTITY_DEFINITIONS, type MeterSnapshot, type Quantity, type Unit } from '@smi/model';

/**
 * Prometheus text exposition format 0.0.4, written by hand (no client library): metric families
 * with one HELP and one TYPE line each, their samples together, label values escaped.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter';

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value in double quotes: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped (quotes stay). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value: Go's float syntax for the infinities and NaN, JavaScript's shortest form otherwise. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The exposition text of metric families; families without samples are left out. */
export function formatMetrics(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => {
        if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(k)}`);
        return `${k}="${escapeLabelValue(v)}"`;
      });
      out.push(`${f.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** Name suffixes of the published units (Prometheus spells units out, lower case). */
const UNIT_SUFFIX: Readonly<Record<Unit, string>> = {
  Wh: 'wh',
  kWh: 'kwh',
  MWh: 'mwh',
  GJ: 'gigajoules',
  MJ: 'megajoules',
  W: 'watts',
  kW: 'kilowatts',
  MW: 'megawatts',
  varh: 'varh',
  kvarh: 'kvarh',
  var: 'var',
  kvar: 'kvar',
  VAh: 'vah',
  kVAh: 'kvah',
  VA: 'va',
  kVA: 'kva',
  V: 'volts',
  A: 'amperes',
  Hz: 'hertz',
  '%': 'percent',
  'm³': 'cubic_meters',
  L: 'liters',
  'm³/h': 'cubic_meters_per_hour',
  'L/h': 'liters_per_hour',
  '°C': 'celsius',
  K: 'kelvin',
  bar: 'bar',
  'kg/h': 'kilograms_per_hour',
  s: 'seconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
};

/**
 * The family of a numeric reading: `smi_<quantity>_<unit>` (`smi_energy_kwh`, `smi_power_watts`),
 * a counter (`…_total`) for quantities whose state class is `total_increasing`, else a gauge.
 */
export function readingFamily(quantity: Quantity, unit: Unit | undefined): { name: string; type: MetricType; help: string } {
  const base = `smi_${quantity}${unit === undefined ? '' : `_${UNIT_SUFFIX[unit]}`}`;
  const counter = QUANTITY_DEFINITIONS[quantity].stateClass === 'total_increasing';
  const help = `Meter reading: ${quantity.replace(/_/g, ' ')}${unit === undefined ? '' : ` in ${unit}`}`;
  return counter ? { name: `${base}_total`, type: 'counter', help } : { name: base, type: 'gauge', help };
}

/** Adds samples to families by name, keeping the first-seen order of families. */
class Families {
  private readonly byName = new Map<string, { name: string; help: string; type: MetricType; samples: Sample[] }>();

  add(name: string, type: MetricType, help: string, labels: Record<string, string>, value: number): void {
    let f = this.byName.get(name);
    if (!f) {
      f = { name, help, type, samples: [] };
      this.byName.set(name, f);
    }
    f.samples.push({ labels, value });
  }

  list(): MetricFamily[] {
    return [...this.byName.values()];
  }
}

/** Every numeric reading of the latest snapshots, plus the receive time of each meter. */
export function meterFamilies(snapshots: readonly MeterSnapshot[]): MetricFamily[] {
  const f = new Families();
  for (const s of snapshots) {
    for (const r of s.readings) {
      if (typeof r.value !== 'number' || !QUANTITY_DEFINITIONS[r.quantity].numeric) continue;
      const { name, type, help } = readingFamily(r.quantity, r.unit);
      const labels: Record<string, string> = { meter: s.meter.id, key: r.key };
      if (r.obis !== undefined) labels['obis'] = r.obis;
      labels['unit'] = r.unit ?? '';
      f.add(name, type, help, labels, r.value);
    }
  }
  for (const s of snapshots) {
    const at = s.receivedAt === undefined ? NaN : Date.parse(s.receivedAt);
    if (!Number.isNaN(at))
      f.add(
        'smi_meter_last_received_timestamp_seconds',
        'gauge',
        'When the gateway last received a frame of the meter (Unix time)',
        { meter: s.meter.id },
        at / 1000,
      );
  }
  return f.list();
}

export interface SourceCounters {
  readonly name: string;
  readonly frames: number;
  readonly rejected: number;
  readonly readings: number;
  readonly errors: Partial<Record<ErrorKind, number>>;
}

export interface PushCounters {
  readonly name: string;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queued: number;
}

export interface GatewayHealth {
  readonly sources: readonly SourceCounters[];
  readonly mqttConnected: boolean;
  readonly push: readonly PushCounters[];
}

/** The gateway's own health: frames per source, rejections by kind, MQTT, push targets. */
export function healthFamilies(h: GatewayHealth): MetricFamily[] {
  const f = new Families();
  for (const s of h.sources) f.add('smi_frames_total', 'counter', 'Frames decoded per source', { source: s.name }, s.frames);
  for (const s of h.sources) f.add('smi_readings_total', 'counter', 'Readings decoded per source', { source: s.name }, s.readings);
  for (const s of h.sources) {
    for (const [kind, n] of Object.entries(s.errors).sort((a, b) => a[0].localeCompare(b[0]))) {
      f.add('smi_frames_rejected_total', 'counter', 'Frames rejected per source and error kind', { source: s.name, kind }, n);
    }
  }
  f.add('smi_mqtt_connected', 'gauge', '1 while the gateway is connected to its MQTT broker', {}, h.mqttConnected ? 1 : 0);
  for (const p of h.push) f.add('smi_push_sent_total', 'counter', 'Requests a push target accepted', { target: p.name }, p.sent);
  for (const p of h.push) f.add('smi_push_failed_total', 'counter', 'Push request attempts that failed (each retry counts)', { target: p.name }, p.failed);
  for (const p of h.push) f.add('smi_push_dropped_total', 'counter', 'Push requests dropped unsent because the queue was full', { target: p.name }, p.dropped);
  for (const p of h.push) f.add('smi_push_queue_length', 'gauge', 'Push requests waiting to be sent', { target: p.name }, p.queued);
  return f.list();
}
