import type { FrameEvent } from '@smi/decoder';
import type { Logger } from '../log';
import { D0RequestSession } from '../sessions/d0-session';
import { SerialTransport, type SerialOptions } from '../transports/serial';
import { Transport } from '../transports/transport';
import { judgeStep } from './detect';
import { DETECT_STEPS, formatLine, sameLine, type DetectStep, type LineSetting } from './line-settings';
import { ProtocolProbe } from './probe';

export interface AutoLineOptions {
  /** Listening time per line setting (default 12 s). */
  readonly listenMs?: number;
  /** Makes the port for a setting (tests inject fakes). */
  readonly open?: (options: SerialOptions) => Transport;
}

/** Bytes kept from the search to replay to the decoder once the setting is found. */
const MAX_REPLAY = 256 * 1024;

/**
 * `protocol: auto` on a serial port: reads at the configured line setting and, when nothing
 * decodes there within the listening time, tries the settings of `smi detect` in turn (each
 * step is logged). Until a setting is confirmed by a decoded frame nothing reaches the
 * pipeline, so garbage read at a wrong speed cannot mislead its auto decoder; then the bytes
 * of the confirming step are replayed and the line stays at that setting for good.
 */
export class AutoLineTransport extends Transport {
  private readonly steps: DetectStep[];
  private readonly listenMs: number;
  private readonly open: (options: SerialOptions) => Transport;
  private inner: Transport | undefined;
  private index = 0;
  private round = 0;
  private locked = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private probe = new ProtocolProbe();
  private session: D0RequestSession | undefined;
  private d0Events: FrameEvent[] = [];
  private replay: Buffer[] = [];
  private replayBytes = 0;

  constructor(
    private readonly config: SerialOptions,
    private readonly log: Logger,
    private readonly name: string,
    options: AutoLineOptions = {},
  ) {
    super();
    this.listenMs = options.listenMs ?? 12000;
    this.open = options.open ?? ((o) => new SerialTransport(o));
    const configured: LineSetting = { baudRate: config.baudRate, dataBits: config.dataBits, parity: config.parity, stopBits: config.stopBits };
    const known = DETECT_STEPS.find((s) => s.line !== undefined && sameLine(s.line, configured));
    // The configured setting comes first and whatever decodes there counts.
    this.steps = [{ line: configured, ask: known?.ask ?? false, protocols: [], typical: 'configured' }, ...DETECT_STEPS.filter((s) => s !== known)];
  }

  get description(): string {
    const line = this.steps[this.index]?.line;
    return `serial ${this.config.port} ${formatLine(line)}${this.locked ? '' : ' (auto-detecting)'}`;
  }

  /** The line setting in use (the found one once locked). */
  get line(): LineSetting | undefined {
    return this.steps[this.index]?.line;
  }

  start(): void {
    this.stopped = false;
    this.openStep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endStep();
    await this.inner?.stop();
    this.inner = undefined;
  }

  override async write(bytes: Uint8Array): Promise<void> {
    const inner = this.inner;
    if (!inner?.write) throw new Error(`${this.config.port} is not open`);
    await inner.write(bytes);
  }

  override async setBaudRate(baudRate: number): Promise<void> {
    await this.inner?.setBaudRate?.(baudRate);
  }

  private openStep(): void {
    const step = this.steps[this.index] as DetectStep;
    const line = step.line as LineSetting;
    this.probe = new ProtocolProbe();
    this.d0Events = [];
    this.replay = [];
    this.replayBytes = 0;
    const inner = this.open({ port: this.config.port, ...line });
    this.inner = inner;
    inner.on('data', (chunk) => this.onData(inner, chunk));
    inner.on('problem', (m) => this.emit('problem', m));
    inner.on('end', () => this.emit('end'));
    inner.on('state', (state, detail) => {
      if (inner !== this.inner) return;
      this.emit('state', state, detail);
      if (state === 'open' && !this.locked) this.listen(inner, step);
    });
    inner.start();
  }

