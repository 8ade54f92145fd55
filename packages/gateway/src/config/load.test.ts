import { validateConfig } from './load';

describe('configuration', () => {
  it('gives the embedded defaults for an empty document', () => {
    const r = validateConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.meters).toHaveLength(1);
    expect(r.config.meters[0]?.transport.type).toBe('simulator');
    expect(r.config.mqtt.url).toBeUndefined();
    expect(r.config.mqtt.embeddedBroker.port).toBe(1883);
    expect(r.config.homeassistant.discoveryPrefix).toBe('homeassistant');
  });

  it.each([
    [{ meters: [{ protocol: 'dsmr', transport: { type: 'serial' } }] }, 'meters.0.transport.port: '],
    [{ meters: [{ protocol: 'zigbee', transport: { type: 'tcp', host: 'x', port: 1 } }] }, 'meters.0.protocol: '],
    [{ meters: [{ transport: { type: 'tcp', host: 'x', port: 70000 } }] }, 'meters.0.transport.port: '],
    [{ mqtt: { url: 'localhost:1883' } }, 'mqtt.url: must be a URL like mqtt://host:1883'],
    [{ mqtt: { qos: 3 } }, 'mqtt.qos: '],
    [{ mqtt: { brokr: 1 } }, 'mqtt: '],
    [{ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, key: 'abc' }] }, 'meters.0.key: must be 16 bytes of hex'],
    [[1, 2], '(root): must be a mapping'],
  ])('refuses %j naming the field', (doc, line) => {
    const r = validateConfig(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => p.startsWith(line))).toBe(true);
  });

  it('never echoes a rejected key value', () => {
    const r = validateConfig({ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, key: '00112233445566778899AABBCCDDEEF' }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).not.toContain('00112233');
  });

  it('normalises key spellings', () => {
    const r = validateConfig({ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, key: '0x00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF' }] });
    expect(r.ok && r.config.meters[0]?.key).toBe('00112233445566778899AABBCCDDEEFF');
  });

  it('applies broker environment overrides', () => {
    const r = validateConfig({ mqtt: { url: 'mqtt://file:1883' } }, { SMI_MQTT_URL: 'mqtt://env:1884', SMI_MQTT_USERNAME: 'u' });
    expect(r.ok && r.config.mqtt.url).toBe('mqtt://env:1884');
    expect(r.ok && r.config.mqtt.username).toBe('u');
  });
});
