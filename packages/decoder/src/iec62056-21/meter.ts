import type { MeterCommand } from './commands';
import { ACK, baudInfo, INITIAL_BAUD, modeBBaudChar, modeCBaudChar, NAK, NUL, TIMING, transmitMs } from './constants';
import { buildDataMessage } from './data-message';
import { D0Framer, type D0FramerEvent } from './framer';
import { buildIdentification } from './identification';
import { buildCommand, type OptionSelect } from './messages';

export interface MeterSimulatorOptions {
  /** FLAG id (`ISk`, `LGZ`). */
  readonly manufacturerId: string;
  /** Identification text after the baud character (and escape). */
  readonly ident: string;
  /** Protocol mode the meter speaks (D: it only pushes, see `pushTelegram`). */
  readonly mode: 'A' | 'B' | 'C' | 'D' | 'E';
  /** Highest baud rate it offers in modes B, C, E (default 9600). */
  readonly maxBaud?: number;
  /** Mode E escape character W (default `2`: binary mode offered). */
  readonly escape?: string;
  /** Device address: the meter answers `/?!` and `/?<address>!` (default: any request). */
  readonly address?: string;
  /** Battery meter: sleeps until it has seen this many NULs in a row (default: always awake). */
  readonly wakeUpNuls?: number;
  /** Data block (lines, CR LF separated) sent as readout. */
  readonly data: string;
  /** Password request operand sent on entering programming mode (`P0`). */
  readonly operand?: string;
  /** Password accepted in programming mode (`P1`); default: any. */
  readonly password?: string;
  /** Reaction time before answering (default 200 ms, the standard's minimum). */
  readonly reactionMs?: number;
  /** Push form without STX/BCC for mode D (default false: STX … ETX BCC). */
  readonly pushWithoutStx?: boolean;
}

type MeterState = 'asleep' | 'idle' | 'option' | 'programming';

/**
 * A meter for tests and demo mode: the slave side of IEC 62056-21 as a pure state machine.
 * It answers a request with its identification and then, by mode, sends the readout (A),
 * switches baud and sends it (B), or waits for the option select (C/E) and switches to the
 * baud it names before sending the readout, the programming password request, or handing the
 * line over to HDLC (mode E binary). Commands carry the waits and baud switches as data.
 */
export class D0MeterSimulator {
  private readonly o: MeterSimulatorOptions;
  private framer = new D0Framer();
  private state: MeterState;
  private nuls = 0;
  private baudNow = INITIAL_BAUD;

  constructor(options: MeterSimulatorOptions) {
    this.o = options;
    this.state = options.wakeUpNuls === undefined ? 'idle' : 'asleep';
  }

  get baud(): number {
    return this.baudNow;
  }

  /** Mode D: one unsolicited telegram (identification + data message) at 2400 Bd. */
  pushTelegram(): Uint8Array {
    const id = buildIdentification({ manufacturerId: this.o.manufacturerId, baudChar: '3', ident: this.o.ident });
    const data = buildDataMessage(this.o.data, this.o.pushWithoutStx === true ? 'push' : 'stx');
    const out = new Uint8Array(id.length + data.length);
    out.set(id);
    out.set(data, id.length);
    return out;
  }

  receive(bytes: Uint8Array): MeterCommand[] {
    let input = bytes;
    if (this.state === 'asleep') {
      let i = 0;
      for (; i < bytes.length && this.state === 'asleep'; i++) {
        this.nuls = bytes[i] === NUL ? this.nuls + 1 : 0;
        if (this.nuls >= (this.o.wakeUpNuls ?? 0)) this.state = 'idle';
      }
      if (this.state === 'asleep') return [];
      input = bytes.subarray(i);
    }
    const out: MeterCommand[] = [];
    for (const e of this.framer.pushEvents(input)) out.push(...this.onEvent(e));
    return out;
  }

  private onEvent(e: D0FramerEvent): MeterCommand[] {
    switch (this.state) {
      case 'asleep':
        return [];
      case 'idle':
        return e.type === 'request' ? this.onRequest(e.address) : [];
      case 'option':
        if (e.type === 'option-select') return this.onOption(e.option);
        if (e.type === 'request') return this.onRequest(e.address);
        return [];
      case 'programming':
        return e.type === 'command' ? this.onCommand(e.command.command, e.command.type, e.command.data) : [];
      default: {
        const never: never = this.state;
        throw new Error(`meter state ${String(never)}`);
      }
    }
  }

