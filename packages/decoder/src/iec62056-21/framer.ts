import type { ErrorKind, Framer, FramerEvent } from '../common';
import { bcc } from './bcc';
import { blockBounds, isSignOnLine } from './framer-block';
import { ACK, BANG, CR, ETX, LF, NAK, NUL, SLASH, SOH, STX } from './constants';
import { endsWithBang, pushMessage, stxMessage } from './data-message';
import { DEFAULT_MAX_FRAME, type D0Frame, type D0FramerEvent, type D0FramerOptions } from './framer-types';
import { FramerWindow } from './framer-window';
import { ackLineEvent, contractEvent, isHex, SignOnLines } from './framer-lines';
import { MAX_IDENT_LINE } from './identification';
import { parseCommand } from './messages';
import { isPrintable } from './text';

export type { D0Frame, D0FramerError, D0FramerEvent, D0FramerOptions } from './framer-types';

const IDLE = 0;
const SLASH_LINE = 1;
const ACK_LINE = 2;
const BLOCK = 3;
const BLOCK_BCC = 4;
const PUSH = 5;
const PUSH_TAIL = 6;

const OPEN = 0x28;
const CLOSE = 0x29;

/**
 * Incremental IEC 62056-21 framer (the `Framer` contract of common/framer.ts): finds requests
 * (echoes), identifications, option selects, ACK/NAK, data messages (STX…ETX BCC and the push
 * form without STX) and programming commands (SOH…ETX BCC) in a byte stream. Pure: no clock.
 * A push-form readout is reported at its `! CR LF`, an STX readout at its BCC; only an STX
 * readout that stops at `! CR LF` without ETX waits for the next byte (or `flush()`).
 *
 * Resynchronisation: an identification or request line (`/…` CR LF) that begins anywhere inside
 * a pending block, a new STX inside an STX block, or a start marker where the BCC should be ends
 * the pending candidate as `truncated`, and the search goes on at the marker. Garbage before `/`,
 * ACK, STX or SOH is counted in `discardedBytes`; a candidate never grows past `maxFrameBytes`.
 */
export class D0Framer extends FramerWindow implements Framer<D0Frame> {
  private readonly max: number;
  private readonly verify: boolean;
  private readonly lenient: boolean;
  private readonly pushAlways: boolean;
  private readonly bareAck: boolean;
  private readonly identRequired: boolean;

  private state = IDLE;
  /** An identification came and no data block, request or error since (as the readout framer pairs them). */
  private afterIdent = false;
  private depth = 0;
  private lineStart = 0;
  private etx = 0;
  private bang = 0;
  private readonly signOn = new SignOnLines();

  constructor(options: D0FramerOptions = {}) {
    super(options.maskParity ?? false);
    this.max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME;
    this.verify = options.verifyBcc ?? true;
    this.lenient = options.acceptMissingEtx ?? true;
    this.pushAlways = options.pushWithoutIdentification ?? false;
    this.bareAck = options.bareAck ?? false;
    this.identRequired = options.identificationRequired ?? false;
  }

  /** Whether a frame is partly received (the gateway may run its inter-character timer). */
  get busy(): boolean {
    return this.state !== IDLE;
  }

  push(chunk: Uint8Array): FramerEvent<D0Frame>[] {
    return this.pushEvents(chunk).map(contractEvent);
  }

  /** Ends whatever is pending (line silence or end of input). */
  flush(): FramerEvent<D0Frame>[] {
    return this.flushEvents().map(contractEvent);
  }

  /** Like `push`, but frames and errors as one typed list in stream order. */
  pushEvents(chunk: Uint8Array): D0FramerEvent[] {
    this.append(chunk);
    this.scan();
    this.compact(this.state === IDLE);
    return this.take();
  }

  /** Like `flush`, but frames and errors as one typed list in stream order. */
  flushEvents(): D0FramerEvent[] {
    switch (this.state) {
      case IDLE:
        break;
      case BLOCK:
        if (this.lenient && endsWithBang(this.buf, this.start, this.len)) this.emitNoEtx(this.len);
        else this.error('truncated', this.len, 'block ended before ETX/BCC');
        break;
      case PUSH_TAIL:
        this.emitPush(this.len);
        break;
      case ACK_LINE:
        if (this.len - this.start === 1) this.emit({ type: 'ack', ...this.frame(this.start + 1) });
        else this.error('truncated', this.len, 'option select without CR LF');
        break;
      case SLASH_LINE:
      case BLOCK_BCC:
      case PUSH:
        this.error('truncated', this.len, 'frame ended early');
        break;
      default:
        throw new Error(`framer state ${this.state}`);
    }
    this.state = IDLE;
    this.afterIdent = false;
    this.compact(true);
    return this.take();
  }

  /** Forgets everything pending (the gateway changed baud or restarted a session). */
  reset(): void {
    this.clear();
    this.state = IDLE;
    this.afterIdent = false;
  }

