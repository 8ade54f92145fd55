import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder, D0MeterSimulator, hexToBytes, type MeterCommand } from '@smi/decoder';
import { createLogger } from '../log';
import { parseD0Readout } from '../simulators/d0';
import type { SerialOptions } from '../transports/serial';
import { Transport } from '../transports/transport';
import { AutoLineTransport } from './auto-line-transport';
import { formatLine, sameLine, type LineSetting } from './line-settings';

const FIXTURES = join(__dirname, '../../../decoder/fixtures');
const SML = Buffer.from(hexToBytes(readFileSync(join(FIXTURES, 'sml/smartmeter-obis-emh-ehz.hex'), 'latin1')) as Uint8Array);
const MT174 = parseD0Readout(readFileSync(join(FIXTURES, 'd0/smartmeter-obis-iskra-mt174.txt')));

/** A meter behind a fake serial port: bytes get through only at the meter's own line setting. */
class FakeMeterLine {
  readonly opened: string[] = [];
  current: FakePort | undefined;
  constructor(
    readonly line: LineSetting,
    readonly d0?: D0MeterSimulator,
  ) {}
  open = (o: SerialOptions): Transport => {
    this.opened.push(formatLine(o));
    const port = new FakePort(this, o);
    this.current = port;
    return port;
  };
  /** The meter sends (push meters call this on their own clock). */
  send(bytes: Uint8Array): void {
    const p = this.current;
    if (p?.isOpen && sameLine(p.options, this.line)) p.emit('data', Buffer.from(bytes));
  }
}

class FakePort extends Transport {
  isOpen = false;
  constructor(
    private readonly meter: FakeMeterLine,
    readonly options: SerialOptions,
  ) {
    super();
  }
  get description(): string {
    return `fake ${formatLine(this.options)}`;
  }
  start(): void {
    setTimeout(() => {
      this.isOpen = true;
      this.emit('state', 'open');
    }, 5);
  }
  async stop(): Promise<void> {
    this.isOpen = false;
    this.emit('state', 'closed');
  }
  override async write(bytes: Uint8Array): Promise<void> {
    const d0 = this.meter.d0;
    if (!d0 || !sameLine(this.options, this.meter.line)) return;
    let at = 0;
    for (const c of d0.receive(bytes) as MeterCommand[]) {
      if (c.type === 'wait') at += c.ms;
      if (c.type === 'send') {
        const b = c.bytes;
        setTimeout(() => this.meter.send(b), at);
      }
    }
  }
  override async setBaudRate(): Promise<void> {}
}

const CONFIGURED: SerialOptions = { port: '/dev/ttyX', baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };

function setup(meter: FakeMeterLine) {
  const logs: string[] = [];
  const t = new AutoLineTransport(
    CONFIGURED,
    createLogger('debug', [], (l) => logs.push(l.replace(/^\S+ /, ''))),
    'm1',
    { listenMs: 1000, open: meter.open },
  );
  const data: Buffer[] = [];
  t.on('data', (c) => data.push(c));
  const decoded = (): string[] => {
    const d = createDecoder('auto');
    if (!d.ok) return [];
    return data.flatMap((c) => d.value.push(c)).map((e) => (e.ok ? `${e.snapshot.protocol} ${e.snapshot.meter.id}` : e.error.kind));
  };
  return { t, logs, data, decoded };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('AutoLineTransport (protocol auto on a serial port)', () => {
  it('stays at the configured setting when the meter speaks there', async () => {
    const meter = new FakeMeterLine(CONFIGURED);
    const s = setup(meter);
    s.t.start();
    await jest.advanceTimersByTimeAsync(100);
    meter.send(SML);
    await jest.advanceTimersByTimeAsync(100);
    expect(meter.opened).toEqual(['115200 8N1']);
    expect(s.decoded()).toEqual(['sml 0901454D48000041F045']);
    meter.send(SML);
    expect(s.decoded()).toEqual(['sml 0901454D48000041F045', 'sml 0901454D48000041F045']);
    expect(s.logs.some((l) => l.startsWith('WARN'))).toBe(false);
    await s.t.stop();
  });

  it('tries the other settings in turn, logs each step and passes on nothing until one decodes', async () => {
    const line: LineSetting = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
    const meter = new FakeMeterLine(line);
    const s = setup(meter);
    const push = setInterval(() => meter.send(SML), 400);
    s.t.start();
    await jest.advanceTimersByTimeAsync(10000);
    clearInterval(push);
    expect(meter.opened).toEqual(['115200 8N1', '300 7E1', '9600 8N1']);
    expect(s.t.line).toEqual(line);
    expect(s.t.description).toBe('serial /dev/ttyX 9600 8N1');
    expect(s.decoded().every((x) => x === 'sml 0901454D48000041F045')).toBe(true);
    expect(s.decoded().length).toBeGreaterThan(3);
    const steps = s.logs.filter((l) => l.includes('auto-detect'));
    expect(steps[0]).toBe('INFO  m1: auto-detect: listening at 115200 8N1 (configured) for 1 s');
    expect(steps.some((l) => l.startsWith('INFO  m1: auto-detect: 115200 8N1: nothing decoded (0 bytes received); trying 300 7E1'))).toBe(true);
    expect(steps.some((l) => l.startsWith('INFO  m1: auto-detect: 300 7E1: no answer to /?!; nothing decoded'))).toBe(true);
    expect(steps.some((l) => l.startsWith('INFO  m1: auto-detect: 9600 8N1: sml: meter 0901454D48000041F045'))).toBe(true);
    expect(s.logs).toContain(
      'WARN  m1: the meter speaks at 9600 8N1, not at the configured setting; put baudRate: 9600, dataBits: 8, parity: none, stopBits: 1 into the transport',
    );
    await s.t.stop();
  });

  it('finds a meter that must be asked at 300 7E1, passes its readout on once and says how to configure it', async () => {
    const d0 = new D0MeterSimulator({ manufacturerId: MT174.manufacturerId, ident: MT174.ident, mode: 'C', data: MT174.data, reactionMs: 20 });
    const meter = new FakeMeterLine({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 }, d0);
    const s = setup(meter);
    s.t.start();
    await jest.advanceTimersByTimeAsync(5000);
    expect(meter.opened).toEqual(['115200 8N1', '300 7E1']);
    expect(s.decoded()).toEqual(['iec62056-21 63355730']);
    expect(s.logs.some((l) => l.startsWith('WARN  m1: an IEC 62056-21 meter answered'))).toBe(true);
    await s.t.stop();
  });

  it('goes round again when nothing answers anywhere, warning once', async () => {
    const meter = new FakeMeterLine({ baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 });
    const s = setup(meter);
    s.t.start();
    await jest.advanceTimersByTimeAsync(20000);
    expect(meter.opened.slice(0, 7)).toEqual(['115200 8N1', '300 7E1', '9600 8N1', '9600 7E1', '2400 8E1', '2400 7E1', '115200 8N1']);
    expect(s.logs.filter((l) => l.includes('no meter recognised at any line setting'))).toHaveLength(1);
    expect(s.data).toEqual([]);
    await s.t.stop();
    const n = meter.opened.length;
    await jest.advanceTimersByTimeAsync(20000);
    expect(meter.opened).toHaveLength(n);
  });
});
