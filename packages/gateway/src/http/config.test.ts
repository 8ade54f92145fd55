/** The `http` configuration block: defaults, refusals naming the key, template mistakes found at start. */
import { configJsonSchema } from '../config/json-schema';
import { validateConfig } from '../config/load';
import { OutputConfigError } from '../mqtt/messages';
import { silentLogger } from '../log';
import { expectProblems, expectValid } from '../test-support/config-result';
import { createPushTargets, pushSecrets } from './push';

describe('http configuration', () => {
  it('has no push targets by default and fills every default of a target', () => {
    expect(expectValid(validateConfig({})).http).toEqual({ push: [] });
    const config = expectValid(validateConfig({ http: { push: [{ url: 'http://192.168.1.5:1880/smi', headers: { Authorization: 'Token abc123' } }] } }));
    expect(config.http.push).toEqual([
      {
        url: 'http://192.168.1.5:1880/smi',
        method: 'POST',
        headers: { Authorization: 'Token abc123' },
        format: 'json',
        mode: 'change',
        intervalSeconds: 60,
        deadband: {},
        timeoutMs: 5000,
        queueSize: 100,
      },
    ]);
    expect(pushSecrets(config)).toEqual(['Token abc123']);
  });

  it('refuses wrong values with the key that holds them', () => {
    const problems = expectProblems(
      validateConfig({
        http: {
          push: [
            { url: 'ftp://nas/x', method: 'GET', headers: { 'Bad Header': 'Token s3cr3t-value' }, queueSize: 0 },
            { url: 'http://h/x', format: 'influx', body: '{{ values | json }}', deadband: { power_import: -1 } },
          ],
        },
      }),
    ).join('\n');
    expect(problems).toMatch(/http\.push\.0\.url: must be an http:\/\/ or https:\/\/ URL/);
    expect(problems).toMatch(/http\.push\.0\.method/);
    expect(problems).toMatch(/http\.push\.0\.headers\.Bad Header: Invalid key in record/);
    expect(problems).not.toContain('s3cr3t');
    expect(problems).toMatch(/http\.push\.0\.queueSize/);
    expect(problems).toMatch(/http\.push\.1\.deadband\.power_import/);
    expect(problems).toMatch(/http\.push\.1\.body: a body template replaces format; remove format: influx/);
  });

  it('stops the start on a template mistake (exit code 2), naming the target', () => {
    const config = expectValid(validateConfig({ http: { push: [{ url: 'http://h/x', body: '{{ values | nosuchfilter }}' }] } }));
    expect(() => createPushTargets(config, silentLogger, 'gw')).toThrow(OutputConfigError);
    expect(() => createPushTargets(config, silentLogger, 'gw')).toThrow(/http\.push\.0\.body/);
  });

  it('is part of the JSON Schema that smi config-schema prints', () => {
    const schema = configJsonSchema() as {
      properties: { http: { properties: { push: { items: { properties: Record<string, { default?: unknown }>; required: string[] } } } } };
    };
    const target = schema.properties.http.properties.push.items;
    expect(Object.keys(target.properties)).toEqual([
      'name',
      'url',
      'method',
      'headers',
      'format',
      'body',
      'contentType',
      'mode',
      'intervalSeconds',
      'deadband',
      'timeoutMs',
      'queueSize',
    ]);
    expect(target.required).toEqual(['url']);
    expect([target.properties['method']?.default, target.properties['queueSize']?.default, target.properties['timeoutMs']?.default]).toEqual([
      'POST',
      100,
      5000,
    ]);
  });
});
