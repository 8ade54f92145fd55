/**
 * The Prometheus formatter, read back with a real parser of the text format
 * (parse-prometheus-text-format, a port of the Python client's parser).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { escapeLabelValue, formatMetrics, formatValue, healthFamilies, meterFamilies, readingFamily } from './metrics';

interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: { labels?: Record<string, string>; value: string }[];
}
const parsePrometheus = createRequire(__filename)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

const FIXTURES = join(__dirname, '../../../decoder/fixtures');

/** The published DSMR 5 telegram of an Iskra MT382 (fixtures/dsmr/README.md). */
function iskra(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const [event] = d.value.push(Uint8Array.from(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'))));
  if (event?.ok !== true) throw new Error('the Iskra telegram did not decode');
  return { ...event.snapshot, receivedAt: '2026-12-07T10:00:00.250Z' };
}

const sample = (families: ParsedFamily[], name: string, key: string): ParsedFamily['metrics'][number] | undefined =>
  families.find((f) => f.name === name)?.metrics.find((m) => m.labels?.['key'] === key);

describe('Prometheus text format', () => {
  it('escapes backslash, double quote and line feed in label values so a real parser reads them back', () => {
    const tricky = 'C:\\meter "north"\nline 2';
    expect(escapeLabelValue(tricky)).toBe('C:\\\\meter \\"north\\"\\nline 2');
    const text = formatMetrics([
      { name: 'smi_test', help: 'a help text with \\ and\nnewline', type: 'gauge', samples: [{ labels: { meter: tricky }, value: 1.5 }] },
    ]);
    expect(text).toBe('# HELP smi_test a help text with \\\\ and\\nnewline\n# TYPE smi_test gauge\nsmi_test{meter="C:\\\\meter \\"north\\"\\nline 2"} 1.5\n');
    expect(parsePrometheus(text)).toEqual([
      { name: 'smi_test', help: 'a help text with \\ and\nnewline', type: 'GAUGE', metrics: [{ labels: { meter: tricky }, value: '1.5' }] },
    ]);
  });

  it('writes the infinities and NaN as Go does, and refuses invalid names', () => {
    expect([Infinity, -Infinity, NaN, 0.1, 1e21, -3].map(formatValue)).toEqual(['+Inf', '-Inf', 'NaN', '0.1', '1e+21', '-3']);
    expect(() => formatMetrics([{ name: 'smi energy', help: '', type: 'gauge', samples: [{ labels: {}, value: 1 }] }])).toThrow('invalid metric name');
    expect(() => formatMetrics([{ name: 'smi_x', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'v' }, value: 1 }] }])).toThrow(
      'invalid label name',
    );
  });

  it('names families by quantity and unit; total_increasing quantities are counters', () => {
    expect(readingFamily('energy', 'kWh')).toMatchObject({ name: 'smi_energy_kwh', type: 'gauge' });
    expect(readingFamily('power', 'W')).toMatchObject({ name: 'smi_power_watts', type: 'gauge' });
    expect(readingFamily('gas_volume', 'm³')).toMatchObject({ name: 'smi_gas_volume_cubic_meters', type: 'gauge' });
    expect(readingFamily('count', undefined)).toMatchObject({ name: 'smi_count_total', type: 'counter' });
    expect(readingFamily('power_factor', undefined)).toMatchObject({ name: 'smi_power_factor', type: 'gauge' });
  });
});

describe('meter readings as metrics (real Iskra MT382 telegram)', () => {
  const snapshot = iskra();
  const text = formatMetrics([
    ...meterFamilies([snapshot]),
    ...healthFamilies({ sources: [{ name: 'p1', frames: 1, rejected: 2, readings: 30, errors: { 'bad-crc': 2 } }], mqttConnected: true, push: [] }),
  ]);
  const families = parsePrometheus(text);

  it('exports every numeric reading with meter, key, obis and unit labels and its exact value', () => {
    expect(sample(families, 'smi_energy_kwh', 'energy_import_tariff_1')).toEqual({
      labels: { meter: 'K8EG004046395507', key: 'energy_import_tariff_1', obis: '1-0:1.8.1', unit: 'kWh' },
      value: '4.426',
    });
    expect(sample(families, 'smi_power_watts', 'power_import')).toEqual({
      labels: { meter: 'K8EG004046395507', key: 'power_import', obis: '1-0:1.7.0', unit: 'W' },
      value: '244',
    });
    expect(sample(families, 'smi_voltage_volts', 'voltage_l3')).toEqual({
      labels: { meter: 'K8EG004046395507', key: 'voltage_l3', obis: '1-0:72.7.0', unit: 'V' },
      value: '229',
    });
    expect(sample(families, 'smi_count_total', 'power_failures')).toEqual({
      labels: { meter: 'K8EG004046395507', key: 'power_failures', obis: '0-0:96.7.21', unit: '' },
      value: '13',
    });
    expect(families.find((f) => f.name === 'smi_count_total')?.type).toBe('COUNTER');
    expect(families.find((f) => f.name === 'smi_energy_kwh')?.metrics.map((m) => m.labels?.['key'])).toEqual([
      'energy_import_tariff_1',
      'energy_import_tariff_2',
      'energy_export_tariff_1',
      'energy_export_tariff_2',
    ]);
  });

  it('leaves out text, timestamps and empty values', () => {
    const keys = families.flatMap((f) => f.metrics.map((m) => m.labels?.['key'])).filter((k) => k !== undefined);
    expect(keys).not.toContain('p1_version');
    expect(keys).not.toContain('meter_time');
    expect(keys).not.toContain('tariff');
    expect(keys).not.toContain('text_message');
    const numeric = snapshot.readings.filter((r) => typeof r.value === 'number' && !['text', 'tariff', 'identifier', 'timestamp'].includes(r.quantity));
    expect(keys).toHaveLength(numeric.length);
  });

  it('writes HELP and TYPE once per family, with all its samples together', () => {
    const names = text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2]);
    expect(new Set(names).size).toBe(names.length);
    const sampleNames = text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]);
    const runs = sampleNames.filter((n, i) => n !== sampleNames[i - 1]);
    expect(runs).toEqual(names);
  });

  it('adds the receive time and the gateway health', () => {
    expect(families.find((f) => f.name === 'smi_meter_last_received_timestamp_seconds')?.metrics).toEqual([
      { labels: { meter: 'K8EG004046395507' }, value: '1796637600.25' },
    ]);
    expect(families.find((f) => f.name === 'smi_frames_rejected_total')).toEqual({
      name: 'smi_frames_rejected_total',
      help: 'Frames rejected per source and error kind',
      type: 'COUNTER',
      metrics: [{ labels: { source: 'p1', kind: 'bad-crc' }, value: '2' }],
    });
    expect(families.find((f) => f.name === 'smi_mqtt_connected')?.metrics).toEqual([{ value: '1' }]);
  });
});
