/**
 * The pure parts of HTTP push: InfluxDB line protocol, request bodies, shaping (change, deadband,
 * interval), the bounded queue and the retry delays — on a real meter's telegram.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { createTemplateEngine } from '@smi/templates';
import { compileBodies, expandUrl, type BodySettings } from './bodies';
import { escapeMeasurement, escapeTag, influxLines, isoToNanoseconds } from './influx';
import { BoundedQueue } from './queue';
import { describeUrl, retryable, retryDelay } from './sender';
import { Shaper } from './shaping';

const FIXTURES = join(__dirname, '../../../decoder/fixtures');

/** The published DSMR 5 telegram of an Iskra MT382 (fixtures/dsmr/README.md). */
function iskra(): MeterSnapshot {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const [event] = d.value.push(Uint8Array.from(readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'))));
  if (event?.ok !== true) throw new Error('the Iskra telegram did not decode');
  return { ...event.snapshot, receivedAt: '2026-12-07T10:00:00.250Z' };
}

const SNAPSHOT = iskra();

/** The snapshot with some readings' values replaced. */
function withValues(s: MeterSnapshot, values: Record<string, number | string>): MeterSnapshot {
  return { ...s, readings: s.readings.map((r) => (r.key in values ? { ...r, value: values[r.key] ?? null } : r)) };
}

describe('InfluxDB line protocol', () => {
  it('escapes commas, equals signs and spaces in tags, commas and spaces in the measurement', () => {
    expect(escapeTag('a b,c=d')).toBe('a\\ b\\,c\\=d');
    expect(escapeTag('two\nlines')).toBe('two\\ lines');
    expect(escapeMeasurement('my smi,x=1')).toBe('my\\ smi\\,x=1');
  });

  it('turns ISO times into exact nanoseconds', () => {
    expect(isoToNanoseconds('2026-12-07T10:00:00.250Z')).toBe('1796637600250000000');
    expect(isoToNanoseconds('2017-01-02T19:20:02+01:00')).toBe('1483381202000000000');
    expect(isoToNanoseconds('yesterday')).toBeUndefined();
  });

  it('writes one line per numeric reading, tags sorted, receive time in ns', () => {
    const lines = influxLines(SNAPSHOT);
    expect(lines.slice(0, 3)).toEqual([
      'smi,key=energy_import_tariff_1,meter=K8EG004046395507 value=4.426 1796637600250000000',
      'smi,key=energy_import_tariff_2,meter=K8EG004046395507 value=2.399 1796637600250000000',
      'smi,key=energy_export_tariff_1,meter=K8EG004046395507 value=2.444 1796637600250000000',
    ]);
    expect(lines).toContain('smi,key=power_import,meter=K8EG004046395507 value=244 1796637600250000000');
    expect(lines.some((l) => l.includes('key=meter_time') || l.includes('key=p1_version') || l.includes('key=text_message'))).toBe(false);
    expect(lines).toHaveLength(SNAPSHOT.readings.filter((r) => typeof r.value === 'number').length);
    const odd: MeterSnapshot = {
      ...SNAPSHOT,
      meter: { id: 'house meter,1' },
      readings: [
        { key: 'x', name: 'x', quantity: 'power', value: Infinity, unit: 'W' },
        { key: 'y', name: 'y', quantity: 'power', value: -1.5e-7, unit: 'W' },
      ],
    };
    expect(influxLines(odd)).toEqual(['smi,key=y,meter=house\\ meter\\,1 value=-1.5e-7 1796637600250000000']);
  });
});

describe('request bodies', () => {
  const engine = createTemplateEngine();
  const settings = (s: Partial<BodySettings>): BodySettings => ({ url: 'http://127.0.0.1:9/in', format: 'json', baseTopic: 'smi', gatewayId: 'gw', ...s });
  const build = (s: Partial<BodySettings>) => {
    const c = compileBodies(engine, settings(s), 'http.push.0');
    if (!c.ok) throw new Error(c.error);
    const r = c.build(SNAPSHOT);
    if (!r.ok) throw new Error(r.error);
    return r.requests;
  };

  it('json: the json-state object of the MQTT state topic', () => {
    const [req, ...more] = build({});
    expect(more).toEqual([]);
    expect(req?.contentType).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toMatchObject({
      energy_import_tariff_1: 4.426,
      power_import: 244,
      tariff: '2',
      text_message: null,
      time: '2017-01-02T19:20:02+01:00',
      received_at: '2026-12-07T10:00:00.250Z',
    });
  });

  it('value: one request per reading with a value, {meter} and {key} in the URL', () => {
    const reqs = build({ format: 'value', url: 'http://127.0.0.1:9/meters/{meter}/{key}' });
    expect(reqs[0]).toEqual({ url: 'http://127.0.0.1:9/meters/K8EG004046395507/p1_version', body: '50', contentType: 'text/plain; charset=utf-8' });
    expect(reqs.find((r) => r.url.endsWith('/energy_import_tariff_1'))?.body).toBe('4.426');
    expect(reqs).toHaveLength(SNAPSHOT.readings.filter((r) => r.value !== null).length);
    expect(expandUrl('http://h/{meter}?k={key}', 'a/b c', 'x&y')).toBe('http://h/a%2Fb%20c?k=x%26y');
  });

  it('body: a nunjucks template over the template context', () => {
    const [req] = build({ body: '{{ meter.id }} {{ values.power_import }} W at {{ received_at }}', contentType: 'text/csv' });
    expect(req).toEqual({ url: 'http://127.0.0.1:9/in', body: 'K8EG004046395507 244 W at 2026-12-07T10:00:00.250Z', contentType: 'text/csv' });
  });

  it('renders the webhook example of docs/http.md to valid JSON', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/http.md'), 'utf8');
    const body = /^ {6}body: '(.*)'$/m.exec(doc)?.[1] ?? '';
    const [req] = build({ body, contentType: 'application/json' });
    expect(JSON.parse(req?.body ?? '')).toEqual({ meter: 'K8EG004046395507', kwh: 0, w: 244, at: '2026-12-07T10:00:00.250Z' });
  });

  it('refuses a broken template and {key} outside format value at compile time', () => {
    expect(compileBodies(engine, settings({ body: '{{ values | nosuchfilter }}' }), 'http.push.1')).toMatchObject({
      ok: false,
      error: expect.stringContaining('http.push.1.body'),
    });
    expect(compileBodies(engine, settings({ url: 'http://h/{key}' }), 'http.push.2')).toEqual({
      ok: false,
      error: 'http.push.2.url: {key} is only available with format: value',
    });
  });
});

describe('shaping', () => {
  it('change: sends the first snapshot, then only when a value changed; timestamps do not count', () => {
    const s = new Shaper({ mode: 'change', intervalMs: 0, deadband: {} });
    expect(s.offer(SNAPSHOT, 0)).toBe(SNAPSHOT);
    expect(s.offer(withValues(SNAPSHOT, { meter_time: '2017-01-02T19:20:12+01:00' }), 10)).toBeUndefined();
    const changed = withValues(SNAPSHOT, { power_import: 245 });
    expect(s.offer(changed, 20)).toBe(changed);
    expect(s.offer(changed, 30)).toBeUndefined();
    const fewer = { ...changed, readings: changed.readings.filter((r) => r.key !== 'voltage_l1') };
    expect(s.offer(fewer, 40)).toBe(fewer);
  });

  it('change with deadbands: compared with the value last sent, per key and * for the rest', () => {
    const s = new Shaper({ mode: 'change', intervalMs: 0, deadband: { power_import: 50, '*': 1 } });
    s.offer(SNAPSHOT, 0);
    expect(s.offer(withValues(SNAPSHOT, { power_import: 290, voltage_l1: 231 }), 1)).toBeUndefined();
    // drift adds up against the last value sent (244), not the last value seen
    const drifted = withValues(SNAPSHOT, { power_import: 295 });
    expect(s.offer(drifted, 2)).toBe(drifted);
    const volts = withValues(drifted, { voltage_l1: 231.5 });
    expect(s.offer(volts, 3)).toBe(volts);
    expect(s.offer(withValues(volts, { tariff: '2' }), 4)).toBeUndefined();
    const tariff = withValues(volts, { tariff: '1' });
    expect(s.offer(tariff, 5)).toBe(tariff);
  });

  it('interval: at most one per interval per meter, the latest one held until due', () => {
    const s = new Shaper({ mode: 'interval', intervalMs: 1000, deadband: {} });
    const a = withValues(SNAPSHOT, { power_import: 1 });
    const b = withValues(SNAPSHOT, { power_import: 2 });
    const c = withValues(SNAPSHOT, { power_import: 3 });
    const other = { ...SNAPSHOT, meter: { id: 'other' } };
    expect(s.offer(a, 0)).toBe(a);
    expect(s.offer(other, 100)).toBe(other);
    expect(s.offer(b, 400)).toBeUndefined();
    expect(s.offer(c, 800)).toBeUndefined();
    expect(s.nextDue()).toBe(1000);
    expect(s.due(999)).toEqual([]);
    expect(s.due(1000)).toEqual([c]);
    expect(s.nextDue()).toBeUndefined();
    expect(s.offer(a, 1500)).toBeUndefined();
    expect(s.nextDue()).toBe(2000);
    expect(s.offer(b, 2100)).toBe(b);
    expect(s.nextDue()).toBeUndefined();
  });
});

describe('bounded queue and retries', () => {
  it('drops the oldest when full and counts it; a retry that does not fit is dropped too', () => {
    const q = new BoundedQueue<number>(3);
    expect([1, 2, 3].map((n) => q.push(n))).toEqual([undefined, undefined, undefined]);
    expect(q.push(4)).toBe(1);
    expect(q.push(5)).toBe(2);
    expect({ length: q.length, dropped: q.dropped }).toEqual({ length: 3, dropped: 2 });
    expect(q.shift()).toBe(3);
    expect(q.unshift(3)).toBe(true);
    expect(q.unshift(0)).toBe(false);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([3, 4, 5, undefined]);
    expect(q.dropped).toBe(3);
    for (let i = 0; i < 1000; i++) q.push(i);
    expect([q.length, q.shift(), q.dropped]).toEqual([3, 997, 1000]);
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });

  it('backs off 1, 2, 4 … 60 s and retries only when the receiver is busy or broken', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => retryDelay(n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect([500, 502, 503, 429, 408, 400, 401, 404, 413].map(retryable)).toEqual([true, true, true, true, true, false, false, false, false]);
  });

  it('shows URLs without user info and query', () => {
    expect(describeUrl('https://user:pw@influx.local:8086/api/v2/write?org=home&bucket=smi&token=abc')).toBe('https://influx.local:8086/api/v2/write');
    expect(describeUrl('http://127.0.0.1:1880/smi/{meter}/{key}')).toBe('http://127.0.0.1:1880/smi/{meter}/{key}');
  });
});
