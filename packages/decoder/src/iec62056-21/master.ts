import { fail, type DecodeError, type ErrorKind } from '../common';
import type { MasterAwait, MasterCommand } from './commands';
import { BAUD_RATES, INITIAL_BAUD, LAYER, modeCBaudChar, NUL, TIMING, transmitMs, type D0Mode } from './constants';
import { D0Framer, type D0FramerEvent, type D0FramerOptions } from './framer';
import { identificationMode, type Identification } from './identification';
import { buildBreak, buildCommand, buildOptionSelect, buildRequest, optionSelect, type CommandMessage } from './messages';
import { ReadoutSnapshots } from './readout-snapshots';
import type { SnapshotOptions } from './snapshot';

export interface WakeUpOptions {
  /** NUL characters sent at the initial baud before the request (default 40). */
  readonly nulCount?: number;
  /** Pause after them (default 0 ms). */
  readonly pauseMs?: number;
}

export interface MasterOptions extends D0FramerOptions, SnapshotOptions {
  /** Device address put into the request `/?address!` (default none: any meter answers). */
  readonly address?: string;
  /** Send a wake-up train first (battery-powered meters): `true` for the defaults. */
  readonly wakeUp?: boolean | WakeUpOptions;
  /** Highest baud rate to switch to in modes B/C/E (default 19200: whatever the meter offers). */
  readonly maxBaud?: number;
  /** `readout` (default), `programming` (mode C/E, option Y = 1) or `binary` (mode E HDLC). */
  readonly purpose?: 'readout' | 'programming' | 'binary';
  /** Baud rate every sign-on starts at (default 300). */
  readonly initialBaud?: number;
}

export type MasterState = 'idle' | 'identification' | 'data' | 'password-request' | 'programming' | 'reply' | 'done' | 'handover' | 'failed';

/**
 * Master (HHU) side of IEC 62056-21 modes A, B, C and E, as a pure state machine. `start()`
 * returns the sign-on; `receive(bytes)` consumes what the meter (and an echoing optical head)
 * sent and returns what to do next; `timeout()` is called by the host when an `expect` ran out.
 * No I/O and no timers: baud switches and waits are commands with their times as data.
 *
 * Flow: [wake-up NULs] → `/?address!` → identification → per mode:
 * A: data at the initial baud; B: both switch to the announced baud, then data;
 * C/E: option select `ACK V Z Y` (Z = the highest rate both allow), switch, then data, the
 * programming password request (`SOH P0`), or — mode E with `\2` and purpose `binary` — the
 * HDLC hand-over. Echoes of the request and the option select are ignored.
 */
export class D0MasterSession {
  private readonly options: MasterOptions;
  private readonly initial: number;
  private framer: D0Framer;
  private readonly snapshots: ReadoutSnapshots;
  private stateNow: MasterState = 'idle';
  private baudNow: number;
  private ident: Identification | undefined;
  private modeNow: D0Mode | undefined;

  constructor(options: MasterOptions = {}) {
    this.options = options;
    this.initial = options.initialBaud ?? INITIAL_BAUD;
    this.baudNow = this.initial;
    this.framer = new D0Framer(options);
    this.snapshots = new ReadoutSnapshots(options.defaultMedium, options.profiles);
  }

  get state(): MasterState {
    return this.stateNow;
  }

  /** Baud rate the session believes the port runs at. */
  get baud(): number {
    return this.baudNow;
  }

  /** Protocol mode the meter's identification announced (after it arrived). */
  get mode(): D0Mode | undefined {
    return this.modeNow;
  }

  get identification(): Identification | undefined {
    return this.ident;
  }

  /** Begins a sign-on (also after a finished or failed one). */
  start(): MasterCommand[] {
    const request = buildRequest(this.options.address ?? '');
    if (request === undefined) return this.failWith('bad-value', 'device address cannot be sent');
    this.framer = new D0Framer(this.options);
    this.ident = undefined;
    this.modeNow = undefined;
    const out: MasterCommand[] = [];
    if (this.baudNow !== this.initial) out.push(this.switchTo(this.initial, 0));
    const wake = this.options.wakeUp;
    if (wake !== undefined && wake !== false) {
      const w = wake === true ? {} : wake;
      out.push({ type: 'send', bytes: new Uint8Array(w.nulCount ?? TIMING.wakeUpNulCount).fill(NUL) });
      const pause = w.pauseMs ?? TIMING.wakeUpPauseMs;
      if (pause > 0) out.push({ type: 'wait', ms: pause });
    }
    out.push({ type: 'send', bytes: request });
    out.push(this.await('identification', transmitMs(request.length, this.baudNow) + TIMING.reactionTimeMaxMs));
    return out;
  }

  /** Bytes from the line. */
  receive(bytes: Uint8Array): MasterCommand[] {
    if (this.stateNow === 'idle' || this.stateNow === 'done' || this.stateNow === 'failed' || this.stateNow === 'handover') return [];
    const out: MasterCommand[] = [];
    for (const e of this.framer.pushEvents(bytes)) {
      this.onEvent(e, out);
      if (this.finished()) break;
    }
    return out;
  }

  /** The host's timer for the last `expect` ran out. */
  timeout(): MasterCommand[] {
    if (this.finished() || this.stateNow === 'idle') return [];
    const out: MasterCommand[] = [];
    for (const e of this.framer.flushEvents()) {
      this.onEvent(e, out);
      if (this.finished()) return out;
    }
    if (!this.finished()) out.push(...this.failWith('truncated', `no ${this.stateNow} before the timeout`));
    return out;
  }

