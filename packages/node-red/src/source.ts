import { Socket } from 'node:net';
import type { SerialPort } from 'serialport';
import type { SerialSettings, SourceSettings, TcpSettings } from './options';

export type SourceState = 'connecting' | 'open' | 'waiting';

export interface SourceHandlers {
  data(chunk: Buffer): void;
  /** `waiting`: the port or bridge is gone; the detail says why and when the next attempt is. */
  state(state: SourceState, detail: string): void;
}

/** Reconnect delays: first, doubled per failed attempt, capped. */
export interface BackoffTimes {
  readonly firstMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffTimes = { firstMs: 1000, maxMs: 30000 };

/** Keep-alive probes on the TCP bridge connection (a vanished bridge is noticed, not waited on forever). */
const TCP_KEEPALIVE_MS = 30000;

/**
 * A serial port or TCP bridge that reopens by itself with back-off (1 s, 2 s, 4 s … 30 s) when the
 * device disappears or the bridge drops the connection; `stop` closes it and resolves once the
 * port is released (Node-RED redeploy).
 */
export class ByteSource {
  private port: SerialPort | undefined;
  /** Settles when a serial open in progress has finished (stop waits for it, then closes). */
  private opening: Promise<void> | undefined;
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;

  constructor(
    private readonly settings: SourceSettings,
    private readonly on: SourceHandlers,
    private readonly backoff: BackoffTimes = DEFAULT_BACKOFF,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    await this.opening;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private connect(): void {
    if (this.stopped) return;
    const s = this.settings;
    if (s.kind === 'tcp') this.openSocket(s);
    else {
      const opening = this.openSerial(s).catch((e: unknown) => this.retry(`cannot load serialport: ${String(e)}`));
      this.opening = opening;
      void opening.finally(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
  }

  private retry(reason: string): void {
    if (this.stopped || this.timer) return;
    const ms = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** this.attempt);
    this.attempt++;
    this.on.state('waiting', `${reason}; retrying in ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, ms);
  }

  private opened(): void {
    this.attempt = 0;
    this.on.state('open', '');
  }

  private async openSerial(s: SerialSettings): Promise<void> {
    // Loaded on first use: a flow with only TCP bridges or decode nodes never needs the native module.
    const { SerialPort } = await import('serialport');
    if (this.stopped) return;
    this.on.state('connecting', s.path);
    const port = new SerialPort({ path: s.path, baudRate: s.baudRate, dataBits: s.dataBits, parity: s.parity, stopBits: s.stopBits, autoOpen: false });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.on.data(chunk));
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
      this.retry(`${s.path} closed`);
    });
    // Errors of an open port are followed by 'close' when fatal; a failed open arrives in the callback.
    port.on('error', () => undefined);
    await new Promise<void>((resolve) =>
      port.open((err) => {
        if (err) {
          if (this.port === port) this.port = undefined;
          this.retry(`cannot open ${s.path}: ${err.message}`);
        } else if (this.stopped || this.port !== port) {
          port.close(() => resolve());
          return;
        } else {
          this.opened();
        }
        resolve();
      }),
    );
  }

  private openSocket(s: TcpSettings): void {
    const where = `${s.host}:${s.port}`;
    this.on.state('connecting', where);
    const socket = new Socket();
    this.socket = socket;
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    socket.on('data', (chunk: Buffer) => this.on.data(chunk));
    socket.on('connect', () => this.opened());
    let problem = 'connection closed';
    socket.on('error', (err) => {
      problem = err.message;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.retry(`${where}: ${problem}`);
    });
    socket.connect(s.port, s.host);
  }
}
