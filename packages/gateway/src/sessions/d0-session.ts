import { D0_INITIAL_BAUD, D0MasterSession, fail, transmitMs, type D0Mode, type D0Profile, type FrameEvent, type MasterCommand } from '@smi/decoder';
import type { MeterSession, SessionIo } from '../session';

export interface D0RequestOptions {
  /** Label in log lines (the meter's name). */
  readonly label: string;
  /** Device address for `/?address!` (empty: any meter answers). */
  readonly address: string;
  /** Send the NUL wake-up train before each request (battery meters). */
  readonly wakeUp: boolean;
  /** Time between the starts of two readouts. */
  readonly readoutIntervalMs: number;
  /** Highest baud rate to switch to in modes C/E. */
  readonly maxBaudRate: number;
  /** Baud rate the transport opens the port at; when it is not 300 the session switches first. */
  readonly lineBaud?: number;
  /** Clear bit 7 of received bytes (port opened 8N1 while the meter speaks 7E1). */
  readonly maskParity?: boolean;
  /** Meter profiles (`meters[].profiles`, d0 views) tried before the built-in ones. */
  readonly profiles?: readonly D0Profile[];
}

type LineCommand = Extract<MasterCommand, { type: 'send' | 'wait' | 'set-baud' | 'expect' }>;

const LAYER = 'iec62056-21-session';

/**
 * Bytes allowed for the identification when bounding the wait for it: the standard's 16-character
 * ident makes 23 with `/XXXZ` and CR LF; meters send longer ones, so four times the standard's.
 */
const IDENT_BYTES = 64;

/**
 * IEC 62056-21 modes A, B, C (and E in readout mode) on an open line: every
 * `readoutIntervalMs` the pure `D0MasterSession` signs on; this class carries out what it asks
 * (writes, pauses, baud switches on the port) in order, measures the silence behind each
 * `expect` (restarted by every received byte) and turns the outcomes into frame events:
 * `done` → a snapshot, `error` → a counted rejection. Failures found by a timer (no answer)
 * reach the pipeline through `io.emit`.
 */
export class D0RequestSession implements MeterSession {
  readonly protocol = 'iec62056-21' as const;
  private master: D0MasterSession | undefined;
  private io: SessionIo | undefined;
  private generation = 0;
  private queue: LineCommand[] = [];
  private draining = false;
  private intervalTimer: NodeJS.Timeout | undefined;
  private firstTimer: NodeJS.Timeout | undefined;
  private expectTimer: NodeJS.Timeout | undefined;
  private expectMs = 0;
  /** No byte restarts the expect timer beyond this (epoch ms). */
  private expectDeadline = Infinity;
  private readonly pauses = new Set<NodeJS.Timeout>();
  private portBaud: number;
  private idleBytes = 0;
  /** When the last command was carried out (a send: when the bytes were handed to the port). */
  private lastDoneAt = 0;
  private warnedNoBaud = false;

  constructor(private readonly options: D0RequestOptions) {
    this.portBaud = options.lineBaud ?? D0_INITIAL_BAUD;
  }

  get discardedBytes(): number {
    return this.idleBytes;
  }

  /** The identification of the last readout and the protocol mode it announced. */
  get identification(): { readonly line: string; readonly mode: D0Mode | undefined; readonly baud: number | undefined } | undefined {
    const id = this.master?.identification;
    return id ? { line: `/${id.line}`, mode: this.master?.mode, baud: id.baud } : undefined;
  }

  /** Baud rate the session last set on the port (for logs and tests). */
  get baudRate(): number {
    return this.portBaud;
  }

  start(io: SessionIo): void {
    this.stop();
    this.io = io;
    // The line (re)opened at the transport's own speed.
    this.portBaud = this.options.lineBaud ?? D0_INITIAL_BAUD;
    const canSwitch = io.setBaudRate !== undefined;
    this.master = new D0MasterSession({
      address: this.options.address,
      wakeUp: this.options.wakeUp,
      // Without a line to switch (TCP bridge) the option select keeps the meter at 300 Bd.
      maxBaud: canSwitch ? this.options.maxBaudRate : D0_INITIAL_BAUD,
      ...(this.options.maskParity === true ? { maskParity: true } : {}),
      ...(this.options.profiles === undefined ? {} : { profiles: this.options.profiles }),
    });
    if (!canSwitch) io.log.debug(`${this.options.label}: no baud switch on this transport; asking the meter to stay at ${D0_INITIAL_BAUD} Bd`);
    const generation = this.generation;
    this.firstTimer = setTimeout(() => {
      this.firstTimer = undefined;
      if (generation === this.generation) this.readout();
    }, 0);
    this.intervalTimer = setInterval(() => this.readout(), this.options.readoutIntervalMs);
  }

  stop(): void {
    this.generation++;
    for (const t of [this.intervalTimer, this.firstTimer, this.expectTimer]) if (t) clearTimeout(t);
    for (const t of this.pauses) clearTimeout(t);
    this.pauses.clear();
    this.intervalTimer = this.firstTimer = this.expectTimer = undefined;
    this.queue = [];
    this.draining = false;
    this.io = undefined;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const master = this.master;
    if (!master || !this.busy()) {
      this.idleBytes += chunk.length;
      return [];
    }
    if (this.expectTimer) this.armExpect(Math.min(this.expectMs, this.expectDeadline - Date.now()));
    const events = this.carryOut(master.receive(chunk));
    if (!this.signedOn()) this.clearExpect();
    return events;
  }

