/** `smi discovery` without spawning the bundle: the Homie platform, device-based discovery and the template check, on the real DSMR 5 fixture. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder, type StreamDecoder } from '@smi/decoder';
import { validateHaDeviceConfig } from '@smi/discovery';
import type { Config } from '../config/schema';
import { validateConfig } from '../config/load';
import { FIXTURES } from '../test-support/gateway-process';
import { discoveryCommand, homieDiscoveryCommand } from './discovery';

const V5 = readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'));

function dsmr(): StreamDecoder {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  return d.value;
}

async function* twice(): AsyncIterable<Uint8Array> {
  yield V5;
  yield V5;
}

function config(raw: object = {}): Config {
  const r = validateConfig(raw);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

interface Line {
  topic: string;
  payload: string;
  retain: boolean;
}

async function run(command: typeof discoveryCommand, c: Config): Promise<{ code: number; out: Line[]; err: string[] }> {
  const out: Line[] = [];
  const err: string[] = [];
  const code = await command(
    c,
    dsmr(),
    twice(),
    (l) => out.push(JSON.parse(l) as Line),
    (l) => err.push(l),
    () => undefined,
  );
  return { code, out, err };
}

describe('smi discovery --platform homie', () => {
  it('prints the whole Homie cycle for the first frame and only values for the second', async () => {
    const { code, out, err } = await run(homieDiscoveryCommand, config());
    expect([code, err]).toEqual([0, []]);
    const b = 'homie/k8eg004046395507';
    expect(out.slice(0, 3)).toEqual([
      { topic: `${b}/$state`, payload: 'init', retain: true },
      { topic: `${b}/$homie`, payload: '4.0.0', retain: true },
      { topic: `${b}/$name`, payload: 'Electricity meter K8EG004046395507', retain: true },
    ]);
    expect(out.find((m) => m.topic === `${b}/$extensions`)?.payload).toBe('org.homie.legacy-firmware:0.1.1:[4.x]');
    expect(out.find((m) => m.topic === `${b}/channel-1/$type`)?.payload).toBe('gas');
    expect(out.find((m) => m.topic === `${b}/meter/meter-time/$datatype`)?.payload).toBe('datetime');
    const ready = out.findIndex((m) => m.topic === `${b}/$state` && m.payload === 'ready');
    const second = out.slice(ready + 1);
    // the second frame: the 34 values (of 35 readings one is an empty text, never sent), no attribute, no state change
    expect(second).toHaveLength(34);
    expect(second.every((m) => !m.topic.includes('/$'))).toBe(true);
    expect(second.find((m) => m.topic === `${b}/meter/energy-import-tariff-1`)?.payload).toBe('4.426');
    expect(out.filter((m) => m.payload === '')).toEqual([]);
  });
});

describe('smi discovery (Home Assistant)', () => {
  it('prints one device-based config per meter with homeassistant.discovery: device', async () => {
    const { code, out } = await run(discoveryCommand, config({ homeassistant: { discovery: 'device' } }));
    expect(code).toBe(0);
    const device = out.filter((m) => m.topic === 'homeassistant/device/smi_K8EG004046395507/config');
    expect(device).toHaveLength(1); // the second frame changes nothing
    expect(validateHaDeviceConfig(JSON.parse(device[0]?.payload ?? ''), device[0]?.topic ?? '')).toEqual([]);
    expect(out.filter((m) => m.topic.startsWith('homeassistant/sensor/smi_K8EG'))).toEqual([]);
  });

  it('refuses a custom output whose value templates cannot resolve (exit code 2)', async () => {
    const { code, out, err } = await run(discoveryCommand, config({ output: { topic: 'home/{{ meter_topic_id }}', payload: '{{ values.power_import }}' } }));
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^smi: output: no Home Assistant value_template resolves against output.payload/);
  });

  it('warns on standard error, by entity, for a custom output that leaves values out', async () => {
    const payload =
      '{{ {"energy_import_total": values.energy_import_total, "power_import": values.power_import, "energy_import_tariff_1": values.energy_import_tariff_1} | json }}';
    const { code, err } = await run(discoveryCommand, config({ output: { topic: 'home/{{ meter_topic_id }}', payload } }));
    expect(code).toBe(0);
    expect(err[0]).toMatch(/^smi: output: Home Assistant entities without a value: energy_export_total \(Energy export\)/);
    expect(err[1]).toMatch(/^smi: output: 32 Home Assistant entities of meter K8EG004046395507 will show no value: /);
    // 35 readings: two found in the payload, one empty on the meter itself (not counted)
    expect(err[1]).not.toContain('energy_import_tariff_1 (');
    expect(err).toHaveLength(2);
  });
});
