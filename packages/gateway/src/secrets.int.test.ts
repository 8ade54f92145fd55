/**
 * Secrets never leave the gateway: meter keys, authentication keys and the MQTT password are
 * planted in a configuration (an encrypted P1 meter, an encrypted DLMS meter, meters with wrong
 * keys, a Mosquitto that requires a password), the gateway bundle runs at log level trace, and
 * every output is searched for every spelling of every secret: the log (stdout and stderr), every
 * MQTT message a subscriber to '#' receives, every web response, and the CLI (`smi config-schema`,
 * `smi decode --key`, a configuration error, a broker that refuses the password).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { assetsDir } from './assets';
import { encryptedP1Simulator } from './simulators/encrypted-p1';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { freePort, waitFor } from './test-support/ports';
import { runCli, runGateway, type GatewayProcess } from './test-support/gateway-process';

jest.setTimeout(120000);

const P1_KEY = 'A73C51E29B04D86F12C57E39B04A8D61';
const P1_AUTH_KEY = 'c3f1096b5ea2d7480f1b6c9e2a7d3054';
const E570_KEY = '101112131415161718191A1B1C1D1E1F'; // the key of the published L+G E570 frames
const WRONG_KEY = 'FE1D5C9B7A3E2F80D6C4B2A09E8D7C6B';
const WRONG_AUTH_KEY = '5B8E0C7D2A194F36E1D0C9B8A7F6E5D4';
const MQTT_PASSWORD = 'pw-Kx7!q2Lm9#vR4-gateway';
const REFUSED_PASSWORD = 'pw-Zt3$wrong8Np-gateway';
const PUSH_TOKEN = 'tok-Qw8vN3xL5pR2-influx';
const SECRETS: Readonly<Record<string, string>> = { P1_KEY, P1_AUTH_KEY, E570_KEY, WRONG_KEY, WRONG_AUTH_KEY, MQTT_PASSWORD, REFUSED_PASSWORD, PUSH_TOKEN };

const SMARTY = 'EST-53710000_A';
const E570 = 'LGZ1030769231253';

/** The ways a secret could be written: hex keys in either case, with spaces or colons, as base64. */
function spellings(secret: string): { needle: string; caseless: boolean }[] {
  if (!/^[0-9a-fA-F]{32}$/.test(secret))
    return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')].map((needle) => ({ needle, caseless: false }));
  const pairs = secret.match(/../g) ?? [];
  return [
    { needle: secret, caseless: true },
    { needle: pairs.join(' '), caseless: true },
    { needle: pairs.join(':'), caseless: true },
    { needle: Buffer.from(secret, 'hex').toString('base64'), caseless: false },
  ];
}

/** Every (source, secret, spelling) found; empty when nothing leaked. */
function leaks(sources: Readonly<Record<string, string>>): string[] {
  return Object.entries(sources).flatMap(([source, text]) =>
    Object.entries(SECRETS).flatMap(([name, secret]) =>
      spellings(secret)
        .filter(({ needle, caseless }) => (caseless ? text.toLowerCase().includes(needle.toLowerCase()) : text.includes(needle)))
        .map(({ needle }) => `${name} (${needle}) in ${source}`),
    ),
  );
}

const spaced = (hex: string): string => (hex.match(/../g) ?? []).join(' ');

describe('the leak check itself', () => {
  it('finds a key in any spelling and the password', () => {
    expect(
      leaks({
        log: `decrypting with ${spaced(P1_KEY).toLowerCase()}`,
        mqtt: `{"k":"${Buffer.from(E570_KEY, 'hex').toString('base64')}"}`,
        web: `mqtt://smi:${encodeURIComponent(MQTT_PASSWORD)}@host`,
        clean: 'energy_import_total 6545.766 kWh',
      }),
    ).toEqual([
      `P1_KEY (${spaced(P1_KEY)}) in log`,
      `E570_KEY (${Buffer.from(E570_KEY, 'hex').toString('base64')}) in mqtt`,
      `MQTT_PASSWORD (${encodeURIComponent(MQTT_PASSWORD)}) in web`,
    ]);
  });
});

