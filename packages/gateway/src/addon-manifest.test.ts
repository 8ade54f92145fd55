/** The add-on manifest follows the Supervisor's schema rules and the add-on linter (platform-conventions §3, §5). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ADDON = join(__dirname, '../../../addon/smart-meter-interop');
const manifest = parse(readFileSync(join(ADDON, 'config.yaml'), 'utf8')) as Record<string, unknown>;

// Supervisor `RE_SCHEMA_ELEMENT` (supervisor/apps/options.py), optional `?` suffix.
const SCHEMA_ELEMENT = /^(?:bool|email|url|port|device(?:\(subsystem=[a-z]+\))?|str(?:\(\d*,\d*\))?|password(?:\(\d*,\d*\))?|int(?:\(\d*,\d*\))?|float(?:\([\d.]*,[\d.]*\))?|match\(.*\)|list\(.+\))\??$/;

function elements(schema: unknown, path = 'schema'): [string, string][] {
  if (typeof schema === 'string') return [[path, schema]];
  if (Array.isArray(schema)) return schema.flatMap((s, i) => elements(s, `${path}[${i}]`));
  if (schema && typeof schema === 'object') return Object.entries(schema).flatMap(([k, v]) => elements(v, `${path}.${k}`));
  return [[path, String(schema)]];
}

describe('add-on manifest', () => {
  it('has the required keys and only supported architectures', () => {
    for (const k of ['name', 'version', 'slug', 'description', 'arch']) expect(manifest).toHaveProperty(k);
    expect(manifest['arch']).toEqual(['aarch64', 'amd64']);
    expect(String(manifest['slug'])).toMatch(/^[a-z0-9_]+$/);
    expect(manifest['version']).toBe(JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')).version);
  });

  it('sets no key to its default value (the linter rejects that)', () => {
    const defaults: Record<string, unknown> = { boot: 'auto', startup: 'application', init: true, ingress_port: 8099, panel_icon: 'mdi:puzzle', hassio_api: false, homeassistant_api: false };
    for (const [k, v] of Object.entries(defaults)) expect({ k, v: manifest[k] }).not.toEqual({ k, v });
    expect(manifest).not.toHaveProperty('webui'); // forbidden with ingress
  });

  it('asks for the MQTT service and serial ports, and uses ingress', () => {
    expect(manifest['services']).toEqual(['mqtt:want']);
    expect(manifest['uart']).toBe(true);
    expect(manifest['ingress']).toBe(true);
    expect(manifest['ports']).toEqual({ '8099/tcp': null });
  });

  it('uses only schema element types the Supervisor understands', () => {
    const all = elements(manifest['schema']);
    expect(all.length).toBeGreaterThan(10);
    for (const [path, el] of all) expect({ path, ok: SCHEMA_ELEMENT.test(el) }).toEqual({ path, ok: true });
  });
});
