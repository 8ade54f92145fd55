/** The add-on manifest follows the Supervisor's schema rules and the add-on linter (platform-conventions §3, §5). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../../..');
const ADDON = join(ROOT, 'addon/smart-meter-interop');
const manifest = parse(readFileSync(join(ADDON, 'config.yaml'), 'utf8')) as Record<string, unknown>;
const dockerfile = readFileSync(join(ADDON, 'Dockerfile'), 'utf8');

// Supervisor `RE_SCHEMA_ELEMENT` (supervisor/apps/options.py), optional `?` suffix.
const SCHEMA_ELEMENT =
  /^(?:bool|email|url|port|device(?:\(subsystem=[a-z]+\))?|str(?:\(\d*,\d*\))?|password(?:\(\d*,\d*\))?|int(?:\(\d*,\d*\))?|float(?:\([\d.]*,[\d.]*\))?|match\(.*\)|list\(.+\))\??$/;

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
    const defaults: Record<string, unknown> = {
      boot: 'auto',
      startup: 'application',
      init: true,
      ingress_port: 8099,
      panel_icon: 'mdi:puzzle',
      hassio_api: false,
      homeassistant_api: false,
    };
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

  it('names the prebuilt per-architecture image that the release workflow publishes', () => {
    expect(manifest['image']).toBe('ghcr.io/smart-meter-interop/{arch}-addon-smart-meter-interop');
    const workflow = parse(readFileSync(join(ROOT, '.github/workflows/addon-image.yaml'), 'utf8')) as {
      jobs: { addon: { strategy: { matrix: { include: { arch: string }[] } }; steps: { with?: Record<string, string> }[] } };
    };
    const arches = workflow.jobs.addon.strategy.matrix.include.map((m) => m.arch);
    expect([...arches].sort()).toEqual([...(manifest['arch'] as string[])].sort());
    const build = workflow.jobs.addon.steps.find((st) => st.with?.['file'] === 'addon/smart-meter-interop/Dockerfile');
    expect(build?.with?.['context']).toBe('.');
    expect(build?.with?.['tags']).toContain('${{ env.REGISTRY }}/${{ matrix.arch }}-addon-smart-meter-interop:${{ needs.version.outputs.version }}');
  });

  it('builds from committed files only (nothing generated, like the old app/ folder)', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) expect({ src, exists: existsSync(join(ROOT, src)) }).toEqual({ src, exists: true });
    expect(sources.filter((src) => /(^|\/)(app|dist)(\/|$)/.test(src))).toEqual([]);
  });

  it("runs node under Docker's init (init left at its default) with labels matching the manifest", () => {
    expect(manifest).not.toHaveProperty('init');
    expect(dockerfile).toMatch(/^ENTRYPOINT \[\]$/m);
    expect(dockerfile).toContain(`io.hass.name="${String(manifest['name'])}"`);
    expect(dockerfile).toContain('io.hass.type="app"');
  });

  it.each(['en', 'de'])('translates every option, with a name and a description (%s)', (lang) => {
    const t = parse(readFileSync(join(ADDON, `translations/${lang}.yaml`), 'utf8')) as {
      configuration: Record<string, { name?: string; description?: string }>;
      network: Record<string, string>;
    };
    const options = Object.keys(manifest['schema'] as Record<string, unknown>);
    expect(Object.keys(t.configuration).sort()).toEqual([...options].sort());
    for (const k of options)
      expect({ k, name: typeof t.configuration[k]?.name, description: typeof t.configuration[k]?.description }).toEqual({
        k,
        name: 'string',
        description: 'string',
      });
    expect(Object.keys(t.network)).toEqual(Object.keys(manifest['ports'] as Record<string, unknown>));
  });

  it('has a translation file for every language it ships and no other', () => {
    expect(readdirSync(join(ADDON, 'translations')).sort()).toEqual(['de.yaml', 'en.yaml']);
  });
});
