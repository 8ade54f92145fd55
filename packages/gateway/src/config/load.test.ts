import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, MAX_CONFIG_BYTES, validateConfig } from './load';
import { MAX_METERS } from './schema';
import { expectProblems, expectValid } from '../test-support/config-result';

describe('configuration', () => {
  it('gives the embedded defaults for an empty document', () => {
    const config = expectValid(validateConfig({}));
    expect(config.meters).toHaveLength(1);
    expect(config.meters[0]?.transport.type).toBe('simulator');
    expect(config.mqtt.url).toBeUndefined();
    expect(config.mqtt.embeddedBroker.port).toBe(1883);
    expect(config.homeassistant.discoveryPrefix).toBe('homeassistant');
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
    const problems = expectProblems(validateConfig(doc));
    expect(problems.filter((p) => p.startsWith(line))).not.toHaveLength(0);
  });

  it('never echoes a rejected key value', () => {
    const problems = expectProblems(validateConfig({ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, key: '00112233445566778899AABBCCDDEEF' }] }));
    expect(problems.join('\n')).not.toContain('00112233');
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

  const tcp = (port: number): { type: 'tcp'; host: string; port: number } => ({ type: 'tcp', host: 'bridge', port });

  it('refuses two meters with one name, naming the field path of the second', () => {
    const r = validateConfig({
      meters: [
        { name: 'p1', transport: tcp(1) },
        { name: 'p2', transport: tcp(2) },
        { name: 'p1', transport: tcp(3) },
      ],
    });
    expect(r).toEqual({ ok: false, problems: ["meters.2.name: duplicate name 'p1' (also meters.0.name); every meter needs its own"] });
  });

  it('refuses two meters with one id (they would publish to the same topics)', () => {
    const r = validateConfig({
      meters: [
        { id: 'house', transport: tcp(1) },
        { name: 'b', id: 'house', transport: tcp(2) },
      ],
    });
    expect(r).toEqual({ ok: false, problems: ["meters.1.id: duplicate id 'house' (also meters.0.id); every meter needs its own"] });
  });

  it('accepts distinct names and ids, and meters without either', () => {
    const r = validateConfig({
      meters: [{ name: 'a', id: 'x', transport: tcp(1) }, { name: 'b', id: 'y', transport: tcp(2) }, { transport: tcp(3) }, { transport: tcp(4) }],
    });
    expect(r.ok && r.config.meters.map((m) => m.id)).toEqual(['x', 'y', undefined, undefined]);
  });

  it(`refuses more than ${MAX_METERS} meters quickly`, () => {
    const meters = Array.from({ length: 100000 }, (_, i) => ({ name: `m${i}`, transport: tcp(1 + (i % 60000)) }));
    const t0 = Date.now();
    const r = validateConfig({ meters });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r).toEqual({ ok: false, problems: [`meters: at most ${MAX_METERS} meters per gateway; run several gateways (with different installId) for more`] });
    expect(validateConfig({ meters: meters.slice(0, MAX_METERS) }).ok).toBe(true);
  });

  it('refuses a configuration file larger than the limit before parsing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-config-'));
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\nlogLevel: info\n`);
    const r = loadConfig(file, {});
    expect(r).toEqual({ ok: false, problems: [`${file}: ${MAX_CONFIG_BYTES + 18} bytes is too large for a configuration (at most ${MAX_CONFIG_BYTES})`] });
  });
});
