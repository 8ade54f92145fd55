import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { canConnect, mosquittoBinary } from './mosquitto';
import { freePort, waitFor } from './ports';

/**
 * A throw-away PKI made with openssl for one test file: a CA, a server certificate for
 * 127.0.0.1/localhost (subject alternative names) and a client certificate signed by it, plus
 * a second, unrelated CA (for "server not signed by the configured CA").
 */
export interface TestPki {
  readonly dir: string;
  readonly ca: string;
  readonly otherCa: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** The client key encrypted with `passphrase` (AES-256). */
  readonly clientKeyEncrypted: string;
  readonly passphrase: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

function makeLeaf(dir: string, name: string, ca: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  const serial = `0x${Math.floor(Math.random() * 2 ** 48).toString(16)}`;
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      serial,
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'smi-pki-'));
  makeCa(dir, 'smi-test-ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'server', 'smi-test-ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'client', 'smi-test-ca', 'extendedKeyUsage=clientAuth\n');
  const passphrase = 'correct horse battery staple';
  openssl(['pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${passphrase}`, '-out', 'client-encrypted.key'], dir);
  // Mosquitto started as root drops to its own user before it reads the certificates: these
  // throw-away test files must be readable by it.
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    ca: p('smi-test-ca.pem'),
    otherCa: p('other-ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    clientKeyEncrypted: p('client-encrypted.key'),
    passphrase,
  };
}

export interface TlsMosquitto {
  /** `mqtts://127.0.0.1:<port>` (TLS listener). */
  readonly url: string;
  /** `ws://127.0.0.1:<port>` (plain websockets listener). */
  readonly wsUrl: string;
  /** `wss://127.0.0.1:<port>` (websockets over TLS, same certificates). */
  readonly wssUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Mosquitto with three loopback listeners: MQTT over TLS, websockets and websockets over
 * TLS, all with the PKI's server certificate. `requireCertificate`: clients must present a
 * certificate signed by the PKI's CA (on the TLS listeners). Mosquitto 2.0 refuses to start with
 * websockets listeners only, so the TLS listener comes first.
 */
export async function startTlsMosquitto(pki: TestPki, requireCertificate: boolean): Promise<TlsMosquitto> {
  const [tls, ws, wss] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'smi-mosquitto-tls-'));
  const conf = join(dir, 'mosquitto.conf');
  const certs = `cafile ${pki.ca}\ncertfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\nrequire_certificate ${requireCertificate}\n`;
  writeFileSync(
    conf,
    `allow_anonymous true\npersistence false\n` +
      `listener ${tls} 127.0.0.1\n${certs}` +
      `listener ${ws} 127.0.0.1\nprotocol websockets\n` +
      `listener ${wss} 127.0.0.1\nprotocol websockets\n${certs}`,
  );
  const proc: ChildProcess = spawn(mosquittoBinary(), ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let ready = false;
  void (async () => {
    while (!ready && proc.exitCode === null) {
      ready = (await canConnect(tls)) && (await canConnect(ws)) && (await canConnect(wss));
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await waitFor(`TLS mosquitto on ports ${tls}/${ws}/${wss}`, () => ready || proc.exitCode !== null, 10000);
  if (!ready) throw new Error(`mosquitto exited: ${stderr}`);
  return {
    url: `mqtts://127.0.0.1:${tls}`,
    wsUrl: `ws://127.0.0.1:${ws}`,
    wssUrl: `wss://127.0.0.1:${wss}`,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export interface TlsMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A subscriber on the TLS listener (trusting the PKI's CA, presenting the client certificate). */
export class TlsSubscriber {
  readonly messages: TlsMessage[] = [];
  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  }

  static async connect(url: string, pki: TestPki, topics: string[]): Promise<TlsSubscriber> {
    const client = await mqtt.connectAsync(url, {
      reconnectPeriod: 0,
      clientId: `tls-recorder-${process.pid}-${Math.random().toString(16).slice(2)}`,
      ca: readFileSync(pki.ca),
      cert: readFileSync(pki.clientCert),
      key: readFileSync(pki.clientKey),
    });
    const s = new TlsSubscriber(client);
    await client.subscribeAsync(topics, { qos: 1 });
    return s;
  }

  async next(topic: string, predicate: (m: TlsMessage) => boolean = () => true, timeoutMs = 15000): Promise<TlsMessage> {
    return waitFor(`a message on ${topic}`, () => this.messages.find((m) => m.topic === topic && predicate(m)), timeoutMs);
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
