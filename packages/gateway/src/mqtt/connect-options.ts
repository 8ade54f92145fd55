import { readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ConfigMistake } from '../config/load';
import type { Logger } from '../log';

/** The `mqtt.tls` block of the configuration (file paths, not contents). */
export interface MqttTlsConfig {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly passphrase?: string | undefined;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string | undefined;
}

/** TLS material read at start, as mqtt.js hands it to `tls.connect` (mqtts://) or to ws (wss://). */
export interface MqttTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly passphrase?: string;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

/** What every MQTT connection of the gateway needs besides its own options (client id, will). */
export interface BrokerConnection {
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly tls?: MqttTls | undefined;
}

/** Largest certificate or key file read (real ones are a few kB; a CA bundle some hundred kB). */
export const MAX_PEM_BYTES = 1024 * 1024;

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function readPem(setting: string, path: string): Buffer {
  try {
    const size = statSync(path).size;
    if (size > MAX_PEM_BYTES) throw new ConfigMistake(`mqtt.tls.${setting}: ${path} has ${size} bytes, too large for a PEM file (at most ${MAX_PEM_BYTES})`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof ConfigMistake) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigMistake(`mqtt.tls.${setting}: cannot read ${path} (${code})`);
  }
}

/** Certificates of a PEM file; a file without one (a key, DER, garbage) is a configuration mistake. */
function certificates(setting: string, path: string, pem: Buffer): X509Certificate[] {
  const blocks = pem.toString('latin1').match(CERT_BLOCK) ?? [];
  try {
    if (blocks.length === 0) throw new Error('none');
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    throw new ConfigMistake(`mqtt.tls.${setting}: ${path} holds no valid PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
}

/** OpenSSL's reason without the library prefix (`error:1C800064:Provider routines::bad decrypt` → `bad decrypt`). */
function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split('\n')[0] ?? text).replace(/^.*routines:[^:]*:/, '').trim();
}

/**
 * Reads and checks the files of `mqtt.tls` once, at start: a missing or unreadable file, a file
 * without a certificate, a key that does not fit its certificate or a wrong passphrase is a
 * one-line `ConfigMistake` naming the setting and the path (exit code 2). Neither the key's
 * content nor the passphrase ever appears in a message. `rejectUnauthorized: false` is warned
 * about at every start.
 */
export function loadMqttTls(tls: MqttTlsConfig | undefined, log: Logger): MqttTls | undefined {
  if (tls === undefined) return undefined;
  const out: { -readonly [K in keyof MqttTls]: MqttTls[K] } = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca !== undefined) {
    out.ca = readPem('ca', tls.ca);
    certificates('ca', tls.ca, out.ca);
  }
  if (tls.cert !== undefined && tls.key !== undefined) {
    out.cert = readPem('cert', tls.cert);
    certificates('cert', tls.cert, out.cert);
    out.key = readPem('key', tls.key);
    if (tls.passphrase !== undefined) out.passphrase = tls.passphrase;
    try {
      createSecureContext({ cert: out.cert, key: out.key, passphrase: tls.passphrase });
    } catch (e) {
      const why =
        (e as NodeJS.ErrnoException).code === 'ERR_OSSL_BAD_DECRYPT'
          ? 'is encrypted and mqtt.tls.passphrase is missing or wrong'
          : `is not the private key of ${tls.cert} (${reason(e)})`;
      throw new ConfigMistake(`mqtt.tls.key: ${tls.key} ${why}`);
    }
  }
  if (tls.servername !== undefined) out.servername = tls.servername;
  if (!tls.rejectUnauthorized) {
    log.warn(
      "MQTT: mqtt.tls.rejectUnauthorized is false: the broker's certificate is NOT checked, so anyone on the network path can pose as the broker and read the readings and the credentials; give the broker's CA in mqtt.tls.ca instead",
    );
  }
  return out;
}

/**
 * mqtt.js's log when `DEBUG` is not set. mqtt.js logs some ten lines per publish through the
 * `debug` package, which builds an argument array for every line even when nothing is printed
 * (about 2 kB per published frame to collect); this one takes no arguments and does nothing. With
 * `DEBUG` set (`DEBUG=mqttjs*`), mqtt.js keeps its own log.
 */
const quiet = (): void => undefined;

/** A logged value without the broker password (mqtt.js's trace prints its CONNECT packet whole). */
function withoutPassword(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'password' in value ? { ...value, password: '<redacted>' } : value;
}

/**
 * Connects with `brokerOptions`. With `DEBUG` set, mqtt.js's own trace stays on but never shows
 * the password: the CONNECT packet it logs is printed with `password: '<redacted>'`.
 */
export function connectMqtt(broker: BrokerConnection, base: IClientOptions, env: NodeJS.ProcessEnv = process.env): MqttClient {
  const options = brokerOptions(broker, base, env);
  if (!env['DEBUG']) return mqtt.connect(broker.url, options);
  // mqtt.js writes (and logs) the CONNECT packet within its constructor, so the log is wrapped
  // before a connect by hand. `manualConnect` is cleared afterwards: with it set, `end()` lets a
  // closed client reconnect.
  const client = mqtt.connect(broker.url, { ...options, manualConnect: true });
  const trace = client.log;
  client.log = (...args: unknown[]): void => trace(...args.map(withoutPassword));
  client.connect();
  client.options.manualConnect = false;
  return client;
}

/**
 * The mqtt.js options of one connection: `base` (client id, will, reconnect period) plus the
 * credentials, the TLS material and a silent mqtt.js log unless `DEBUG` is set. For wss:// the
 * TLS options also go to the websocket (`wsOptions`; mqtt.js would not pass `servername` there
 * itself).
 */
export function brokerOptions(broker: BrokerConnection, base: IClientOptions, env: NodeJS.ProcessEnv = process.env): IClientOptions {
  const opts: IClientOptions = { ...base };
  if (!env['DEBUG']) opts.log = quiet;
  if (broker.username !== undefined) opts.username = broker.username;
  if (broker.password !== undefined) opts.password = broker.password;
  const tls = broker.tls;
  if (tls === undefined) return opts;
  const secure = {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
  Object.assign(opts, secure);
  if (/^wss:/i.test(broker.url)) opts.wsOptions = { ...secure };
  return opts;
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/**
 * One line for a connection error; TLS failures say what is wrong and which setting fixes it
 * (OpenSSL's own text is long, multi-line and names source files).
 */
export function mqttErrorText(err: Error): string {
  // Node's errors carry a string code, mqtt.js' CONNACK refusals a number (5: not authorised).
  const raw: unknown = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const first = reason(err);
  if (UNTRUSTED.has(code)) return `TLS: the broker's certificate is not trusted (${first}): mqtt.tls.ca must name the CA that signed it`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `TLS: the broker's certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (check the broker's certificate and both clocks)`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `TLS: the broker's certificate is not for this host (${first}): use a host name of the certificate in mqtt.url, or set mqtt.tls.servername`;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return 'TLS: the broker requires a client certificate: set mqtt.tls.cert and mqtt.tls.key';
  if (code === 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' || code === 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE')
    return `TLS: the broker refused the client certificate (${code}): it must be signed by a CA the broker trusts (its cafile)`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
    return 'TLS: the broker does not speak TLS on this port (mqtts:// to a plain MQTT port?)';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `TLS: ${code}`;
  return first;
}
