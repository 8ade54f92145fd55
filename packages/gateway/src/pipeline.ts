import type { DecodeError, FrameEvent, StreamDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { completeLocalTimes } from './local-time';
import type { Logger } from './log';
import type { PlausibilityGuard } from './plausibility';
import { isSession } from './session';
import { FrameStats, RejectionSummary } from './stats';
import type { Transport } from './transports';
import { RawReserve, type RawReserveOptions } from './raw-reserve';

export interface PipelineSink {
  snapshot(snapshot: MeterSnapshot): void;
  /**
   * Frames were rejected: called with the summary line at most once per rejection interval
   * (the counters in `stats` are always current), so a noisy line cannot flood the broker.
   */
  rejected(summary: string, source: string): void;
  /** The source has been silent for longer than its stale limit (meter unplugged, bridge down). */
  silent(meterIds: readonly string[]): void;
}

export interface PipelineOptions {
  /** Label in logs (the meter's `name`). */
  readonly name: string;
  readonly transport: Transport;
  readonly decoder: StreamDecoder;
  readonly sink: PipelineSink;
  readonly log: Logger;
  readonly staleAfterMs: number;
  /** Time zone of meter clocks without an offset; undefined: the machine's. */
  readonly timeZone?: string | undefined;
  /** Configured meter id: replaces the id the frames give (meters that send none). */
  readonly meterId?: string | undefined;
  readonly clock?: () => Date;
  /** Spacing of rejection summaries (log line and sink call); default 10 s. */
  readonly rejectionIntervalMs?: number;
  /** Holds back lifetime-register values that go backwards or jump (counted `implausible`). */
  readonly plausibility?: PlausibilityGuard | undefined;
  /**
   * After this long without bytes, the decoder is flushed: what it holds is reported (a readout
   * whose last telegram announced more that never came, a frame cut off). Undefined: never.
   */
  readonly idleFlushMs?: number | undefined;
  /** Shares the meter's raw bytes read-only on a TCP port while the pipeline runs. */
  readonly reserve?: RawReserveOptions | undefined;
}

/**
 * One byte source feeding one stream decoder. Decoded frames get their receive time and go to
 * the sink; rejected frames are counted with their error kind, summarised at most once per
 * interval and never published.
 */
export class MeterPipeline {
  readonly stats = new FrameStats();
  readonly meterIds = new Set<string>();
  readonly name: string;
  private readonly transport: Transport;
  private readonly decoder: StreamDecoder;
  private readonly sink: PipelineSink;
  private readonly log: Logger;
  private readonly staleAfterMs: number;
  private readonly timeZone: string | undefined;
  private readonly meterId: string | undefined;
  private readonly clock: () => Date;
  private readonly rejections: RejectionSummary;
  private readonly plausibility: PlausibilityGuard | undefined;
  private readonly idleFlushMs: number | undefined;
  private readonly reserveOptions: RawReserveOptions | undefined;
  private reserve: RawReserve | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  /** Line history, to log reconnects at info: was it ever open, attempts since, when it closed. */
  private wasOpen = false;
  private attempts = 0;
  private closedAt: number | undefined;

  constructor(o: PipelineOptions) {
    this.name = o.name;
    this.transport = o.transport;
    this.decoder = o.decoder;
    this.sink = o.sink;
    this.log = o.log;
    this.staleAfterMs = o.staleAfterMs;
    this.timeZone = o.timeZone;
    this.meterId = o.meterId;
    this.clock = o.clock ?? (() => new Date());
    this.rejections = new RejectionSummary(o.name, o.rejectionIntervalMs);
    this.plausibility = o.plausibility;
    this.idleFlushMs = o.idleFlushMs;
    this.reserveOptions = o.reserve;
    const { transport, log, name } = o;
    transport.on('data', (chunk) => this.onData(chunk));
    transport.on('state', (state, detail) => {
      this.logLineState(state, detail);
      this.onLineState(state);
    });
    transport.on('problem', (message) => log.warn(`${name}: ${message}`));
  }

  start(): void {
    this.log.info(`${this.name}: reading ${this.decoder.protocol} from ${this.transport.description}`);
    if (this.reserveOptions) this.reserve = new RawReserve(this.name, this.reserveOptions, this.log);
    this.transport.start();
    this.armStaleTimer();
  }

  async stop(): Promise<void> {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (isSession(this.decoder)) this.decoder.stop();
    await Promise.all([this.transport.stop(), this.reserve?.close()]);
    this.reserve = undefined;
  }

  /** The first open is logged at debug; an open after a loss or after failed attempts at info. */
  private logLineState(state: 'connecting' | 'open' | 'closed', detail: string | undefined): void {
    const what = `${this.name}: ${this.transport.description} ${state}${detail ? ` (${detail})` : ''}`;
    if (state === 'connecting') this.attempts++;
    if (state === 'closed' && this.wasOpen && this.closedAt === undefined) this.closedAt = this.clock().getTime();
    const failed = Math.max(0, this.attempts - 1);
    if (state !== 'open' || (!this.wasOpen && failed === 0)) {
      this.log.debug(what);
    } else {
      const down = this.closedAt === undefined ? '' : ` after ${Math.round((this.clock().getTime() - this.closedAt) / 1000)} s`;
      const tries = failed === 0 ? '' : ` (${failed} failed attempt${failed === 1 ? '' : 's'})`;
      this.log.info(`${what}: ${this.wasOpen ? 'reconnected' : 'connected'}${down}${tries}`);
    }
    if (state === 'open') {
      this.wasOpen = true;
      this.attempts = 0;
      this.closedAt = undefined;
    }
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
    this.reserve?.write(chunk);
    this.onEvents(this.decoder.push(chunk));
    this.armIdleFlush();
  }

  /** Silence after bytes: report what the decoder still holds instead of keeping it forever. */
  private armIdleFlush(): void {
    if (this.idleFlushMs === undefined) return; // before anything else: this runs for every chunk
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    const flush = this.decoder.flush?.bind(this.decoder);
    if (flush === undefined || isSession(this.decoder)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.onEvents(flush());
    }, this.idleFlushMs);
    this.idleTimer.unref();
  }

  private onEvents(events: readonly FrameEvent[]): void {
    this.stats.discardedBytes = this.decoder.discardedBytes;
    const now = this.clock().toISOString();
    for (const ev of events) {
      if (ev.ok) {
        const decoded = this.meterId === undefined ? ev.snapshot : { ...ev.snapshot, meter: { ...ev.snapshot.meter, id: this.meterId } };
        const snapshot = this.checkPlausible(completeLocalTimes({ ...decoded, receivedAt: now }, this.timeZone), now);
        this.stats.decoded(snapshot.readings.length);
        this.meterIds.add(snapshot.meter.id);
        this.armStaleTimer();
        this.sink.snapshot(snapshot);
      } else {
        this.reject(ev.error, now);
      }
    }
  }

  /** The snapshot without the lifetime-register values the guard holds back (each counted `implausible`). */
  private checkPlausible(snapshot: MeterSnapshot, now: string): MeterSnapshot {
    if (!this.plausibility) return snapshot;
    const checked = this.plausibility.check(snapshot, Date.parse(now));
    for (const h of checked.heldBack) {
      this.reject(
        { kind: 'implausible', layer: 'plausibility', message: `${snapshot.meter.id} ${h.key}: ${h.value} after ${h.lastValue} (${h.reason}); held back` },
        now,
      );
    }
    for (const r of checked.recovered) {
      this.log.info(`${this.name}: ${snapshot.meter.id} ${r.key}: new baseline ${r.value} after ${r.lastValue} (meter exchanged or reset?)`);
    }
    return checked.snapshot;
  }

  /** Counts a rejected frame; the detail goes to debug, the summary at most once per interval. */
  private reject(error: DecodeError, at: string): void {
    this.stats.reject(error.kind, error.message, at);
    const detail = `(${error.kind}) at ${error.layer}${error.offset === undefined ? '' : ` offset ${error.offset}`}: ${error.message}`;
    this.log.debug(`${this.name}: rejected frame ${detail}`);
    const line = this.rejections.record(error.kind, detail, this.clock().getTime());
    if (line !== undefined) this.report(line);
    else this.armSummaryTimer();
  }

  private report(line: string): void {
    this.log.warn(line);
    this.sink.rejected(line, this.name);
  }

  /** Counts held back are reported when their interval is over, even if no frame follows. */
  private armSummaryTimer(): void {
    const due = this.rejections.dueAt;
    if (this.summaryTimer || due === undefined) return;
    this.summaryTimer = setTimeout(
      () => {
        this.summaryTimer = undefined;
        const line = this.rejections.take(this.clock().getTime());
        if (line !== undefined) this.report(line);
        else this.armSummaryTimer();
      },
      Math.max(0, due - this.clock().getTime()),
    );
    this.summaryTimer.unref();
  }

  private armStaleTimer(): void {
    // one timer per meter, restarted at every frame (refresh: no new timer per frame)
    if (this.staleTimer) {
      this.staleTimer.refresh();
      return;
    }
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
