import { EventEmitter } from 'node:events';

export type TransportState = 'connecting' | 'open' | 'closed';

export interface TransportEvents {
  data: [chunk: Buffer];
  state: [state: TransportState, detail?: string];
  /** A recoverable problem (port missing, connection refused); the transport retries by itself. */
  problem: [message: string];
  /** A finite source (file replay) has delivered everything. */
  end: [];
}

/** Every byte source (serial, tcp, file, simulator) yields bytes the same way. */
export abstract class Transport extends EventEmitter<TransportEvents> {
  abstract readonly description: string;
  abstract start(): void;
  abstract stop(): Promise<void>;
  /** Sends bytes to the meter (request/response protocols); absent on read-only sources. */
  write?(bytes: Uint8Array): Promise<void>;
  /** Changes the line speed of the open port (IEC 62056-21 baud switch); serial ports only. */
  setBaudRate?(baudRate: number): Promise<void>;
}

/** Exponential back-off for reconnecting sources: 1 s, 2 s, 4 s … capped. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly firstMs = 1000,
    private readonly maxMs = 30000,
  ) {}
  next(): number {
    const ms = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    this.attempt++;
    return ms;
  }
  reset(): void {
    this.attempt = 0;
  }
}