describe('secrets never reach logs, MQTT, the web API or the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smi-secrets-'));
  const capture = join(dir, 'smarty.bin');
  let broker: Mosquitto;
  let gw: GatewayProcess | undefined;
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    const sim = encryptedP1Simulator({ settings: { key: P1_KEY, authKey: P1_AUTH_KEY, recording: 'dsmr-sagemcom-t210-d-r' } });
    writeFileSync(capture, Buffer.concat(Array.from({ length: 3 }, () => sim.push?.() as Uint8Array)));
    broker = await startMosquitto(undefined, { users: { smi: MQTT_PASSWORD, ha: 'ha-listener-pw' } });
  });

  afterAll(async () => {
    await gw?.stop();
    await broker.stop();
  });

  it('runs with real keys, wrong keys and a broker password at log level trace without leaking any', async () => {
    const webPort = await freePort();
    const ha = await mqtt.connectAsync(broker.url, { username: 'ha', password: 'ha-listener-pw', reconnectPeriod: 0 });
    const received: string[] = [];
    ha.on('message', (topic, payload) => received.push(`${topic} ${payload.toString('utf8')}`));
    await ha.subscribeAsync('#', { qos: 1 });
    const e570File = join(assetsDir(), 'simulator', 'dlms-lg-e570-encrypted.hex');
    gw = runGateway({
      meters: [
        { name: 'p1', protocol: 'dsmr', key: spaced(P1_KEY), authKey: P1_AUTH_KEY, transport: { type: 'file', path: capture, loop: true, intervalMs: 1000 } },
        {
          name: 'e570',
          protocol: 'dlms',
          key: `0x${E570_KEY.toLowerCase()}`,
          transport: { type: 'file', path: e570File, hex: true, loop: true, intervalMs: 1000 },
        },
        {
          name: 'p1-wrong',
          protocol: 'dsmr',
          key: WRONG_KEY,
          authKey: WRONG_AUTH_KEY,
          transport: { type: 'file', path: capture, loop: true, intervalMs: 1000 },
        },
        {
          name: 'e570-wrong',
          protocol: 'dlms',
          key: spaced(WRONG_KEY).toLowerCase(),
          authKey: WRONG_AUTH_KEY,
          transport: { type: 'file', path: e570File, hex: true, loop: true, intervalMs: 1000 },
        },
      ],
      mqtt: { url: broker.url, username: 'smi', password: MQTT_PASSWORD, reconnectMs: 500 },
      homeassistant: { reannounceDelayMs: 300 },
      homie: { enabled: true },
      web: { host: '127.0.0.1', port: webPort },
      // a push target nobody listens on: its failures are logged, its token never
      http: {
        push: [
          { name: 'influx', url: `http://127.0.0.1:${await freePort()}/api/v2/write`, format: 'influx', headers: { Authorization: `Token ${PUSH_TOKEN}` } },
        ],
      },
      logLevel: 'trace',
    });
    const base = `http://127.0.0.1:${webPort}`;
    type Status = { totals: { frames: number; errors: Record<string, number> } };
    // runs until both good meters decoded and both wrong-key meters were refused, then a while longer
    await waitFor(
      'both meters published',
      () => received.some((m) => m.startsWith(`smi/${SMARTY}/state `)) && received.some((m) => m.startsWith(`smi/${E570}/state `)),
      30000,
    );
    let status: Status | undefined;
    for (let i = 0; i < 100; i++) {
      status = (await (await fetch(`${base}/api/status`)).json()) as Status;
      if ((status.totals.errors['auth-failed'] ?? 0) > 0 && (status.totals.errors['decrypt-failed'] ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status?.totals.errors).toMatchObject({ 'auth-failed': expect.any(Number), 'decrypt-failed': expect.any(Number) });
    await new Promise((r) => setTimeout(r, 3000));

    const smarty = JSON.parse(received.find((m) => m.startsWith(`smi/${SMARTY}/state `))?.slice(`smi/${SMARTY}/state `.length) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(smarty).toMatchObject({ energy_import_total: 6545.766, power_import: 286 });
    const e570 = JSON.parse(received.find((m) => m.startsWith(`smi/${E570}/state `))?.slice(`smi/${E570}/state `.length) ?? '{}') as Record<string, unknown>;
    expect(e570).toMatchObject({ energy_import_total: 862.055, energy_export_total: 641.361 });

    for (const path of ['/', '/app.js', '/api/status', '/api/meters', '/healthz', '/api/config', '/nowhere', '/api/v1/status', '/api/v1/meters', '/metrics']) {
      const res = await fetch(base + path);
      outputs[`GET ${path}`] = `${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`;
    }
    const post = await fetch(`${base}/api/status`, { method: 'POST', body: JSON.stringify({ password: 'x' }) });
    outputs['POST /api/status'] = `${post.status} ${await post.text()}`;
    expect(outputs['GET /api/meters']).toContain('"energy_import_total"');

    expect(await gw.stop()).toBe(0);
    await ha.endAsync();
    outputs['gateway log'] = gw.output();
    outputs['MQTT messages'] = received.join('\n');
    expect(outputs['gateway log']).toMatch(/ DEBUG /); // the most verbose level in use: nothing logs at trace on this path
    expect(outputs['gateway log']).toMatch(/p1-wrong: rejected frame \(auth-failed\)/);
    expect(outputs['gateway log']).toMatch(/e570-wrong: rejected frame \((decrypt|auth)-failed\)/);
    expect(outputs['gateway log']).toMatch(/influx/); // the push target did try (and fail)
    expect(outputs['GET /api/v1/status']).toContain('"Authorization":"***"');
    expect(received.length).toBeGreaterThan(50);
    expect(leaks(outputs)).toEqual([]);
  });

  it('keeps them out of the CLI: config-schema, decode with right, wrong and mistyped keys, configuration errors', () => {
    const cli: Record<string, string> = {};
    const show = (name: string, r: ReturnType<typeof runCli>): void => void (cli[name] = `${r.status} ${r.stdout} ${r.stderr}`);
    const schema = runCli(['config-schema']);
    expect(schema.stdout).toContain('"authKey"');
    show('config-schema', schema);
    const right = runCli(['decode', '--summary', '--key', P1_KEY, '--auth-key', P1_AUTH_KEY, capture]);
    expect(JSON.parse(right.stdout)).toMatchObject({ frames: 3, rejected: 0 });
    show('decode right key', right);
    const wrong = runCli(['decode', '--protocol', 'dsmr', '--key', WRONG_KEY, '--auth-key', WRONG_AUTH_KEY, capture]);
    expect(wrong.status).toBe(1);
    show('decode wrong key', wrong);
    const mistyped = runCli(['decode', '--protocol', 'dsmr', '--key', `${P1_KEY}7`, capture]);
    expect(mistyped.status).not.toBe(0);
    show('decode mistyped key', mistyped);
    const configFile = join(dir, 'bad.yaml');
    writeFileSync(
      configFile,
      `mqtt:\n  url: ${broker.url}\n  password: "${MQTT_PASSWORD}"\n  qos: 7\nmeters:\n  - protocol: dsmr\n    key: "${P1_KEY}"\n    authKey: "${P1_AUTH_KEY}x"\n    transport: { type: file, path: ${capture} }\n`,
    );
    const invalid = runCli(['run', '--config', configFile]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/invalid configuration/);
    show('invalid configuration', invalid);
    expect(leaks(cli)).toEqual([]);
  });

  it('keeps a refused broker password out of the log', async () => {
    const refused = runGateway({
      meters: [{ protocol: 'dsmr', key: P1_KEY, transport: { type: 'file', path: capture } }],
      mqtt: { url: broker.url, username: 'smi', password: REFUSED_PASSWORD, reconnectMs: 300 },
      web: { enabled: false },
      logLevel: 'trace',
    });
    await waitFor('the refusal in the log', () => /not authori[sz]ed|refused|bad user name or password/i.test(refused.output()), 15000).catch((e: Error) => {
      throw new Error(`${e.message}\n${refused.output()}`);
    });
    await new Promise((r) => setTimeout(r, 1000));
    await refused.stop();
    expect(leaks({ 'refused gateway log': refused.output() })).toEqual([]);
  });

  it("keeps the broker password out of mqtt.js's own trace (DEBUG=mqttjs*, troubleshooting.md)", async () => {
    const traced = runGateway(
      {
        meters: [{ protocol: 'dsmr', key: P1_KEY, transport: { type: 'file', path: capture } }],
        mqtt: { url: broker.url, username: 'smi', password: MQTT_PASSWORD, reconnectMs: 300 },
        web: { enabled: false },
      },
      { DEBUG: 'mqttjs*' },
    );
    await waitFor('the CONNACK in the trace', () => /handleConnack/.test(traced.output()), 15000).catch((e: Error) => {
      throw new Error(`${e.message}\n${traced.output()}`);
    });
    await traced.stop();
    // the trace is on and printed the CONNECT packet, password replaced
    expect(traced.stderr()).toMatch(/_writePacket :: packet: \{[^}]*cmd: 'connect'/);
    expect(traced.stderr()).toContain("password: '<redacted>'");
    expect(leaks({ 'mqtt.js trace': traced.output() })).toEqual([]);
  });
});
