import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { validateConfig, ConfigMistake } from '../config/load';
import { createLogger, silentLogger } from '../log';
import { makeTestPki, type TestPki } from '../test-support/mosquitto-tls';
import { brokerOptions, loadMqttTls, mqttErrorText, type MqttTlsConfig } from './connect-options';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});

const checked = { rejectUnauthorized: true } as const;

/** The message of the ConfigMistake `load` throws (fails the test when it throws nothing or something else). */
function mistake(tls: MqttTlsConfig): string {
  let thrown: unknown;
  try {
    loadMqttTls(tls, silentLogger);
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof ConfigMistake)) throw new Error(`expected a ConfigMistake, got ${String(thrown)}`);
  return thrown.message;
}

function captured(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', [], (l) => lines.push(l)) };
}

describe('loadMqttTls', () => {
  it('gives nothing without a tls block', () => {
    expect(loadMqttTls(undefined, silentLogger)).toBeUndefined();
  });

  it('reads the CA, the client certificate and its key into the mqtts:// options', () => {
    const tls = loadMqttTls({ ...checked, ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, silentLogger);
    const o = brokerOptions({ url: 'mqtts://127.0.0.1:8883', username: 'u', password: 'p', tls }, { clientId: 'c1', reconnectPeriod: 1234 });
    expect(o).toMatchObject({ clientId: 'c1', reconnectPeriod: 1234, username: 'u', password: 'p', rejectUnauthorized: true });
    expect(o.ca).toEqual(readFileSync(pki.ca));
    expect(o.cert).toEqual(readFileSync(pki.clientCert));
    expect(o.key).toEqual(readFileSync(pki.clientKey));
    expect(o.wsOptions).toBeUndefined();
    expect(o).not.toHaveProperty('servername');
  });

  it('hands the same TLS options, servername included, to the websocket for wss://', () => {
    const tls = loadMqttTls({ ...checked, ca: pki.ca, servername: 'broker.example' }, silentLogger);
    const o = brokerOptions({ url: 'wss://10.0.0.2:8884/mqtt', tls }, {});
    expect(o).toMatchObject({ servername: 'broker.example', rejectUnauthorized: true });
    expect(o.wsOptions).toEqual({ ca: readFileSync(pki.ca), servername: 'broker.example', rejectUnauthorized: true });
  });

  it('adds only the credentials for a broker without tls settings', () => {
    const traced = { DEBUG: 'mqttjs*' };
    expect(brokerOptions({ url: 'mqtt://h:1883', username: 'u' }, { clientId: 'x' }, traced)).toEqual({ clientId: 'x', username: 'u' });
  });

  it("gives mqtt.js a log that does nothing unless DEBUG is set, and keeps mqtt.js's own with DEBUG", () => {
    const url = 'mqtt://127.0.0.1:1';
    const quiet = brokerOptions({ url }, {}, {});
    const client = mqtt.connect(url, { ...quiet, manualConnect: true });
    expect(typeof quiet.log).toBe('function');
    expect(quiet.log?.length).toBe(0); // no rest parameter: a call builds no argument array
    expect(client.log).toBe(quiet.log);
    const traced = brokerOptions({ url }, {}, { DEBUG: 'mqttjs*' });
    const tracing = mqtt.connect(url, { ...traced, manualConnect: true });
    expect(traced).not.toHaveProperty('log');
    expect(typeof tracing.log).toBe('function');
    expect(tracing.log).not.toBe(quiet.log);
    // manualConnect: neither client opened a socket or a timer, so there is nothing to end
  });

  it('accepts an encrypted key with its passphrase', () => {
    const tls = loadMqttTls({ ...checked, cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: pki.passphrase }, silentLogger);
    expect(brokerOptions({ url: 'mqtts://h', tls }, {})).toMatchObject({ passphrase: pki.passphrase, key: readFileSync(pki.clientKeyEncrypted) });
  });

  it('names the setting and the path of a missing file', () => {
    const path = join(pki.dir, 'nope.pem');
    expect(mistake({ ...checked, ca: path })).toBe(`mqtt.tls.ca: cannot read ${path} (ENOENT)`);
    expect(mistake({ ...checked, cert: pki.clientCert, key: path })).toBe(`mqtt.tls.key: cannot read ${path} (ENOENT)`);
  });

  it('refuses a CA or certificate file without a certificate', () => {
    expect(mistake({ ...checked, ca: pki.clientKey })).toBe(`mqtt.tls.ca: ${pki.clientKey} holds no valid PEM certificate (-----BEGIN CERTIFICATE-----)`);
    const broken = join(pki.dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    expect(mistake({ ...checked, cert: broken, key: pki.clientKey })).toBe(
      `mqtt.tls.cert: ${broken} holds no valid PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  });

  it('refuses a key that is not the certificate’s, without showing the key', () => {
    const text = mistake({ ...checked, cert: pki.clientCert, key: pki.serverKey });
    expect(text).toBe(`mqtt.tls.key: ${pki.serverKey} is not the private key of ${pki.clientCert} (key values mismatch)`);
  });

  it('refuses a wrong or missing passphrase, never repeating it', () => {
    const wrong = mistake({ ...checked, cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: 'not-the-passphrase' });
    expect(wrong).toBe(`mqtt.tls.key: ${pki.clientKeyEncrypted} is encrypted and mqtt.tls.passphrase is missing or wrong`);
    expect(mistake({ ...checked, cert: pki.clientCert, key: pki.clientKeyEncrypted })).toBe(wrong);
  });

  it('warns at every start when the broker certificate is not checked, and only then', () => {
    const off = captured();
    loadMqttTls({ rejectUnauthorized: false }, off.log);
    loadMqttTls({ rejectUnauthorized: false }, off.log);
    expect(off.lines).toHaveLength(2);
    expect(off.lines[0]).toMatch(/ WARN  MQTT: mqtt\.tls\.rejectUnauthorized is false: the broker's certificate is NOT checked/);
    const on = captured();
    loadMqttTls({ ...checked, ca: pki.ca }, on.log);
    expect(on.lines).toEqual([]);
  });
});

describe('mqttErrorText', () => {
  const err = (code: string | number, message: string): Error => Object.assign(new Error(message), { code });

  it.each([
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'self-signed certificate in certificate chain',
      "TLS: the broker's certificate is not trusted (self-signed certificate in certificate chain): mqtt.tls.ca must name the CA that signed it",
    ],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: IP: 10.0.0.9 is not in the cert's list: 127.0.0.1",
      "TLS: the broker's certificate is not for this host (Hostname/IP does not match certificate's altnames: IP: 10.0.0.9 is not in the cert's list: 127.0.0.1): use a host name of the certificate in mqtt.url, or set mqtt.tls.servername",
    ],
    [
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      '80:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/ssl/rec_layer_s3.c:1601:SSL alert number 116\n',
      'TLS: the broker requires a client certificate: set mqtt.tls.cert and mqtt.tls.key',
    ],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      '80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
      'TLS: the broker does not speak TLS on this port (mqtts:// to a plain MQTT port?)',
    ],
    ['CERT_HAS_EXPIRED', 'certificate has expired', "TLS: the broker's certificate has expired (check the broker's certificate and both clocks)"],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1883', 'connect ECONNREFUSED 127.0.0.1:1883'],
    [5, 'Connection refused: Not authorized', 'Connection refused: Not authorized'], // mqtt.js: a CONNACK refusal has a numeric code
  ])('%s → one clear line', (code, message, text) => {
    expect(mqttErrorText(err(code, message))).toBe(text);
  });
});

describe('mqtt.tls in the configuration', () => {
  const problems = (mqtt: unknown): string[] => {
    const r = validateConfig({ mqtt });
    return r.ok ? [] : r.problems;
  };

  it('accepts an mqtts:// or wss:// broker with tls settings; certificates are checked by default', () => {
    const r = validateConfig({ mqtt: { url: 'mqtts://b:8883', tls: { ca: '/ssl/ca.pem', cert: '/ssl/c.pem', key: '/ssl/c.key' } } });
    expect(r).toMatchObject({ ok: true, config: { mqtt: { tls: { ca: '/ssl/ca.pem', cert: '/ssl/c.pem', key: '/ssl/c.key', rejectUnauthorized: true } } } });
    expect(problems({ url: 'wss://b:8884/mqtt', tls: { rejectUnauthorized: false } })).toEqual([]);
  });

  it.each([
    [{ url: 'mqtt://b:1883', tls: { ca: '/ca.pem' } }, 'mqtt.tls: applies to an external broker with an mqtts:// or wss:// url only (mqtt.url is mqtt://…)'],
    [{ tls: { ca: '/ca.pem' } }, 'mqtt.tls: applies to an external broker with an mqtts:// or wss:// url only (mqtt.url is not set)'],
    [{ url: 'mqtts://b', tls: { cert: '/c.pem' } }, 'mqtt.tls.key: a client certificate needs both cert and key'],
    [{ url: 'mqtts://b', tls: { key: '/c.key' } }, 'mqtt.tls.cert: a client certificate needs both cert and key'],
    [{ url: 'mqtts://b', tls: { passphrase: 'secret' } }, 'mqtt.tls.passphrase: is the passphrase of key, which is not set'],
    [{ url: 'mqtts://b', tls: { caFile: '/ca.pem' } }, 'mqtt.tls: Unrecognized key: "caFile"'],
  ])('refuses %j', (mqtt, line) => {
    expect(problems(mqtt)).toEqual([line]);
  });
});
