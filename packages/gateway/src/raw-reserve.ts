import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from './log';

export interface RawReserveOptions {
  /** Interface to listen on; default 127.0.0.1 (this machine only). */
  readonly host: string;
  readonly port: number;
}

/** Readers at once per meter; more are refused (closed at connect). */
export const RESERVE_MAX_CLIENTS = 8;
/** Bytes a reader may fall behind before it is dropped (a stuck reader never grows our memory). */
export const RESERVE_MAX_BEHIND = 256 * 1024;

/**
 * A meter's raw byte stream shared on a TCP port, read-only (as ser2net's "raw" mode, one way):
 * every reader gets every byte the meter sends from the moment it connects; what a reader sends
 * is dropped and never reaches the meter. A reader that falls more than `RESERVE_MAX_BEHIND`
 * bytes behind is dropped.
 */
export class RawReserve {
  private readonly clients = new Set<Socket>();
  private readonly server: Server;
  private listening = false;

  constructor(
    private readonly name: string,
    private readonly o: RawReserveOptions,
    private readonly log: Logger,
  ) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is already in use' : e.code === 'EACCES' ? 'no permission for this port' : e.message;
      log.error(`${name}: cannot share the raw bytes on ${o.host}:${o.port}: ${why}; the meter is read all the same`);
    });
    this.server.listen(o.port, o.host, () => {
      this.listening = true;
      log.info(`${name}: raw bytes shared read-only on ${o.host}:${this.port}`);
    });
  }

  /** The port actually listened on (0 in the configuration picks a free one). */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : this.o.port;
  }

  get ready(): boolean {
    return this.listening;
  }

  write(chunk: Uint8Array): void {
    for (const c of this.clients) {
      if (c.writableLength > RESERVE_MAX_BEHIND) {
        this.log.warn(`${this.name}: raw reader ${c.remoteAddress ?? '?'}:${c.remotePort ?? '?'} fell ${c.writableLength} bytes behind; dropped`);
        c.destroy();
        continue;
      }
      c.write(chunk);
    }
  }

  close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    this.clients.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
    if (this.clients.size >= RESERVE_MAX_CLIENTS) {
      this.log.warn(`${this.name}: raw reader ${socket.remoteAddress ?? '?'} refused: ${RESERVE_MAX_CLIENTS} readers already`);
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.clients.add(socket);
    this.log.debug(`${this.name}: raw reader ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} connected`);
    socket.on('data', () => undefined); // read-only: what readers send is dropped
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.clients.delete(socket));
  }
}