  protected shifted(by: number): void {
    this.lineStart -= by;
    this.etx -= by;
    this.bang -= by;
  }

  private error(kind: ErrorKind, end: number, message: string): void {
    this.reject(kind, end, message);
    this.state = IDLE;
    this.afterIdent = false;
  }

  protected step(b: number, pos: number): number {
    switch (this.state) {
      case IDLE:
        return this.idle(b, pos);
      case SLASH_LINE:
        return this.slashByte(b, pos);
      case ACK_LINE:
        return this.ackByte(b, pos);
      case BLOCK:
        return this.blockRun(pos);
      case BLOCK_BCC:
        return this.blockEnd(b, pos);
      case PUSH:
        return this.pushRun(pos);
      case PUSH_TAIL:
        if (b === LF) {
          this.emitPush(pos + 1);
          return pos + 1;
        }
        if (b === CR || (pos - this.bang <= 4 && isHex(b))) return pos + 1;
        this.emitPush(pos);
        return pos;
      default:
        throw new Error(`framer state ${this.state}`);
    }
  }

  private idle(b: number, pos: number): number {
    this.start = pos;
    switch (b) {
      case SLASH:
        this.state = SLASH_LINE;
        break;
      case ACK:
        if (this.bareAck) this.emit({ type: 'ack', ...this.frame(pos + 1) });
        else this.state = ACK_LINE;
        break;
      case STX:
      case SOH:
        this.state = BLOCK;
        break;
      case NAK:
        this.emit({ type: 'nak', ...this.frame(pos + 1) });
        break;
      case CR:
      case LF:
      case NUL:
        break;
      default:
        if ((this.afterIdent || this.pushAlways) && isPrintable(b) && b !== BANG) {
          this.state = PUSH;
          this.depth = 0;
          this.lineStart = pos;
          return pos;
        }
        this.discard(1);
    }
    return pos + 1;
  }

  private slashByte(b: number, pos: number): number {
    if (b === LF) {
      this.slashLine(pos + 1);
      return pos + 1;
    }
    if (b === SLASH) {
      // a new sign-on cuts the line short
      this.error('truncated', pos, 'identification line cut off by a new /');
      return pos;
    }
    // A byte no identification holds: the `/` was noise. (CR ends the line; 0x02 right after
    // `/XXXZ` is the escape some DSMR examples carry, see parseIdentification.)
    if ((b < 0x20 && b !== CR && !(b === STX && pos - this.start === 5)) || b > 0x7e) {
      this.discard(pos - this.start);
      this.state = IDLE;
      return pos;
    }
    if (pos - this.start >= MAX_IDENT_LINE) this.error('too-long', pos, 'line after / too long');
    return pos + 1;
  }

  /** A complete `/…` line: request echo or identification. */
  private slashLine(end: number): void {
    this.state = IDLE;
    const e = this.signOn.event(this.frame(end));
    this.afterIdent = e.type === 'identification';
    this.emit(e);
  }

  private ackByte(b: number, pos: number): number {
    const n = pos - this.start;
    if (b === LF) {
      this.state = IDLE;
      this.emit(ackLineEvent(this.frame(pos + 1)));
      return pos + 1;
    }
    if ((b === CR && n <= 4) || (n <= 3 && b >= 0x30 && b <= 0x49)) return pos + 1;
    // Not an option-select line: a bare ACK; the bytes after it are looked at afresh.
    this.state = IDLE;
    this.emit({ type: 'ack', ...this.frame(this.start + 1) });
    return this.start + 1;
  }

  /**
   * Scans an STX/SOH block from `from` with native byte searches (bounds: framer-block.ts); an
   * identification or request line anywhere in it cuts it off (restartsAt). Returns where to
   * continue, or `-(pos + 1)` to wait for more bytes and resume at `pos`.
   */
  private blockRun(from: number): number {
    const len = this.len;
    const end = Math.min(len, this.start + this.max);
    const { etx, restart, limit, resume, cut, stop } = blockBounds(this.buf, this.start, from, len, end);
    for (let s = this.find(SLASH, from, stop); s >= 0; s = this.find(SLASH, s + 1, stop)) {
      const lf = this.find(LF, s, Math.min(len, s + MAX_IDENT_LINE));
      if (lf < 0) {
        if (len - s < MAX_IDENT_LINE) return -(s + 1);
        continue;
      }
      if (this.restartsAt(s, lf)) return lf + 1;
    }
    if (cut >= 0) {
      if (this.lenient) this.emitNoEtx(cut);
      else this.error('truncated', cut, 'readout ended at ! CR LF without ETX/BCC');
      return cut;
    }
    if (restart >= 0 && resume === limit) {
      this.error('truncated', restart, 'block cut off by a new STX');
      return restart;
    }
    if (etx >= 0 && restart < 0) {
      this.etx = etx;
      this.state = BLOCK_BCC;
      return etx + 1;
    }
    if (end - this.start >= this.max) {
      this.error('too-long', end, 'no ETX within the maximum frame size');
      return end;
    }
    return resume < len ? -(resume + 1) : len;
  }

