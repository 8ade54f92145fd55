/**
 * Billing history in Home Assistant discovery, with the real Iskra MT174 D0 readout
 * (packages/decoder/fixtures/d0/smartmeter-obis-iskra-mt174.txt): 343 values, 318 of them stored
 * values of earlier billing periods (`1.8.0*01` …). Counts the configs per `homeassistant.history`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import { validateHaSensorConfig } from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import { FIXTURES } from '../test-support/gateway-process';
import { MessageFactory } from './messages';

function mt174(): MeterSnapshot {
  const d = createDecoder('iec62056-21');
  if (!d.ok) throw new Error(d.error);
  const ev = d.value.push(readFileSync(join(FIXTURES, 'd0/smartmeter-obis-iskra-mt174.txt')))[0];
  if (!ev?.ok) throw new Error('the MT174 fixture did not decode');
  return ev.snapshot;
}

function factory(history?: string): MessageFactory {
  const r = validateConfig(history === undefined ? {} : { homeassistant: { history } });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return new MessageFactory(r.config, 'test');
}

describe('billing history of an Iskra MT174 (real D0 readout)', () => {
  const snapshot = mt174();
  const count = (f: MessageFactory): number => f.gatewayMessages().length + f.discoveryMessages(snapshot).length;

  it('had 345 configs (343 values + 2 gateway) with one entity per value', () => {
    expect(snapshot.readings).toHaveLength(343);
    expect(count(factory('entities'))).toBe(345);
  });

  it('announces 27 by default: the 25 current values and the gateway, no history', () => {
    const f = factory();
    expect(count(f)).toBe(27);
    const keys = f.discoveryMessages(snapshot).map((m) => m.topic.split('/')[3]);
    expect(keys).toContain('energy_import_total');
    expect(keys).toContain('energy_import_tariff_1');
    expect(keys).toHaveLength(25);
    expect(keys.filter((k) => /_f\d+$/.test(k ?? ''))).toEqual([]);
    // the values are still in the state payload: 1.8.0*01 of the readout is 0007904.135*kWh
    const state = JSON.parse(f.stateMessages(snapshot)[0]?.payload ?? '{}') as Record<string, unknown>;
    expect(Object.keys(state).filter((k) => /^energy_import_total_f\d+$/.test(k))).toHaveLength(15);
    expect(state.energy_import_total_f1).toBe(7904.135);
  });

  it('groups the 318 history values as attributes of one entity with history: attributes', () => {
    const f = factory('attributes');
    expect(count(f)).toBe(28);
    const grouped = f.discoveryMessages(snapshot).at(-1);
    expect(grouped?.topic).toBe('homeassistant/sensor/smi_63355730/billing_history/config');
    const c = JSON.parse(grouped?.payload ?? '{}') as { value_template: string; json_attributes_template: string };
    expect(c.value_template).toBe('{{ 318 }}');
    expect(c.json_attributes_template.match(/value_json\./g)).toHaveLength(318);
    expect(c.json_attributes_template).toContain('"energy_import_total_f1": value_json.energy_import_total_f1');
    expect(validateHaSensorConfig(c, grouped?.topic)).toEqual([]);
  });
});
