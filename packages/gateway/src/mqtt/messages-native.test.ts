/**
 * The state messages are rendered natively for the built-in presets
 * (@smi/templates native-presets.ts). For every snapshot the decoder makes of the published
 * fixture frames (packages/decoder/fixtures, provenance in the READMEs there), with and without
 * awkward extra readings, `MessageFactory.stateMessages` must equal what nunjucks renders from the
 * template context, byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHdlcFrame, createDecoder, detectProtocol, hexToBytes } from '@smi/decoder';
import type { MeterSnapshot, Reading } from '@smi/model';
import { BUILT_IN_PRESETS, compilePreset, createTemplateEngine, renderPreset, templateContext } from '@smi/templates';
import { validateConfig } from '../config/load';
import { FIXTURES } from '../test-support/gateway-process';
import { MessageFactory } from './messages';

/** Every snapshot the fixture files decode to (dlms-* hex files are bare APDUs or whole frames: both are tried). */
function fixtureSnapshots(): { name: string; snapshot: MeterSnapshot }[] {
  const out: { name: string; snapshot: MeterSnapshot }[] = [];
  for (const dir of readdirSync(FIXTURES).sort()) {
    for (const file of readdirSync(join(FIXTURES, dir)).sort()) {
      if (!file.endsWith('.txt') && !file.endsWith('.hex')) continue;
      const raw = readFileSync(join(FIXTURES, dir, file));
      const bytes = file.endsWith('.hex') ? hexToBytes(raw.toString('latin1').replace(/[^0-9a-fA-F]/g, '')) : Uint8Array.from(raw);
      if (bytes === undefined) continue;
      const tries = dir.startsWith('dlms') ? [bytes, buildHdlcFrame(bytes, { destination: [0x41], source: [0x08, 0x83], control: 0x13 })] : [bytes];
      for (const b of tries) {
        const detected = detectProtocol(b, true);
        if (typeof detected !== 'object') continue;
        const decoder = createDecoder(detected.protocol);
        if (!decoder.ok) continue;
        const snapshots = decoder.value.push(b).flatMap((ev) => (ev.ok ? [ev.snapshot] : []));
        snapshots.forEach((snapshot, i) => out.push({ name: `${dir}/${file}#${i}`, snapshot }));
        if (snapshots.length > 0) break;
      }
    }
  }
  return out;
}

const extra = (key: string, value: Reading['value'], entries?: Reading['entries']): Reading =>
  entries === undefined ? { key, name: key, quantity: 'count', value } : { key, name: key, quantity: 'count', value, entries };

/**
 * The snapshot with a meter id that is not topic-safe and readings a real meter could add: a
 * repeated key, `time`, `received_at`, numeric and non-ASCII keys and text.
 */
function awkward(s: MeterSnapshot): MeterSnapshot {
  const first = s.readings[0];
  return {
    ...s,
    meter: { ...s.meter, id: ` ${s.meter.id}/Süd #2 ` },
    readings: [
      extra('7', 'seven'),
      ...s.readings,
      extra('time', 'reading named time'),
      extra('received_at', null),
      extra('zählerstand_ä', 'Zähler „Süd" \\ ✓'),
      extra('log', 2, [{ time: '2025-11-02T03:10:00+01:00', value: 240, unit: 's' }]),
      ...(first === undefined ? [] : [{ ...first, value: 'repeated' }]),
    ],
  };
}

const SNAPSHOTS = fixtureSnapshots();
const CASES = SNAPSHOTS.flatMap(({ name, snapshot }) => [
  [name, { ...snapshot, receivedAt: '2026-03-01T09:15:02.123Z' }] as const,
  [`${name} + awkward readings`, awkward(snapshot)] as const,
]);

function factory(preset: string, baseTopic = 'smi'): MessageFactory {
  const r = validateConfig({ output: { preset }, mqtt: { baseTopic } });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return new MessageFactory(r.config, 'test');
}

const engine = createTemplateEngine();

/** What nunjucks renders for the preset (renderPreset always renders through nunjucks). */
function nunjucksStates(preset: 'json-state' | 'per-value', snapshot: MeterSnapshot, f: MessageFactory) {
  const compiled = compilePreset(engine, BUILT_IN_PRESETS[preset], preset);
  if (!compiled.ok) throw new Error(compiled.error.message);
  const ctx = templateContext(snapshot, { baseTopic: f.topics.base, receivedAt: snapshot.receivedAt ?? '', gatewayId: f.installId });
  const rendered = renderPreset(engine, compiled.value, ctx);
  if (!rendered.ok) throw new Error(rendered.error.message);
  return rendered.value.map((m) => ({ topic: m.topic, payload: m.payload, retain: true, qos: 0 })); // mqtt.qos's default
}

describe('state messages of the built-in presets, rendered natively, equal nunjucks for every fixture snapshot', () => {
  it('the fixtures of every protocol decode to snapshots', () => {
    const protocols = new Set(SNAPSHOTS.map((s) => s.snapshot.protocol));
    expect([...protocols].sort()).toEqual(['dlms', 'dsmr', 'iec62056-21', 'mbus', 'sml']);
    expect(SNAPSHOTS.length).toBeGreaterThanOrEqual(100);
  });

  const jsonState = factory('json-state');
  const perValue = factory('per-value', 'zuhause/zähler');

  it.each(CASES)('json-state: %s', (_name, snapshot) => {
    const states = jsonState.stateMessages(snapshot);
    expect(states).toEqual(nunjucksStates('json-state', snapshot, jsonState));
    expect(states).toHaveLength(1);
  });

  it.each(CASES)('per-value: %s', (_name, snapshot) => {
    const states = perValue.stateMessages(snapshot);
    expect(states).toEqual(nunjucksStates('per-value', snapshot, perValue));
    expect(states).toHaveLength(snapshot.readings.length);
  });
});
