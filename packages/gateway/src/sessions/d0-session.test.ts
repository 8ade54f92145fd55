import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { D0MeterSimulator, type FrameEvent, type MeterCommand, type MeterSimulatorOptions } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { silentLogger } from '../log';
import type { SessionIo } from '../session';
import { parseD0Readout } from '../simulators/d0';
import { D0RequestSession, type D0RequestOptions } from './d0-session';

const FIXTURES = join(__dirname, '../../../decoder/fixtures/d0');
// The real Iskra MT174 readout (its identification /ISk5MT174-0001 and data block).
const MT174 = parseD0Readout(readFileSync(join(FIXTURES, 'smartmeter-obis-iskra-mt174.txt')));

interface LineOptions {
  /** The port can switch baud (false: a TCP bridge). */
  readonly switchable?: boolean;
  /** The optical head echoes what the gateway sends. */
  readonly echo?: boolean;
  /** The meter hands its bytes over in chunks of this size, `gapMs` apart (a slow line). */
  readonly chunk?: number;
  readonly gapMs?: number;
  /** Alters what the meter sends (a corrupted block). */
  readonly tamper?: (bytes: Uint8Array) => Uint8Array;
}

/**
 * A serial line on jest's fake clock between the session under test and the pure meter
 * simulator. Like a UART, bytes sent at one baud rate are lost at the other end when it listens
 * at another rate.
 */
function line(meterOptions: Partial<MeterSimulatorOptions>, sessionOptions: Partial<D0RequestOptions> = {}, o: LineOptions = {}) {
  const meter = new D0MeterSimulator({ manufacturerId: MT174.manufacturerId, ident: MT174.ident, mode: 'C', data: MT174.data, ...meterOptions });
  const session = new D0RequestSession({ label: 'test', address: '', wakeUp: false, readoutIntervalMs: 30000, maxBaudRate: 9600, ...sessionOptions });
  const state = { gatewayBaud: sessionOptions.lineBaud ?? 300, meterBaud: 300, lost: 0 };
  const bauds: number[] = [];
  const pushed: FrameEvent[] = [];
  const emitted: FrameEvent[] = [];
  const written: string[] = [];
  let meterChain: Promise<void> = Promise.resolve();
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const toGateway = async (bytes: Uint8Array, baud: number): Promise<void> => {
    const size = o.chunk ?? bytes.length;
    for (let i = 0; i < bytes.length; i += size) {
      if (i > 0 && o.gapMs) await sleep(o.gapMs);
      if (baud !== state.gatewayBaud) state.lost += Math.min(size, bytes.length - i);
      else pushed.push(...session.push(bytes.subarray(i, i + size)));
    }
  };
  const runMeter = (commands: readonly MeterCommand[]): void => {
    meterChain = meterChain.then(async () => {
      for (const c of commands) {
        if (c.type === 'wait') await sleep(c.ms);
        else if (c.type === 'set-baud') {
          await sleep(c.afterMs);
          state.meterBaud = c.baud;
        } else if (c.type === 'send') await toGateway(o.tamper ? o.tamper(c.bytes) : c.bytes, state.meterBaud);
      }
    });
  };
  const io: SessionIo = {
    write: async (bytes) => {
      written.push(Buffer.from(bytes).toString('latin1'));
      const baud = state.gatewayBaud;
      if (o.echo) queueMicrotask(() => void toGateway(bytes, baud));
      if (baud === state.meterBaud) runMeter(meter.receive(bytes));
      else state.lost += bytes.length;
    },
    setBaudRate:
      o.switchable === false
        ? undefined
        : async (b) => {
            state.gatewayBaud = b;
            bauds.push(b);
          },
    log: silentLogger,
    emit: (events) => emitted.push(...events),
  };
  const snapshots = (): MeterSnapshot[] => [...pushed, ...emitted].filter((e): e is Extract<FrameEvent, { ok: true }> => e.ok).map((e) => e.snapshot);
  const errors = (): string[] => [...pushed, ...emitted].filter((e): e is Extract<FrameEvent, { ok: false }> => !e.ok).map((e) => e.error.kind);
  return { session, io, state, bauds, pushed, emitted, written, snapshots, errors };
}