  private reaction(): MeterCommand {
    return { type: 'wait', ms: this.o.reactionMs ?? TIMING.reactionTimeMinMs };
  }

  private onRequest(address: string): MeterCommand[] {
    if (address !== '' && this.o.address !== undefined && address !== this.o.address) return [];
    const max = this.o.maxBaud ?? 9600;
    const mode = this.o.mode;
    const baudChar = mode === 'A' || mode === 'D' ? 'Z' : mode === 'B' ? (modeBBaudChar(max) ?? 'E') : (modeCBaudChar(max) ?? '5');
    const ident = buildIdentification({
      manufacturerId: this.o.manufacturerId,
      baudChar,
      ident: this.o.ident,
      ...(mode === 'E' ? { escape: this.o.escape ?? '2' } : {}),
    });
    const out: MeterCommand[] = [this.reaction(), { type: 'send', bytes: ident }];
    switch (mode) {
      case 'A':
      case 'D':
        out.push(this.reaction(), { type: 'send', bytes: buildDataMessage(this.o.data) });
        return out;
      case 'B': {
        const data = buildDataMessage(this.o.data);
        out.push(
          { type: 'set-baud', baud: max, afterMs: transmitMs(ident.length, INITIAL_BAUD) },
          this.reaction(),
          { type: 'send', bytes: data },
          { type: 'set-baud', baud: INITIAL_BAUD, afterMs: transmitMs(data.length, max) },
        );
        this.reset();
        return out;
      }
      case 'C':
      case 'E':
        this.state = 'option';
        return out;
      default: {
        const never: never = mode;
        throw new Error(`mode ${String(never)}`);
      }
    }
  }

  private onOption(o: OptionSelect): MeterCommand[] {
    const info = baudInfo(o.baudChar);
    const baud = info.family === 'C' && info.baud !== undefined && info.baud <= (this.o.maxBaud ?? 9600) ? info.baud : undefined;
    if (baud === undefined) {
      this.state = 'idle';
      return [{ type: 'send', bytes: Uint8Array.of(NAK) }];
    }
    const out: MeterCommand[] = [{ type: 'set-baud', baud, afterMs: 0 }];
    this.baudNow = baud;
    this.framer = new D0Framer();
    switch (o.modeChar) {
      case '0': {
        const data = buildDataMessage(this.o.data);
        out.push(this.reaction(), { type: 'send', bytes: data }, { type: 'set-baud', baud: INITIAL_BAUD, afterMs: transmitMs(data.length, baud) });
        this.reset();
        return out;
      }
      case '1':
        this.state = 'programming';
        out.push(this.reaction(), { type: 'send', bytes: buildCommand({ command: 'P', type: '0', data: `(${this.o.operand ?? ''})` }) });
        return out;
      case '2':
        if (this.o.mode !== 'E' || (this.o.escape ?? '2') !== '2') break;
        this.reset();
        out.push({ type: 'handover', protocol: 'hdlc', baud });
        return out;
      default:
        break;
    }
    this.state = 'idle';
    return [{ type: 'send', bytes: Uint8Array.of(NAK) }];
  }

  private onCommand(command: string, type: string, data: string | undefined): MeterCommand[] {
    if (command === 'B') {
      this.reset();
      return [{ type: 'set-baud', baud: INITIAL_BAUD, afterMs: 0 }];
    }
    if (command === 'P' && type === '1') {
      const ok = this.o.password === undefined || data === `(${this.o.password})`;
      return [this.reaction(), { type: 'send', bytes: Uint8Array.of(ok ? ACK : NAK) }];
    }
    return [this.reaction(), { type: 'send', bytes: Uint8Array.of(NAK) }];
  }

  private reset(): void {
    this.state = this.o.wakeUpNuls === undefined ? 'idle' : 'asleep';
    this.nuls = 0;
    this.baudNow = INITIAL_BAUD;
    this.framer = new D0Framer();
  }
}