  /** The port is open at the step's setting: ask (300 7E1) and start the listening time. */
  private listen(inner: Transport, step: DetectStep): void {
    const level = this.round === 0 ? 'info' : 'debug';
    this.log[level](`${this.name}: auto-detect: listening at ${formatLine(step.line)} (${step.typical}) for ${this.listenMs / 1000} s`);
    if (step.ask && inner.write) {
      const write = inner.write.bind(inner);
      this.session = new D0RequestSession({
        label: this.name,
        address: '',
        wakeUp: false,
        readoutIntervalMs: 24 * 3600 * 1000,
        maxBaudRate: 9600,
        lineBaud: step.line?.baudRate ?? 300,
      });
      this.session.start({ write, setBaudRate: inner.setBaudRate?.bind(inner), log: this.log, emit: (ev) => this.onD0(ev) });
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onListenTimeUp(), this.listenMs);
  }

  private onData(inner: Transport, chunk: Buffer): void {
    if (inner !== this.inner || this.stopped) return;
    if (this.locked) {
      this.emit('data', chunk);
      return;
    }
    if (this.replayBytes < MAX_REPLAY) {
      this.replay.push(chunk);
      this.replayBytes += chunk.length;
    }
    this.probe.push(chunk);
    if (this.session) this.onD0(this.session.push(chunk));
    if (this.probe.confirmed && !this.session) this.decide(false);
  }

  private onD0(events: readonly FrameEvent[]): void {
    if (events.length === 0) return;
    this.d0Events.push(...events);
    this.decide(false);
  }

  /** Locks onto the step when it found something believable; at the end of the time moves on. */
  private decide(timeUp: boolean): void {
    if (this.locked || this.stopped) return;
    const step = this.steps[this.index] as DetectStep;
    const asking = this.session !== undefined;
    if (asking && this.d0Events.length === 0) {
      // The request session always ends with an outcome (its own timeouts); a readout is running.
      if (timeUp) this.timer = setTimeout(() => this.onListenTimeUp(), this.listenMs);
      return;
    }
    const outcome = judgeStep(step, timeUp ? this.probe.finish() : this.probe.report(), this.d0Events, asking, this.session?.identification);
    const d = outcome.detection;
    if (d?.plausible) {
      this.lock(step, outcome.summary, d.d0?.asked === true);
      return;
    }
    // Nothing believable: at the end of the time, or at once when the request went unanswered
    // and nothing else was heard.
    if (timeUp || (asking && this.probe.report().frames === 0)) this.next(outcome.summary);
  }

  private onListenTimeUp(): void {
    this.timer = undefined;
    this.decide(true);
  }

  private lock(step: DetectStep, summary: string, asked: boolean): void {
    this.endStep();
    this.locked = true;
    this.log.info(`${this.name}: auto-detect: ${formatLine(step.line)}: ${summary}`);
    if (this.index > 0) {
      const l = step.line as LineSetting;
      this.log.warn(
        `${this.name}: the meter speaks at ${formatLine(l)}, not at the configured setting; put baudRate: ${l.baudRate}, dataBits: ${l.dataBits}, parity: ${l.parity}, stopBits: ${l.stopBits} into the transport`,
      );
    }
    if (asked)
      this.log.warn(
        `${this.name}: an IEC 62056-21 meter answered; protocol auto reads it once only: set protocol: iec62056-21 so that it is asked every readout interval (smi detect prints the configuration)`,
      );
    const bytes = Buffer.concat(this.replay);
    this.replay = [];
    if (bytes.length > 0) this.emit('data', bytes);
  }

  private next(summary: string): void {
    const step = this.steps[this.index] as DetectStep;
    this.endStep();
    const old = this.inner;
    this.index = (this.index + 1) % this.steps.length;
    const level = this.round === 0 ? 'info' : 'debug';
    this.log[level](`${this.name}: auto-detect: ${formatLine(step.line)}: ${summary}; trying ${formatLine(this.steps[this.index]?.line)}`);
    if (this.index === 0) {
      if (this.round === 0)
        this.log.warn(
          `${this.name}: auto-detect: no meter recognised at any line setting; starting over (is the meter connected? smi detect explains each step)`,
        );
      this.round++;
    }
    this.inner = undefined;
    void (old ? old.stop() : Promise.resolve()).then(() => {
      if (!this.stopped) this.openStep();
    });
  }

  private endStep(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.session?.stop();
    this.session = undefined;
  }
}
