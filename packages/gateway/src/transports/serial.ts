import { SerialPort } from 'serialport';
import { Backoff, Transport } from './transport';

export interface SerialOptions {
  readonly port: string;
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

/** A serial port (optical head, P1 cable, RS-485/M-Bus level converter); reopens when unplugged. */
export class SerialTransport extends Transport {
  private port: SerialPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff = new Backoff();

  constructor(private readonly options: SerialOptions) {
    super();
  }

  get description(): string {
    const o = this.options;
    return `serial ${o.port} ${o.baudRate} ${o.dataBits}${o.parity[0]?.toUpperCase()}${o.stopBits}`;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    this.emit('state', 'connecting');
    const o = this.options;
    const port = new SerialPort({ path: o.port, baudRate: o.baudRate, dataBits: o.dataBits, parity: o.parity, stopBits: o.stopBits, autoOpen: false });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('close', () => {
      this.emit('state', 'closed');
      this.retry(`${o.port} closed`);
    });
    port.on('error', (err: Error) => this.emit('problem', `${o.port}: ${err.message}`));
    port.open((err) => {
      if (err) {
        this.retry(`cannot open ${o.port}: ${err.message}`);
        return;
      }
      this.backoff.reset();
      this.emit('state', 'open');
    });
  }

  private retry(reason: string): void {
    if (this.stopped || this.timer) return;
    const ms = this.backoff.next();
    this.emit('problem', `${reason}; retrying in ${ms / 1000} s`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.open();
    }, ms);
  }

  /** Changes the line speed of the open port (IEC 62056-21 baud switch). */
  override async setBaudRate(baudRate: number): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve, reject) => port.update({ baudRate }, (err) => (err ? reject(err) : resolve())));
  }

  override async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new Error(`${this.options.port} is not open`);
    await new Promise<void>((resolve, reject) => port.write(Buffer.from(bytes), (err) => (err ? reject(err) : port.drain(() => resolve()))));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
