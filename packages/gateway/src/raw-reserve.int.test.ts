/**
 * meters[].reserve: a meter's raw bytes shared read-only on a TCP port (issue 11, "Raw re-serve"),
 * with the real DSMR 5 telegram replayed by the gateway bundle and a real Mosquitto.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { FIXTURES, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { freePort, waitFor } from './test-support/ports';

jest.setTimeout(30000);

const TELEGRAM = join(FIXTURES, 'dsmr/v5-iskra-mt382.txt');
const METER = 'K8EG004046395507';

function reader(port: number): Promise<{ socket: Socket; bytes: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, bytes: () => Buffer.concat(chunks) }));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('error', reject);
  });
}

describe('raw re-serve (meters[].reserve)', () => {
  let broker: Mosquitto;
  let rec: MqttRecorder;
  let gw: GatewayProcess | undefined;
  beforeAll(async () => {
    broker = await startMosquitto();
    rec = await MqttRecorder.connect(broker.url, ['smi/#']);
  });
  afterAll(async () => {
    await gw?.stop();
    await rec.close();
    await broker.stop();
  });

  it('gives two readers every byte the meter sends, drops what they send, and decoding goes on', async () => {
    const port = await freePort();
    gw = runGateway({
      meters: [{ name: 'p1', protocol: 'dsmr', transport: { type: 'file', path: TELEGRAM, loop: true, intervalMs: 200 }, reserve: { port } }],
      mqtt: { url: broker.url, reconnectMs: 300 },
      web: { enabled: false },
    });
    const started = gw;
    await waitFor('the re-serve port', () => started.stderr().includes(`p1: raw bytes shared read-only on 127.0.0.1:${port}`), 15000);
    const a = await reader(port);
    const b = await reader(port);
    // a reader's bytes never reach the meter: a whole fake telegram with a bad CRC
    a.socket.write('/XXX5FAKE\r\n\r\n1-0:1.8.1(999999.999*kWh)\r\n!0000\r\n');
    const telegram = readFileSync(TELEGRAM);
    await waitFor('two whole telegrams at both readers', () => [a, b].every((r) => r.bytes().indexOf(telegram, r.bytes().indexOf(telegram) + 1) >= 0), 10000);
    a.socket.destroy();
    b.socket.destroy();
    const state = await rec.next(`smi/${METER}/state`, 0, () => true, 10000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426, power_import: 244 });
    // had the fake telegram reached the decoder, it would have been rejected (bad CRC) and said so
    expect(started.stderr()).not.toMatch(/rejected/);
    expect(rec.messages.some((m) => m.payload.includes('999999'))).toBe(false);
  });

  it('listens on this machine only unless told otherwise', async () => {
    const { validateConfig } = await import('./config/load');
    const r = validateConfig({ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, reserve: { port: 4001 } }] });
    expect(r).toMatchObject({ ok: true, config: { meters: [{ reserve: { port: 4001, host: '127.0.0.1' } }] } });
  });
});