  /** Programming mode: send a command (`P1` password, `R1` read, `W1` write…) and await the reply. */
  command(c: CommandMessage): MasterCommand[] {
    if (this.stateNow !== 'programming') return this.failWith('unsupported', 'not in programming mode');
    const bytes = buildCommand(c);
    return [{ type: 'send', bytes }, this.await('reply', transmitMs(bytes.length, this.baudNow) + TIMING.reactionTimeMaxMs)];
  }

  /** Ends programming mode with the break message; the port returns to the initial baud. */
  end(): MasterCommand[] {
    if (this.stateNow !== 'programming') return [];
    const bytes = buildBreak();
    this.stateNow = 'done';
    return [{ type: 'send', bytes }, this.switchTo(this.initial, transmitMs(bytes.length, this.baudNow))];
  }

  private finished(): boolean {
    return this.stateNow === 'done' || this.stateNow === 'failed' || this.stateNow === 'handover';
  }

  private await(what: MasterAwait, timeoutMs: number): MasterCommand {
    this.stateNow = what;
    return { type: 'expect', what, timeoutMs };
  }

  private switchTo(baud: number, afterMs: number): MasterCommand {
    this.baudNow = baud;
    return { type: 'set-baud', baud, afterMs };
  }

  private failWith(kind: ErrorKind, message: string): MasterCommand[] {
    this.stateNow = 'failed';
    return [{ type: 'error', error: fail(kind, `${LAYER}-session`, message).error }];
  }

  private failed(error: DecodeError): MasterCommand[] {
    this.stateNow = 'failed';
    return [{ type: 'error', error }];
  }

  private onEvent(e: D0FramerEvent, out: MasterCommand[]): void {
    switch (e.type) {
      case 'request':
      case 'option-select':
        return; // echoes of what we sent
      case 'identification':
        if (this.stateNow === 'identification') out.push(...this.onIdentification(e.identification));
        return;
      case 'data':
        if (this.stateNow === 'data') {
          const s = this.snapshots.build(this.ident, e.message);
          if (s.ok) {
            this.stateNow = 'done';
            out.push({ type: 'done', snapshot: s.value, frame: e.bytes });
          } else out.push(...this.failed(s.error));
        } else if (this.stateNow === 'reply') {
          this.stateNow = 'programming';
          out.push({ type: 'reply', reply: { kind: 'data', text: e.message.text } });
        }
        return;
      case 'command':
        if (this.stateNow === 'password-request' && e.command.command === 'P' && e.command.type === '0') {
          this.stateNow = 'programming';
          this.framer = new D0Framer({ ...this.options, bareAck: true });
          out.push(e.command.data === undefined ? { type: 'programming' } : { type: 'programming', operand: e.command.data });
        } else if (this.stateNow === 'reply') {
          this.stateNow = 'programming';
          out.push({ type: 'reply', reply: { kind: 'command', command: e.command } });
        }
        return;
      case 'ack':
      case 'nak':
        if (this.stateNow === 'reply') {
          this.stateNow = 'programming';
          out.push({ type: 'reply', reply: { kind: e.type } });
        } else if (e.type === 'nak' && this.stateNow !== 'identification') {
          out.push(...this.failWith('bad-format', 'meter answered NAK'));
        }
        return;
      case 'error':
        // Noise before the identification (e.g. the echo at the wrong baud) is not fatal.
        if (this.stateNow !== 'identification') out.push(...this.failed(e.error));
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled frame ${String(never)}`);
      }
    }
  }

  private onIdentification(id: Identification): MasterCommand[] {
    this.ident = id;
    const mode = identificationMode(id, true);
    this.modeNow = mode;
    const purpose = this.options.purpose ?? 'readout';
    const dataTimeout = TIMING.reactionTimeMaxMs + TIMING.baudSwitchDelayMs;
    switch (mode) {
      case 'A':
      case 'D':
        if (purpose !== 'readout') return this.failWith('unsupported', `mode ${mode} offers readout only`);
        return [this.await('data', dataTimeout)];
      case 'B': {
        if (purpose !== 'readout') return this.failWith('unsupported', 'mode B offers readout only');
        const baud = id.baud ?? this.baudNow;
        return [this.switchTo(baud, 0), this.await('data', dataTimeout)];
      }
      case 'C':
      case 'E': {
        if (purpose === 'binary' && !(mode === 'E' && id.escape === '2')) {
          return this.failWith('unsupported', 'the meter does not offer binary mode (HDLC)');
        }
        const baud = pickBaud(id.baud ?? this.initial, this.options.maxBaud ?? 19200);
        const char = modeCBaudChar(baud) ?? '0';
        const ack = buildOptionSelect(optionSelect(purpose === 'binary' ? 'hdlc' : 'normal', char, purpose));
        const out: MasterCommand[] = [{ type: 'send', bytes: ack }, this.switchTo(baud, transmitMs(ack.length, this.baudNow))];
        if (purpose === 'binary') {
          this.stateNow = 'handover';
          out.push({ type: 'handover', protocol: 'hdlc', baud });
          return out;
        }
        out.push(this.await(purpose === 'programming' ? 'password-request' : 'data', dataTimeout));
        return out;
      }
      default: {
        const never: never = mode;
        throw new Error(`unhandled mode ${String(never)}`);
      }
    }
  }
}

/** Highest table baud rate not above the meter's offer nor the master's limit. */
function pickBaud(offer: number, limit: number): number {
  let best = INITIAL_BAUD;
  for (const b of BAUD_RATES) if (b <= offer && b <= limit) best = b;
  return best;
}
