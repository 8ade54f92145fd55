/** External brokers over TLS (mqtts://, wss://) and websockets, against a real Mosquitto with a CA made here. */
import { join } from 'node:path';
import { FIXTURES, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { makeTestPki, startTlsMosquitto, TlsSubscriber, type TestPki, type TlsMosquitto } from './test-support/mosquitto-tls';
import { waitFor } from './test-support/ports';

jest.setTimeout(60000);

const METER = 'K8EG004046395507';
const PREFIX = 'homeassistant';

/** A gateway replaying a DSMR 5 telegram every 300 ms to `mqtt` under its own base topic. */
function gatewayConfig(baseTopic: string, mqtt: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    meters: [{ protocol: 'dsmr', transport: { type: 'file', path: join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'), loop: true, intervalMs: 300 } }],
    mqtt: { baseTopic, reconnectMs: 300, ...mqtt },
    web: { enabled: false },
    ...extra,
  };
}

const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

describe('TLS brokers', () => {
  let pki: TestPki;
  let broker: TlsMosquitto;
  let certBroker: TlsMosquitto;
  let sub: TlsSubscriber;
  let certSub: TlsSubscriber;
  let gw: GatewayProcess | undefined;

  beforeAll(async () => {
    pki = makeTestPki();
    broker = await startTlsMosquitto(pki, false);
    certBroker = await startTlsMosquitto(pki, true);
    sub = await TlsSubscriber.connect(broker.url, pki, ['#']);
    certSub = await TlsSubscriber.connect(certBroker.url, pki, ['#']);
  });
  afterEach(async () => {
    await gw?.kill();
    gw = undefined;
  });
  afterAll(async () => {
    await sub?.close();
    await certSub?.close();
    await broker?.stop();
    await certBroker?.stop();
  });

  it('publishes discovery, state and Homie over mqtts:// trusting the configured CA', async () => {
    gw = runGateway(gatewayConfig('tls', { url: broker.url, tls: { ca: pki.ca } }, { homie: { enabled: true } }));
    const state = await sub.next(`tls/${METER}/state`);
    expect(state.retain).toBe(false); // delivered live by this broker, not an old retained copy
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426, energy_export_tariff_1: 2.444, power_import: 244, equipment_id: METER });
    const config = await sub.next(`${PREFIX}/sensor/smi_${METER}/energy_import_tariff_1/config`);
    expect(JSON.parse(config.payload)).toMatchObject({
      unique_id: `smi_${METER}_energy_import_tariff_1_tls`,
      state_topic: `tls/${METER}/state`,
      unit_of_measurement: 'kWh',
    });
    expect((await sub.next('tls/gateway/availability')).payload).toBe('online');
    expect((await sub.next(`homie/${METER.toLowerCase()}/$state`, (m) => m.payload === 'ready')).payload).toBe('ready');
    expect(gw.stderr()).toMatch(/INFO  MQTT: connected to mqtts:\/\/127\.0\.0\.1:\d+/);
    expect(gw.stderr()).not.toMatch(/WARN/);
    expect(await gw.stop()).toBe(0);
  });

  it('refuses a broker whose certificate another CA signed: clear TLS error, keeps retrying, ends on SIGTERM', async () => {
    gw = runGateway(gatewayConfig('untrusted', { url: broker.url, tls: { ca: pki.otherCa } }, { logLevel: 'debug' }));
    const started = gw;
    await waitFor('three connection attempts', () => count(started.stderr(), /MQTT: reconnecting to mqtts:/) >= 3, 15000);
    expect(started.stderr()).toMatch(
      /WARN  MQTT: TLS: the broker's certificate is not trusted \(self-signed certificate in certificate chain\): mqtt\.tls\.ca must name the CA that signed it\n/,
    );
    expect(started.proc.exitCode).toBeNull();
    expect(started.stderr()).not.toMatch(/MQTT: connected/);
    expect(sub.messages.filter((m) => m.topic.startsWith('untrusted/'))).toEqual([]);
    expect(await started.stop()).toBe(0);
  });

  it('presents the client certificate (encrypted key and passphrase) to a broker that requires one', async () => {
    gw = runGateway(
      gatewayConfig('client', { url: certBroker.url, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: pki.passphrase } }),
    );
    const state = await certSub.next(`client/${METER}/state`);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426 });
    expect(gw.output()).not.toContain(pki.passphrase);
    expect(await gw.stop()).toBe(0);
  });

  it('says so when the broker requires a client certificate and none is configured', async () => {
    gw = runGateway(gatewayConfig('nocert', { url: certBroker.url, tls: { ca: pki.ca } }));
    const started = gw;
    await waitFor(
      'the TLS error',
      () => started.stderr().includes('WARN  MQTT: TLS: the broker requires a client certificate: set mqtt.tls.cert and mqtt.tls.key'),
      15000,
    );
    expect(certSub.messages.filter((m) => m.topic.startsWith('nocert/'))).toEqual([]);
    expect(await started.stop()).toBe(0);
  });

  it('connects without checking the certificate when rejectUnauthorized is false, with a warning', async () => {
    gw = runGateway(gatewayConfig('unchecked', { url: broker.url, tls: { rejectUnauthorized: false } }));
    const state = await sub.next(`unchecked/${METER}/state`);
    expect(JSON.parse(state.payload)).toMatchObject({ power_import: 244 });
    expect(count(gw.stderr(), /WARN  MQTT: mqtt\.tls\.rejectUnauthorized is false: the broker's certificate is NOT checked/)).toBe(1);
    expect(await gw.stop()).toBe(0);
  });

  it('publishes over ws:// and over wss:// with the configured CA', async () => {
    gw = runGateway(gatewayConfig('ws', { url: broker.wsUrl }));
    expect(JSON.parse((await sub.next(`ws/${METER}/state`)).payload)).toMatchObject({ energy_import_tariff_2: 2.399 });
    expect(await gw.stop()).toBe(0);
    gw = runGateway(gatewayConfig('wss', { url: broker.wssUrl, tls: { ca: pki.ca } }));
    expect(JSON.parse((await sub.next(`wss/${METER}/state`)).payload)).toMatchObject({ energy_import_tariff_2: 2.399 });
    expect(await gw.stop()).toBe(0);
  });

  it('stops at start with one line naming a TLS file that cannot be read (exit code 2)', async () => {
    const missing = join(pki.dir, 'missing-ca.pem');
    gw = runGateway(gatewayConfig('missing', { url: broker.url, tls: { ca: missing } }));
    expect(await gw.exited()).toBe(2);
    expect(gw.stderr()).toContain(`smi: cannot start: mqtt.tls.ca: cannot read ${missing} (ENOENT)\n`);
  });
});
