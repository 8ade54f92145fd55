import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import { createBrokerAuth, filterMatches, REFUSED_TOPIC, REFUSED_WARN_INTERVAL_MS } from './broker-auth';
import { createLogger } from './log';

const client = (id: string): Client => ({ id }) as unknown as Client;
const packet = (topic: string, retain = true): PublishPacket => ({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 1, retain, dup: false });

function setup() {
  const lines: string[] = [];
  let t = 1_000_000;
  const auth = createBrokerAuth({
    users: [{ username: 'smi', password: 'generated-secret-1' }],
    statusTopic: 'homeassistant/status',
    log: createLogger('debug', [], (l) => lines.push(l)),
    now: () => t,
  });
  const connect = (c: Client, username?: string, password?: string) =>
    new Promise<{ err: AuthenticateError | null; ok: boolean | null }>((resolve) =>
      auth.hooks.authenticate(c, username, password === undefined ? undefined : Buffer.from(password), (err, ok) => resolve({ err, ok })),
    );
  const publish = (c: Client | null, p: PublishPacket) =>
    new Promise<PublishPacket>((resolve, reject) => auth.hooks.authorizePublish(c, p, (err) => (err ? reject(err) : resolve(p))));
  return { auth, lines, connect, publish, advance: (ms: number) => (t += ms) };
}

describe('createBrokerAuth', () => {
  it('lets anonymous clients connect and refuses a wrong password with return code 4', async () => {
    const s = setup();
    expect(await s.connect(client('ha'))).toEqual({ err: null, ok: true });
    expect(await s.connect(client('x'), 'smi', 'generated-secret-1')).toEqual({ err: null, ok: true });
    const wrong = await s.connect(client('y'), 'smi', 'generated-secret-2');
    expect(wrong.err?.returnCode).toBe(4);
    expect((await s.connect(client('z'), undefined, 'generated-secret-1')).err?.returnCode).toBe(4);
    expect(s.lines.join('\n')).not.toContain('generated-secret');
  });

  it('rewrites a refused publish to the drop topic, unretained and empty, and lets allowed ones pass untouched', async () => {
    const s = setup();
    const anon = client('anon');
    const gw = client('gw');
    await s.connect(anon);
    await s.connect(gw, 'smi', 'generated-secret-1');
    const refused = await s.publish(anon, packet('homeassistant/switch/door/config'));
    expect(refused).toMatchObject({ topic: REFUSED_TOPIC, retain: false, payload: Buffer.alloc(0) });
    expect(await s.publish(anon, packet('homeassistant/status', false))).toMatchObject({ topic: 'homeassistant/status', payload: Buffer.from('x') });
    expect(await s.publish(gw, packet('homeassistant/sensor/x/config'))).toMatchObject({ topic: 'homeassistant/sensor/x/config', retain: true });
    expect((await s.publish(gw, packet('$SYS/broker/uptime'))).topic).toBe(REFUSED_TOPIC);
    expect((await s.publish(null, packet('smi/gateway/availability'))).topic).toBe(REFUSED_TOPIC); // a will without client
    expect(s.auth.refusedPublishes()).toBe(3);
    // aedes' packet type comes from another mqtt-packet version than mqtt.js' (subscriptionIdentifier differs)
    const forwarded = { ...packet(REFUSED_TOPIC), brokerId: 'b', brokerCounter: 1 } as unknown as Parameters<typeof s.auth.hooks.authorizeForward>[1];
    expect(s.auth.hooks.authorizeForward(gw, forwarded)).toBeNull();
  });

  it('warns at most once per minute, with the number refused since the last warning', async () => {
    const s = setup();
    const anon = client('anon');
    const warnings = () => s.lines.filter((l) => l.includes('WARN '));
    await s.publish(anon, packet('smi/a'));
    await s.publish(anon, packet('smi/b'));
    s.advance(REFUSED_WARN_INTERVAL_MS - 1);
    await s.publish(anon, packet('smi/c'));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('refused 1 publish so far');
    s.advance(1);
    await s.publish(anon, packet('smi/d'));
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toContain('refused 3 publishes in the last minute (last: "smi/d"');
    expect(s.lines.filter((l) => l.includes('DEBUG'))).toHaveLength(4);
  });
});

describe('filterMatches', () => {
  it.each([
    ['#', 'smi/a', true],
    ['#', '$SYS/smi/refused', false],
    ['+/smi/refused', '$SYS/smi/refused', false],
    ['$SYS/#', '$SYS/smi/refused', true],
    ['$SYS/+/refused', '$SYS/smi/refused', true],
    ['$SYS/smi', '$SYS/smi/refused', false],
    ['$SYS/smi/refused/#', '$SYS/smi/refused', true],
    ['$SYS/+/heartbeat', '$SYS/smi/refused', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });
});