  private blockEnd(b: number, pos: number): number {
    if (b === SLASH && this.identRequired && !this.afterIdent && this.buf[this.start] === STX) {
      // refused anyway (no identification before it); the `/` is far likelier the next sign-on
      this.error('bad-format', pos, 'data message without identification');
      return pos;
    }
    const good = bcc(this.buf, this.start + 1, this.etx + 1) === b;
    if (!good && (b === SLASH || b === STX || b === SOH)) {
      this.error('truncated', pos, 'a new message where the BCC should be');
      return pos;
    }
    const end = pos + 1;
    if (!good && this.verify) {
      this.error('bad-crc', end, 'BCC mismatch');
      return end;
    }
    this.state = IDLE;
    const frame = this.frame(end);
    if (frame.bytes[0] === SOH) {
      const c = parseCommand(frame.bytes, 0, frame.bytes.length, false);
      this.emit(c.ok ? { type: 'command', command: c.value, ...frame } : { type: 'error', error: c.error, ...frame });
      return end;
    }
    this.afterIdent = false;
    this.emit({ type: 'data', message: stxMessage(this.buf, this.start, this.etx, good ? 'ok' : 'mismatch'), offset: frame.offset, bytes: frame.bytes });
    return end;
  }

  private emitNoEtx(end: number): void {
    this.state = IDLE;
    this.afterIdent = false;
    const message = stxMessage(this.buf, this.start, end, 'absent');
    const frame = this.frame(end);
    this.emit({ type: 'data', message, offset: frame.offset, bytes: frame.bytes });
  }

  /**
   * Scans push-form data lines from `pos` up to the `!` outside brackets. Line noise ends the
   * candidate as `bad-format` at once: a byte outside printable ASCII (CR, LF aside), a bracket
   * inside a bracket, a `)` without `(`, a bracket open at the line end.
   */
  private pushRun(from: number): number {
    const buf = this.buf;
    const end = Math.min(this.len, this.start + this.max);
    let inside = this.depth > 0;
    let pos = from;
    for (; pos < end; pos++) {
      const b = buf[pos] as number;
      if (b > CLOSE) {
        if (b < 0x7f) continue;
        return this.noise(pos, 'byte outside printable ASCII in a data line');
      }
      if (b === OPEN) {
        if (inside) return this.noise(pos, '( inside a value');
        inside = true;
      } else if (b === CLOSE) {
        if (!inside) return this.noise(pos, ') without (');
        inside = false;
      } else if (b === BANG) {
        if (!inside) {
          this.bang = pos;
          this.state = PUSH_TAIL;
          return pos + 1;
        }
      } else if (b === LF) {
        if (this.lineRestarts(pos)) return pos + 1;
        if (inside) return this.noise(pos, 'value open at the line end');
      } else if (b === STX || b === SOH || b === ACK || b === ETX) {
        this.error('truncated', pos, 'data lines ended without !');
        return pos;
      } else if (b < 0x20 && b !== CR) return this.noise(pos, 'control character in a data line');
    }
    this.depth = inside ? 1 : 0;
    if (pos - this.start >= this.max) this.error('too-long', pos, 'no ! within the maximum frame size');
    return pos;
  }

  /** Push data hit by line noise at `pos`: rejected through that byte. */
  private noise(pos: number, message: string): number {
    this.error('bad-format', pos + 1, message);
    return pos + 1;
  }

  private emitPush(end: number): void {
    this.state = IDLE;
    this.afterIdent = false;
    // Fields written out (no spread: one object shape, no clone of the frame object per readout).
    const message = pushMessage(this.buf, this.start, this.bang, end);
    const frame = this.frame(end);
    this.emit({ type: 'data', message, offset: frame.offset, bytes: frame.bytes });
  }

  /** At a line end inside push data: whether a `/` in the line began a new sign-on. */
  private lineRestarts(lf: number): boolean {
    const from = Math.max(this.lineStart, lf - MAX_IDENT_LINE);
    this.lineStart = lf + 1;
    for (let s = this.find(SLASH, from, lf); s >= 0; s = this.find(SLASH, s + 1, lf)) {
      if (this.restartsAt(s, lf)) return true;
    }
    return false;
  }

  /** `[s, lf]` inside a pending block: a sign-on line cuts the block off; reports that and takes the line as a new message. */
  private restartsAt(s: number, lf: number): boolean {
    if (!isSignOnLine(this.buf, s, lf)) return false;
    this.error('truncated', s, 'block cut off by a new sign-on');
    this.start = s;
    this.slashLine(lf + 1);
    return true;
  }
}
