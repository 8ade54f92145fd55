/** Byte sources against real peers: a TCP bridge that drops the connection, a file, a pty. */
import { createServer, type Server, type Socket } from 'node:net';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import { FIXTURES } from '../test-support/gateway-process';
import { waitFor } from '../test-support/ports';
import { startPtyPair } from '../test-support/socat';
import { ReplayTransport, readRecording } from './replay';
import { SerialTransport } from './serial';
import { TcpTransport } from './tcp';
import type { Transport } from './transport';

jest.setTimeout(20000);
const V5 = readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'));

/** Collects decoded meter ids from a transport through the real DSMR stream decoder. */
function decodeFrom(t: Transport): string[] {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  const ids: string[] = [];
  t.on('data', (chunk) => {
    for (const e of d.value.push(chunk)) if (e.ok) ids.push(e.snapshot.meter.id);
  });
  return ids;
}

describe('TCP transport (ser2net-style bridge)', () => {
  let server: Server;
  const sockets: Socket[] = [];
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('receives telegrams in pieces and reconnects after the bridge drops the connection', async () => {
    let connections = 0;
    server = createServer((s) => {
      connections++;
      sockets.push(s);
      // the bridge forwards the meter's bytes in arbitrary pieces
      s.write(V5.subarray(0, 100));
      setTimeout(() => s.write(V5.subarray(100)), 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const t = new TcpTransport('127.0.0.1', port);
    const ids = decodeFrom(t);
    const problems: string[] = [];
    t.on('problem', (m) => problems.push(m));
    t.start();
    await waitFor('first telegram', () => ids.length === 1);
    sockets[0]?.destroy(); // bridge restarts
    await waitFor('second telegram after reconnect', () => ids.length === 2, 8000);
    expect(connections).toBe(2);
    expect(ids).toEqual(['K8EG004046395507', 'K8EG004046395507']);
    expect(problems.some((p) => p.includes('retrying'))).toBe(true);
    await t.stop();
  });

  it('keeps retrying while nothing listens', async () => {
    const t = new TcpTransport('127.0.0.1', 1); // nothing listens on port 1
    const problems: string[] = [];
    t.on('problem', (m) => problems.push(m));
    t.start();
    await waitFor('a retry', () => problems.some((p) => p.includes('retrying in 1 s')), 5000);
    await t.stop();
  });
});

describe('file replay', () => {
  it('replays raw and hex recordings, once or in a loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-replay-'));
    const hexFile = join(dir, 'v5.hex');
    writeFileSync(hexFile, V5.toString('hex').replace(/(.{32})/g, '$1\n'));
    expect(readRecording(hexFile, true).equals(V5)).toBe(true);
    const once = new ReplayTransport('file', [readRecording(hexFile, true)], 10, false);
    const ids = decodeFrom(once);
    let ended = false;
    once.on('end', () => (ended = true));
    once.start();
    await waitFor('end of file', () => ended);
    expect(ids).toHaveLength(1);
    const loop = new ReplayTransport('file', [V5], 10, true);
    const looped = decodeFrom(loop);
    loop.start();
    await waitFor('three repetitions', () => looped.length >= 3);
    await loop.stop();
  });

  it('refuses a file that is not hex text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-replay-'));
    writeFileSync(join(dir, 'x.hex'), 'not hex');
    expect(() => readRecording(join(dir, 'x.hex'), true)).toThrow(/not hex text/);
  });
});

describe('serial transport over a socat pty pair', () => {
  it('reads telegrams and retries while the port is missing', async () => {
    const pty = await startPtyPair();
    try {
      const missing = new SerialTransport({ port: '/dev/does-not-exist', baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });
      const problems: string[] = [];
      missing.on('problem', (m) => problems.push(m));
      missing.start();
      await waitFor('retry message', () => problems.some((p) => p.includes('cannot open /dev/does-not-exist') && p.includes('retrying')));
      await missing.stop();

      const t = new SerialTransport({ port: pty.gatewaySide, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });
      const ids = decodeFrom(t);
      let open = false;
      t.on('state', (s) => (open = open || s === 'open'));
      t.start();
      await waitFor('port open', () => open);
      const fd = openSync(pty.meterSide, 'w');
      writeSync(fd, V5);
      closeSync(fd);
      await waitFor('telegram', () => ids.length === 1);
      await t.stop();
    } finally {
      await pty.stop();
    }
  });
});
