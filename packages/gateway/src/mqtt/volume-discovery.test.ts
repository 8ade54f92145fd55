/**
 * A volume of a medium Home Assistant has no class for, from a real M-Bus frame: the Tecson oil
 * tank level meter (packages/decoder/fixtures/mbus/tecson.hex, medium oil) gets HA's generic
 * `volume` class, with a unit and state class HA accepts for it (platform-conventions §1.8).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import { deviceClassAcceptsUnit, deviceClassRule, validateHaSensorConfig } from '@smi/discovery';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import { FIXTURES } from '../test-support/gateway-process';
import { MessageFactory } from './messages';

function tecson(): MeterSnapshot {
  const d = createDecoder('mbus');
  if (!d.ok) throw new Error(d.error);
  const hex = readFileSync(join(FIXTURES, 'mbus/tecson.hex'), 'utf8').replace(/[^0-9a-fA-F]/g, '');
  const ev = d.value.push(Buffer.from(hex, 'hex'))[0];
  if (!ev?.ok) throw new Error('the Tecson fixture did not decode');
  return ev.snapshot;
}

describe('M-Bus volume of an unknown medium (Tecson oil meter)', () => {
  const snapshot = tecson();
  const r = validateConfig({});
  if (!r.ok) throw new Error(r.problems.join('; '));
  const configs = new MessageFactory(r.config, 'test').discoveryMessages(snapshot);
  const config = (key: string): Record<string, unknown> => {
    const m = configs.find((c) => c.topic.endsWith(`/${key}/config`));
    return JSON.parse(m?.payload ?? '{}') as Record<string, unknown>;
  };

  it('announces the volumes with device_class volume, m³ and state_class total', () => {
    expect(snapshot.meter.medium).toBe('oil');
    expect(snapshot.readings.find((x) => x.key === 'volume')).toMatchObject({ quantity: 'volume', value: 45.6, unit: 'm³' });
    expect(config('volume')).toMatchObject({ device_class: 'volume', unit_of_measurement: 'm³', state_class: 'total', suggested_display_precision: 3 });
    expect(config('volume_max_tariff_1')).toMatchObject({ device_class: 'volume', unit_of_measurement: 'm³', state_class: 'total' });
    for (const m of configs) expect([m.topic, validateHaSensorConfig(JSON.parse(m.payload), m.topic)]).toEqual([m.topic, []]);
  });

  it('uses only a combination HA accepts for the volume class', () => {
    expect(deviceClassAcceptsUnit('volume', 'm³')).toBe(true);
    expect(deviceClassAcceptsUnit('volume', 'm3')).toBe(false);
    expect(deviceClassRule('volume')?.stateClasses).toContain('total');
  });
});
