/**
 * Saving the configuration from the web UI: atomic write with the previous file kept as .bak,
 * the file's mode kept (0600 for a new one), and secrets replaced by references before a
 * document reaches the browser and put back from the stored file when it comes back.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readConfigDocument, redactSecrets, restoreSecrets, secretPaths, writeConfigAtomically } from './store';

const KEY = '101112131415161718191A1B1C1D1E1F';
const DOC = {
  meters: [
    { name: 'lg', protocol: 'dlms', key: KEY, authKey: 'A0A1A2A3A4A5A6A7A8A9AAABACADAEAF', transport: { type: 'serial', port: '/dev/ttyUSB0' } },
    { name: 'p1', transport: { type: 'tcp', host: 'bridge', port: 8088 } },
  ],
  mqtt: {
    url: 'mqtts://broker:8883',
    username: 'smi',
    password: 'broker secret',
    tls: { ca: '/ca.pem', passphrase: 'tls secret' },
    embeddedBroker: { users: [{ username: 'ha', password: 'ha secret 123' }] },
  },
  http: { push: [{ url: 'http://influx/write', headers: { Authorization: 'Token abc' } }] },
  web: { adminPassword: 'admin secret 123' },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smi-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration store', () => {
  it('finds every secret and replaces each by a reference to its path', () => {
    expect(secretPaths(DOC)).toEqual([
      'meters.0.key',
      'meters.0.authKey',
      'mqtt.password',
      'mqtt.tls.passphrase',
      'mqtt.embeddedBroker.users.0.password',
      'http.push.0.headers.Authorization',
      'web.adminPassword',
    ]);
    const shown = redactSecrets(DOC);
    const text = JSON.stringify(shown);
    for (const secret of [KEY, 'broker secret', 'tls secret', 'ha secret 123', 'Token abc', 'admin secret 123']) expect(text).not.toContain(secret);
    expect((shown['meters'] as { key: unknown }[])[0]?.key).toEqual({ $secret: 'meters.0.key' });
    expect(DOC.meters[0]?.key).toBe(KEY);
  });

  it('puts secrets back from the stored document, also when the meter moved in the list', () => {
    const shown = redactSecrets(DOC) as { meters: unknown[] };
    const moved = { ...shown, meters: [shown.meters[1], shown.meters[0]] };
    const { doc, problems } = restoreSecrets(moved, DOC);
    expect(problems).toEqual([]);
    expect((doc as typeof DOC).meters[1]).toEqual(DOC.meters[0]);
    expect((doc as typeof DOC).mqtt).toEqual(DOC.mqtt);
    const dangling = restoreSecrets({ meters: [{ key: { $secret: 'meters.5.key' } }] }, DOC);
    expect(dangling.problems).toEqual(['meters.0.key: refers to the secret meters.5.key, which is not set; enter the value']);
    // a reference may only name a secret, not any setting of the file
    expect(restoreSecrets({ mqtt: { password: { $secret: 'mqtt.url' } } }, DOC).problems).toEqual([
      'mqtt.password: refers to the secret mqtt.url, which is not set; enter the value',
    ]);
  });

  it('writes atomically, keeps the previous file as .bak and the mode of the old file', () => {
    const file = join(dir, 'smi.yaml');
    writeConfigAtomically(file, { meters: [] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['smi.yaml']);
    writeConfigAtomically(file, { logLevel: 'debug' });
    expect(parse(readFileSync(`${file}.bak`, 'utf8'))).toEqual({ meters: [] });
    const shared = join(dir, 'shared.yaml');
    writeFileSync(shared, 'logLevel: debug\n', { mode: 0o640 });
    writeConfigAtomically(shared, DOC);
    expect(statSync(shared).mode & 0o777).toBe(0o640);
    expect({ text: readFileSync(`${shared}.bak`, 'utf8'), mode: statSync(`${shared}.bak`).mode & 0o777 }).toEqual({ text: 'logLevel: debug\n', mode: 0o640 });
    writeConfigAtomically(file, DOC);
    expect(parse(readFileSync(file, 'utf8'))).toEqual(DOC);
    expect(readConfigDocument(file)).toEqual(DOC);
    expect(readdirSync(dir).sort()).toEqual(['shared.yaml', 'shared.yaml.bak', 'smi.yaml', 'smi.yaml.bak']);
    expect(readConfigDocument(join(dir, 'missing.yaml'))).toEqual({});
  });
});