  /** The master waits for the meter (signed on, not yet done or failed). */
  private signedOn(): boolean {
    const s = this.master?.state;
    return s === 'identification' || s === 'data' || s === 'password-request' || s === 'programming' || s === 'reply';
  }

  /** A readout is under way: signed on, or commands still being carried out. */
  private busy(): boolean {
    return this.signedOn() || this.draining;
  }

  private readout(): void {
    const master = this.master;
    const io = this.io;
    if (!master || !io) return;
    if (this.busy()) {
      io.log.debug(`${this.options.label}: previous readout still running; skipping this one`);
      return;
    }
    io.log.debug(`${this.options.label}: requesting a readout (/?${this.options.address}!)`);
    const first: MasterCommand[] = this.portBaud === D0_INITIAL_BAUD ? [] : [{ type: 'set-baud', baud: D0_INITIAL_BAUD, afterMs: 0 }];
    this.emitLater(this.carryOut([...first, ...master.start()]));
  }

  /** Outcomes become frame events at once; line commands run in order on the port. */
  private carryOut(commands: readonly MasterCommand[]): FrameEvent[] {
    const events: FrameEvent[] = [];
    const label = this.options.label;
    for (const c of commands) {
      switch (c.type) {
        case 'send':
        case 'wait':
        case 'set-baud':
        case 'expect':
          this.queue.push(c);
          break;
        case 'done':
          this.io?.log.debug(`${label}: readout of ${c.snapshot.meter.id} complete (${c.snapshot.readings.length} values)`);
          events.push({ ok: true, snapshot: c.snapshot, frame: c.frame });
          break;
        case 'error':
          events.push({ ok: false, error: c.error });
          break;
        case 'handover':
          // Readout purpose never asks for binary mode; a hand-over here means a confused line.
          events.push({
            ok: false,
            error: fail('unsupported', LAYER, `mode E binary (HDLC at ${c.baud} Bd) is not read by this gateway; the readout mode is used`).error,
          });
          break;
        case 'programming':
        case 'reply':
          this.io?.log.debug(`${label}: ignoring programming-mode outcome '${c.type}'`);
          break;
      }
    }
    void this.drain();
    return events;
  }

  private emitLater(events: FrameEvent[]): void {
    if (events.length > 0) this.io?.emit?.(events);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    const generation = this.generation;
    this.draining = true;
    try {
      for (let c = this.queue.shift(); c !== undefined && generation === this.generation; c = this.queue.shift()) await this.perform(c, generation);
    } catch (e) {
      this.io?.log.warn(`${this.options.label}: ${String(e instanceof Error ? e.message : e)}; readout abandoned`);
      this.queue = [];
      this.clearExpect();
    } finally {
      if (generation === this.generation) this.draining = false;
    }
  }

  private async perform(c: LineCommand, generation: number): Promise<void> {
    const io = this.io;
    if (!io) return;
    switch (c.type) {
      case 'send':
        io.log.trace(`${this.options.label}: → ${printable(c.bytes)}`);
        this.lastDoneAt = Date.now();
        await io.write(c.bytes); // resolves once drained: the bytes' time on the wire has passed
        return;
      case 'wait':
        await this.pause(c.ms);
        this.lastDoneAt = Date.now();
        return;
      case 'set-baud':
        // `afterMs` counts from the previous command (for a send: from handing the bytes over,
        // so the drain already spent most of it).
        await this.pause(this.lastDoneAt + c.afterMs - Date.now());
        this.lastDoneAt = Date.now();
        if (generation !== this.generation || c.baud === this.portBaud) return;
        if (io.setBaudRate) {
          io.log.debug(`${this.options.label}: switching the port from ${this.portBaud} to ${c.baud} Bd`);
          await io.setBaudRate(c.baud);
          this.portBaud = c.baud;
        } else if (!this.warnedNoBaud) {
          this.warnedNoBaud = true;
          io.log.warn(
            `${this.options.label}: the meter switched to ${c.baud} Bd but this transport cannot follow; readouts will fail (use a serial port, or a bridge fixed at that rate)`,
          );
        }
        return;
      case 'expect':
        this.lastDoneAt = Date.now();
        // Bytes restart the timer (silence is what counts), but line noise or a push meter must
        // not keep a sign-on waiting for ever: the identification is short.
        this.expectDeadline = c.what === 'identification' ? Date.now() + c.timeoutMs + transmitMs(IDENT_BYTES, this.portBaud) : Infinity;
        this.expectMs = c.timeoutMs;
        this.armExpect(c.timeoutMs);
        return;
    }
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pauses.delete(t);
        resolve();
      }, ms);
      this.pauses.add(t);
    });
  }

  private armExpect(ms: number): void {
    if (this.expectTimer) clearTimeout(this.expectTimer);
    const generation = this.generation;
    this.expectTimer = setTimeout(
      () => {
        this.expectTimer = undefined;
        const master = this.master;
        if (!master || generation !== this.generation) return;
        const events = this.carryOut(master.timeout());
        for (const e of events) if (!e.ok) this.io?.log.debug(`${this.options.label}: readout failed (${e.error.kind}): ${e.error.message}`);
        this.emitLater(events);
      },
      Math.max(0, ms),
    );
  }

  private clearExpect(): void {
    if (this.expectTimer) clearTimeout(this.expectTimer);
    this.expectTimer = undefined;
  }
}

/** Bytes as text with control characters shown as `<hh>` (for trace logs). */
function printable(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x20 || b > 0x7e ? `<${b.toString(16).padStart(2, '0')}>` : String.fromCharCode(b);
  return out;
}
