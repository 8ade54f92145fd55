import { Socket } from 'node:net';
import { Backoff, Transport } from './transport';

/** A TCP client to a serial bridge (ser2net, ESP-Link, P1 Wi-Fi dongles); reconnects when dropped. */
export class TcpTransport extends Transport {
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff = new Backoff();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    super();
  }

  get description(): string {
    return `tcp ${this.host}:${this.port}`;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    this.emit('state', 'connecting');
    const socket = new Socket();
    this.socket = socket;
    socket.setKeepAlive(true, 30000);
    socket.on('data', (chunk) => this.emit('data', chunk));
    socket.on('connect', () => {
      this.backoff.reset();
      this.emit('state', 'open');
    });
    socket.on('error', (err) => this.emit('problem', `${this.host}:${this.port}: ${err.message}`));
    socket.on('close', () => {
      this.emit('state', 'closed');
      if (this.stopped || this.timer) return;
      const ms = this.backoff.next();
      this.emit('problem', `${this.host}:${this.port} disconnected; retrying in ${ms / 1000} s`);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.connect();
      }, ms);
    });
    socket.connect(this.port, this.host);
  }

  override async write(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) throw new Error(`${this.host}:${this.port} is not connected`);
    await new Promise<void>((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }
}
