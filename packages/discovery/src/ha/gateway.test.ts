import { GATEWAY_OPTS } from '../testing/options';
import { haGatewayDiscovery } from './gateway';
import { haRemovals } from './removals';
import { validateHaSensorConfig } from './validate';

const DEVICE = {
  identifiers: ['smi_gateway_a1b2c3'],
  name: 'Smart Meter Interop',
  manufacturer: 'Smart Meter Interop',
  model: 'Smart Meter Interop',
  sw_version: '0.4.0',
  configuration_url: 'http://homeassistant.local:8099/',
};
const ORIGIN = { name: 'Smart Meter Interop', sw_version: '0.4.0', support_url: 'https://example.invalid/smi' };

describe('haGatewayDiscovery', () => {
  const out = haGatewayDiscovery(GATEWAY_OPTS);

  it('announces a connectivity binary sensor and a rejected-frames sensor', () => {
    expect(out.map((m) => [m.topic, m.retain, m.qos])).toEqual([
      ['homeassistant/binary_sensor/smi_gateway_a1b2c3/connectivity/config', true, 1],
      ['homeassistant/sensor/smi_gateway_a1b2c3/rejected_frames/config', true, 1],
    ]);
    expect(JSON.parse(out[0]?.payload ?? '')).toEqual({
      name: 'Connectivity',
      unique_id: 'smi_gateway_a1b2c3_connectivity',
      default_entity_id: 'binary_sensor.smi_gateway_connectivity',
      state_topic: 'smi/gateway/availability',
      payload_on: 'online',
      payload_off: 'offline',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      device: DEVICE,
      origin: ORIGIN,
    });
    expect(JSON.parse(out[1]?.payload ?? '')).toEqual({
      name: 'Rejected frames',
      unique_id: 'smi_gateway_a1b2c3_rejected_frames',
      default_entity_id: 'sensor.smi_gateway_rejected_frames',
      state_topic: 'smi/gateway/rejected_frames',
      state_class: 'total_increasing',
      suggested_display_precision: 0,
      entity_category: 'diagnostic',
      availability_mode: 'all',
      availability: [{ topic: 'smi/gateway/availability' }],
      device: DEVICE,
      origin: ORIGIN,
    });
  });

  it('passes the validator', () => {
    for (const m of out) expect(validateHaSensorConfig(JSON.parse(m.payload), m.topic)).toEqual([]);
  });

  it('omits configuration_url when unknown and uses the given prefix and template', () => {
    const { configurationUrl: _omit, ...rest } = GATEWAY_OPTS;
    const [, rejected] = haGatewayDiscovery({ ...rest, prefix: 'ha', rejectedFramesValueTemplate: '{{ value_json.rejected }}' });
    expect(rejected?.topic).toBe('ha/sensor/smi_gateway_a1b2c3/rejected_frames/config');
    const c = JSON.parse(rejected?.payload ?? '') as { device: object; value_template: string };
    expect(c.device).not.toHaveProperty('configuration_url');
    expect(c.value_template).toBe('{{ value_json.rejected }}');
  });
});

describe('haRemovals', () => {
  it('clears vanished config topics with empty retained payloads, once each', () => {
    const previous = ['a/config', 'b/config', 'c/config', 'b/config'];
    expect(haRemovals(previous, new Set(['a/config']))).toEqual([
      { topic: 'b/config', payload: '', retain: true, qos: 1 },
      { topic: 'c/config', payload: '', retain: true, qos: 1 },
    ]);
  });

  it('clears nothing when nothing vanished', () => {
    expect(haRemovals(new Set(['a']), new Set(['a', 'b']))).toEqual([]);
  });
});
