import type { DecodeError, FrameEvent, StreamDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { completeLocalTimes } from './local-time';
import type { Logger } from './log';
import { isSession } from './session';
import { FrameStats } from './stats';
import type { Transport } from './transports';

export interface PipelineSink {
  snapshot(snapshot: MeterSnapshot): void;
  rejected(error: DecodeError, source: string): void;
  /** The source has been silent for longer than its stale limit (meter unplugged, bridge down). */
  silent(meterIds: readonly string[]): void;
}

/**
 * One byte source feeding one stream decoder. Decoded frames get their receive time and go to
 * the sink; rejected frames are counted with their error kind and never published.
 */
export class MeterPipeline {
  readonly stats = new FrameStats();
  readonly meterIds = new Set<string>();
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly transport: Transport,
    private readonly decoder: StreamDecoder,
    private readonly sink: PipelineSink,
    private readonly log: Logger,
    private readonly staleAfterMs: number,
    private readonly timeZone: string | undefined,
    /** Configured meter id: replaces the id the frames give (meters that send none). */
    private readonly meterId: string | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {
    transport.on('data', (chunk) => this.onData(chunk));
    transport.on('state', (state, detail) => {
      log.debug(`${name}: ${transport.description} ${state}${detail ? ` (${detail})` : ''}`);
      this.onLineState(state);
    });
    transport.on('problem', (message) => log.warn(`${name}: ${message}`));
  }

  start(): void {
    this.log.info(`${this.name}: reading ${this.decoder.protocol} from ${this.transport.description}`);
    this.transport.start();
    this.armStaleTimer();
  }

  async stop(): Promise<void> {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    if (isSession(this.decoder)) this.decoder.stop();
    await this.transport.stop();
  }

  /** Active sessions (meters that must be asked) run while the line is open. */
  private onLineState(state: 'connecting' | 'open' | 'closed'): void {
    const session = this.decoder;
    if (!isSession(session)) return;
    if (state === 'open') {
      const t = this.transport;
      const write = t.write?.bind(t);
      if (!write) {
        this.log.error(`${this.name}: ${t.description} cannot send requests; ${session.protocol} needs a serial port or TCP bridge`);
        return;
      }
      session.start({ write, setBaudRate: t.setBaudRate?.bind(t), log: this.log, emit: (events) => this.onEvents(events) });
    } else if (state === 'closed') {
      session.stop();
    }
  }

  private onData(chunk: Buffer): void {
    this.onEvents(this.decoder.push(chunk));
  }

  private onEvents(events: readonly FrameEvent[]): void {
    this.stats.discardedBytes = this.decoder.discardedBytes;
    const now = this.clock().toISOString();
    for (const ev of events) {
      if (ev.ok) {
        const decoded = this.meterId === undefined ? ev.snapshot : { ...ev.snapshot, meter: { ...ev.snapshot.meter, id: this.meterId } };
        const snapshot: MeterSnapshot = completeLocalTimes({ ...decoded, receivedAt: now }, this.timeZone);
        this.stats.decoded(snapshot.readings.length);
        this.meterIds.add(snapshot.meter.id);
        this.armStaleTimer();
        this.sink.snapshot(snapshot);
      } else {
        this.stats.reject(ev.error.kind, ev.error.message, now);
        this.log.warn(`${this.name}: rejected frame (${ev.error.kind}) at ${ev.error.layer}${ev.error.offset === undefined ? '' : ` offset ${ev.error.offset}`}: ${ev.error.message}`);
        this.sink.rejected(ev.error, this.name);
      }
    }
  }

  private armStaleTimer(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      this.staleTimer = undefined;
      if (this.meterIds.size > 0) {
        this.log.warn(`${this.name}: no frame for ${this.staleAfterMs / 1000} s; marking ${[...this.meterIds].join(', ')} offline`);
        this.sink.silent([...this.meterIds]);
      }
    }, this.staleAfterMs);
    this.staleTimer.unref();
  }
}