const value = (s: MeterSnapshot | undefined, key: string): unknown => s?.readings.find((r) => r.key === key)?.value;

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('D0RequestSession against the simulated meter', () => {
  it('mode C: reads the MT174 readout after switching 300 → 9600 Bd, and starts the next one at 300', async () => {
    const l = line({ mode: 'C', maxBaud: 9600 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(20000);
    expect(l.written[0]).toBe('/?!\r\n');
    expect(l.written[1]).toBe('\x06050\r\n'); // option select: normal protocol, 9600 Bd, readout
    expect(l.snapshots()).toHaveLength(1);
    const s = l.snapshots()[0];
    expect(s?.meter).toMatchObject({ id: '63355730', manufacturerId: 'ISk', model: 'MT174-0001' });
    expect(value(s, 'energy_import_total')).toBe(8048.375);
    expect(value(s, 'demand_peak_month')).toBe(2468);
    expect(value(s, 'energy_import_tariff_1_f7')).toBe(6334.294);
    expect(l.bauds).toEqual([9600]);
    expect(l.session.baudRate).toBe(9600);
    expect(l.state.lost).toBe(0);
    expect(l.errors()).toEqual([]);

    await jest.advanceTimersByTimeAsync(30000);
    expect(l.bauds).toEqual([9600, 300, 9600]);
    expect(l.snapshots()).toHaveLength(2);
    l.session.stop();
  });

  it('mode A: the readout at 300 Bd, no switch', async () => {
    const l = line({ mode: 'A' });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.snapshots().map((s) => s.meter.id)).toEqual(['63355730']);
    expect(l.bauds).toEqual([]);
    l.session.stop();
  });

  it('mode B: both switch to the rate the identification announces', async () => {
    const l = line({ mode: 'B', maxBaud: 4800 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.snapshots()).toHaveLength(1);
    expect(l.bauds).toEqual([4800]);
    l.session.stop();
  });

  it('mode E (escape \\2) is read in readout mode like mode C', async () => {
    const l = line({ mode: 'E', escape: '2' });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.written[1]).toBe('\x06050\r\n');
    expect(l.snapshots()).toHaveLength(1);
    expect(l.errors()).toEqual([]);
    l.session.stop();
  });

  it('caps the switch at maxBaudRate', async () => {
    const l = line({ mode: 'C', maxBaud: 19200 }, { maxBaudRate: 2400 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(15000);
    expect(l.written[1]).toBe('\x06030\r\n');
    expect(l.bauds).toEqual([2400]);
    expect(l.snapshots()).toHaveLength(1);
    l.session.stop();
  });

  it('on a transport without baud switching (TCP) asks the meter to stay at 300 Bd', async () => {
    const l = line({ mode: 'C' }, {}, { switchable: false });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.written[1]).toBe('\x06000\r\n');
    expect(l.snapshots()).toHaveLength(1);
    l.session.stop();
  });

  it('switches a port opened at another rate to 300 Bd before the first request', async () => {
    const l = line({ mode: 'C' }, { lineBaud: 115200 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.bauds).toEqual([300, 9600]);
    expect(l.snapshots()).toHaveLength(1);
    l.session.stop();
  });

  it("after the line reopens (at the transport's speed) it switches to 300 Bd again", async () => {
    const l = line({ mode: 'A' }, { lineBaud: 115200 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    l.session.stop();
    l.state.gatewayBaud = 115200; // the transport opened the port again
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.bauds).toEqual([300, 300]);
    expect(l.snapshots()).toHaveLength(2);
    l.session.stop();
  });

  it('sends the device address; a meter with another address stays silent → truncated, counted via emit', async () => {
    const ok = line({ address: '63355730' }, { address: '63355730' });
    ok.session.start(ok.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(ok.written[0]).toBe('/?63355730!\r\n');
    expect(ok.snapshots()).toHaveLength(1);
    ok.session.stop();

    const other = line({ address: '63355730' }, { address: '11111111', readoutIntervalMs: 10000 });
    other.session.start(other.io);
    await jest.advanceTimersByTimeAsync(25000);
    expect(other.snapshots()).toHaveLength(0);
    expect(other.emitted.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['truncated', 'truncated', 'truncated']);
    other.session.stop();
  });

  it('wakes a battery meter with the NUL train only when configured', async () => {
    const asleep = line({ wakeUpNuls: 30 });
    asleep.session.start(asleep.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(asleep.errors()).toEqual(['truncated']);
    asleep.session.stop();

    const woken = line({ wakeUpNuls: 30 }, { wakeUp: true });
    woken.session.start(woken.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(woken.written[0]).toBe('\0'.repeat(40));
    expect(woken.snapshots()).toHaveLength(1);
    woken.session.stop();
  });

  it('ignores the echo of an optical head', async () => {
    const l = line({ mode: 'C' }, {}, { echo: true });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.snapshots()).toHaveLength(1);
    expect(l.errors()).toEqual([]);
    l.session.stop();
  });

  it('restarts the silence timer on every byte: a slow readout longer than the timeout still completes', async () => {
    // 64-byte chunks 1 s apart: ~150 s for the whole block, far beyond the 1.8 s data timeout.
    const l = line({ mode: 'C' }, { readoutIntervalMs: 600000 }, { chunk: 64, gapMs: 1000 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(200000);
    expect(l.errors()).toEqual([]);
    expect(l.snapshots().map((s) => value(s, 'energy_import_total'))).toEqual([8048.375]);
    l.session.stop();
  });

  it('line noise does not keep the wait for the identification open for ever', async () => {
    const l = line({ address: '1' }, { address: '2', readoutIntervalMs: 600000 });
    l.session.start(l.io);
    const noise = setInterval(() => l.pushed.push(...l.session.push(Uint8Array.of(0x55, 0xaa))), 100);
    await jest.advanceTimersByTimeAsync(10000);
    clearInterval(noise);
    expect(l.errors()).toEqual(['truncated']);
    l.session.stop();
  });

  it('does not interrupt a readout that outlasts the interval; the due readout is skipped', async () => {
    // ~150 s readout, interval 20 s: one request, one readout, then the schedule goes on
    const l = line({ mode: 'C' }, { readoutIntervalMs: 20000 }, { chunk: 64, gapMs: 1000 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(155000);
    expect(l.written.filter((w) => w.startsWith('/?'))).toHaveLength(1);
    expect(l.snapshots()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.written.filter((w) => w.startsWith('/?'))).toHaveLength(2);
    l.session.stop();
  });

  it('rejects a readout with a wrong BCC as bad-crc', async () => {
    const flipBcc = (b: Uint8Array): Uint8Array => {
      if (b[0] !== 0x02) return b;
      const c = b.slice();
      c[c.length - 1] = (c[c.length - 1] as number) ^ 0x7f;
      return c;
    };
    const l = line({ mode: 'C' }, {}, { tamper: flipBcc });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(10000);
    expect(l.snapshots()).toHaveLength(0);
    expect(l.errors()).toEqual(['bad-crc']);
    l.session.stop();
  });

  it('stop() cancels the schedule: nothing is written afterwards', async () => {
    const l = line({ mode: 'C' }, { readoutIntervalMs: 5000 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(100);
    l.session.stop();
    const n = l.written.length;
    await jest.advanceTimersByTimeAsync(60000);
    expect(l.written).toHaveLength(n);
    expect(l.emitted).toEqual([]);
  });

  it('counts bytes that arrive outside a readout as discarded', () => {
    const l = line({ mode: 'C' });
    expect(l.session.push(Uint8Array.of(1, 2, 3))).toEqual([]);
    expect(l.session.discardedBytes).toBe(3);
  });
});
