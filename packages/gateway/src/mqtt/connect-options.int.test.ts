/**
 * `connectMqtt` against a real Mosquitto: with `DEBUG` set the client is connected by hand (to
 * wrap mqtt.js's trace before the CONNECT packet is logged); it must still connect, publish and,
 * once ended, stay ended like a client connected the usual way. (`manualConnect` left set made a
 * stopped gateway's client reconnect in one CI run, from a broker test; these cases did not
 * reproduce that, so the fix rests on clearing the option, after which `end()` runs mqtt.js's
 * usual path.)
 */
import { startMosquitto, type Mosquitto } from '../test-support/mosquitto';
import { freePort } from '../test-support/ports';
import { connectMqtt } from './connect-options';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto(undefined, { users: { smi: 'pw-connect-test' } });
});
afterAll(async () => {
  await broker.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['without DEBUG', {}],
  ['with DEBUG (trace wrapped)', { DEBUG: 'mqttjs-none-such' }],
])('connectMqtt %s', (_name, env: NodeJS.ProcessEnv) => {
  it('connects with the credentials, publishes, and does not reconnect after end()', async () => {
    const client = connectMqtt(
      { url: broker.url, username: 'smi', password: 'pw-connect-test' },
      { reconnectPeriod: 100, clientId: `t-${Math.random()}` },
      env,
    );
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.publishAsync('t/connect-options', 'x', { qos: 1 });
    let reconnects = 0;
    client.on('reconnect', () => reconnects++);
    await client.endAsync();
    await sleep(600); // six reconnect periods
    expect(reconnects).toBe(0);
    expect(client.connected).toBe(false);
    expect(client.disconnected).toBe(true);
  });

  it('stops retrying an unreachable broker after end()', async () => {
    const client = connectMqtt({ url: `mqtt://127.0.0.1:${await freePort()}` }, { reconnectPeriod: 100, clientId: `t-${Math.random()}` }, env);
    client.on('error', () => undefined);
    let reconnects = 0;
    client.on('reconnect', () => reconnects++);
    await sleep(350);
    expect(reconnects).toBeGreaterThan(0); // it was retrying
    await client.endAsync();
    const ended = reconnects;
    await sleep(600);
    expect(reconnects).toBe(ended);
  });
});
