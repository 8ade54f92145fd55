import { fail, type DecodeError, type ErrorKind } from '../common';
import { bcc } from './bcc';
import { ACK, BANG, CR, EOT, ETX, LAYER, LF, NAK, NUL, SLASH, SOH, STX } from './constants';
import { stxMessage, type DataMessage } from './data-message';
import { MAX_IDENT_LINE, parseIdentification, type Identification } from './identification';
import { parseCommand, parseOptionSelect, parseRequest, type CommandMessage, type OptionSelect } from './messages';
import { isPrintable, latin1 } from './text';

interface FrameBase {
  /** Stream offset of the frame's first byte (counted from the framer's first byte). */
  readonly offset: number;
  /** The frame's bytes (a copy). */
  readonly bytes: Uint8Array;
}

/** A message found in the byte stream. */
export type D0Frame =
  | (FrameBase & { readonly type: 'request'; readonly address: string })
  | (FrameBase & { readonly type: 'identification'; readonly identification: Identification })
  | (FrameBase & { readonly type: 'option-select'; readonly option: OptionSelect })
  /** A bare ACK (programming mode), or `ACK CR LF` as some meters echo it. */
  | (FrameBase & { readonly type: 'ack' })
  | (FrameBase & { readonly type: 'nak' })
  | (FrameBase & { readonly type: 'data'; readonly message: DataMessage })
  | (FrameBase & { readonly type: 'command'; readonly command: CommandMessage });

/** A rejected frame: the error plus where it was and what it held. */
export interface D0FramerError extends FrameBase {
  readonly type: 'error';
  readonly error: DecodeError;
}

export type D0FramerEvent = D0Frame | D0FramerError;

export interface D0FramerOutput {
  readonly frames: D0Frame[];
  readonly errors: D0FramerError[];
  /** Garbage bytes dropped during this push (CR, LF and NUL between frames are not counted). */
  readonly discarded: number;
}

export interface D0FramerOptions {
  /** Largest data message kept before `too-long` (default 256 KiB: readouts with load profiles are big). */
  readonly maxFrameBytes?: number;
  /** Reject wrong BCCs with `bad-crc` (default true). When false the frame says `bcc: 'mismatch'`. */
  readonly verifyBcc?: boolean;
  /**
   * Accept an STX readout that stops at `! CR LF` without ETX/BCC (test rigs, some gateways).
   * The frame is emitted when the next byte is not ETX, or on `flush()`. Default true; when false
   * such a block is `truncated`.
   */
  readonly acceptMissingEtx?: boolean;
  /** Clear bit 7 of every byte (port opened 8N1 while the meter speaks 7E1). Default false. */
  readonly maskParity?: boolean;
  /** Accept plain data lines that no identification preceded (default false: they are garbage). */
  readonly pushWithoutIdentification?: boolean;
  /**
   * Every ACK is a complete message at once (programming mode, where the meter answers with a
   * lone ACK and no option select can follow). Default false: ACK may start `ACK V Z Y CR LF`,
   * so a lone ACK is reported when the next byte or `flush()` shows it is alone.
   */
  readonly bareAck?: boolean;
}

const IDLE = 0;
const SLASH_LINE = 1;
const ACK_LINE = 2;
const BLOCK = 3;
const BLOCK_BCC = 4;
const PUSH = 5;
const PUSH_TAIL = 6;

const DEFAULT_MAX = 256 * 1024;
const OPEN = 0x28;
const CLOSE = 0x29;

/**
 * Incremental IEC 62056-21 framer: finds requests (echoes), identifications, option selects,
 * ACK/NAK, data messages (STX…ETX BCC and the push form without STX) and programming commands
 * (SOH…ETX BCC) in a byte stream. Pure: no clock. Call `flush()` when the line has been silent
 * longer than the inter-character time (1500 ms) or at the end of a replayed file, so a block
 * that ends without ETX, or a truncated one, is reported.
 *
 * Resynchronisation (protocol-notes §2.4): a `/` at the start of a line inside a block whose line
 * parses as identification or request ends the block as `truncated`; garbage before `/`, ACK,
 * STX or SOH is counted in `discarded`.
 */
export class D0Framer {
  private readonly max: number;
  private readonly verify: boolean;
  private readonly lenient: boolean;
  private readonly mask: boolean;
  private readonly pushAlways: boolean;
  private readonly bareAck: boolean;

  /** Own storage for bytes kept between pushes. */
  private own: Buffer = Buffer.allocUnsafe(4096);
  /**
   * Bytes being scanned: `own`, or, when nothing was pending, a read-only view of the caller's
   * chunk (no copy; never written to — what is left over is copied into `own`). A Buffer, so
   * text is read out without a wrapper per message.
   */
  private buf: Buffer = this.own;
  private len = 0;
  /** Stream offset of `buf[0]`. */
  private base = 0;
  private pos = 0;
  private state = IDLE;
  private start = 0;
  private afterIdent = false;
  private depth = 0;
  private lineStart = 0;
  private etx = 0;
  private bang = 0;
  private out: D0FramerEvent[] = [];
  private discardedNow = 0;
  private discardedTotal = 0;

  constructor(options: D0FramerOptions = {}) {
    this.max = options.maxFrameBytes ?? DEFAULT_MAX;
    this.verify = options.verifyBcc ?? true;
    this.lenient = options.acceptMissingEtx ?? true;
    this.mask = options.maskParity ?? false;
    this.pushAlways = options.pushWithoutIdentification ?? false;
    this.bareAck = options.bareAck ?? false;
  }

  /** Garbage bytes dropped so far. */
  get discardedBytes(): number {
    return this.discardedTotal;
  }

  /** Whether a frame is partly received (the gateway may run its inter-character timer). */
  get busy(): boolean {
    return this.state !== IDLE;
  }

  push(chunk: Uint8Array): D0FramerOutput {
    return split(this.pushEvents(chunk), this.takeDiscarded());
  }

  /** Ends whatever is pending (line silence or end of input). */
  flush(): D0FramerOutput {
    return split(this.flushEvents(), this.takeDiscarded());
  }

  /** Like `push`, but frames and errors in stream order. */
  pushEvents(chunk: Uint8Array): D0FramerEvent[] {
    this.append(chunk);
    this.scan();
    this.compact();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Like `flush`, but frames and errors in stream order. */
  flushEvents(): D0FramerEvent[] {
    switch (this.state) {
      case IDLE:
        break;
      case BLOCK:
        if (this.lenient && this.endsWithBang()) this.emitNoEtx(this.len);
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
    this.compact();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Forgets everything pending (the gateway changed baud or restarted a session). */
  reset(): void {
    this.base += this.len;
    this.buf = this.own;
    this.len = 0;
    this.pos = 0;
    this.state = IDLE;
    this.afterIdent = false;
    this.out = [];
  }

  private takeDiscarded(): number {
    const n = this.discardedNow;
    this.discardedNow = 0;
    return n;
  }

  private append(chunk: Uint8Array): void {
    if (this.len === 0 && !this.mask) {
      this.buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      this.len = chunk.length;
      return;
    }
    const need = this.len + chunk.length;
    this.reserve(need);
    this.own.set(chunk, this.len);
    if (this.mask) for (let i = this.len; i < need; i++) this.own[i] = (this.own[i] as number) & 0x7f;
    this.len = need;
  }

  private reserve(size: number): void {
    if (size <= this.own.length) return;
    let next = this.own.length * 2;
    while (next < size) next *= 2;
    const grown = Buffer.allocUnsafe(next);
    grown.set(this.own.subarray(0, this.len));
    this.own = grown;
    this.buf = grown;
  }

  /** Drops consumed bytes: everything when idle, else what lies before the pending frame. */
  private compact(): void {
    const keep = this.state === IDLE ? this.len : this.start;
    if (this.buf !== this.own) {
      const rest = this.buf.subarray(keep, this.len);
      const n = this.len;
      this.buf = this.own;
      this.len = 0;
      this.reserve(rest.length);
      this.own.set(rest, 0);
      this.len = n;
    } else if (keep === 0) return;
    else this.own.copyWithin(0, keep, this.len);
    this.len -= keep;
    this.base += keep;
    this.pos = this.state === IDLE ? 0 : this.pos - keep;
    this.start -= keep;
    this.lineStart -= keep;
    this.etx -= keep;
    this.bang -= keep;
  }

  private frame(end: number): FrameBase {
    const bytes = Buffer.allocUnsafe(end - this.start);
    this.buf.copy(bytes, 0, this.start, end);
    return { offset: this.base + this.start, bytes };
  }

  private emit(event: D0FramerEvent): void {
    this.out.push(event);
  }

  private error(kind: ErrorKind, end: number, message: string): void {
    const f = fail(kind, LAYER, message, end - this.start);
    this.emit({ type: 'error', error: f.error, ...this.frame(end) });
    this.state = IDLE;
    this.afterIdent = false;
  }

  private scan(): void {
    const buf = this.buf;
    const len = this.len;
    let pos = this.pos;
    while (pos < len) {
      const next = this.step(buf[pos] as number, pos);
      if (next < 0) {
        pos = -next - 1;
        break;
      }
      pos = next;
    }
    this.pos = pos;
  }

  /** Consumes byte `b` at `pos`; returns where to continue (`pos` again to look at it afresh). */
  private step(b: number, pos: number): number {
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
        this.blockEnd(b, pos);
        return pos + 1;
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

  private discard(n: number): void {
    this.discardedNow += n;
    this.discardedTotal += n;
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
    // Control characters that start other messages: the `/` was noise. (0x02 right after
    // `/XXXZ` is the escape some DSMR examples carry, see parseIdentification.)
    if ((b === STX && pos - this.start !== 5) || b === ETX || b === SOH || b === ACK || b === NAK) {
      this.discard(pos - this.start);
      this.state = IDLE;
      return pos;
    }
    if (b === SLASH) {
      this.discard(pos - this.start);
      this.start = pos;
      return pos + 1;
    }
    if (pos - this.start >= MAX_IDENT_LINE) this.error('too-long', pos, 'line after / too long');
    return pos + 1;
  }

  /** A complete `/…` line: request echo or identification. */
  private slashLine(end: number): void {
    this.state = IDLE;
    const frame = this.frame(end);
    if (frame.bytes[1] === 0x3f) {
      const text = latin1(frame.bytes);
      const address = parseRequest(text);
      if (address === undefined) {
        this.error('bad-format', end, 'request line is not /?address!');
        return;
      }
      this.afterIdent = false;
      this.emit({ type: 'request', address, ...frame });
      return;
    }
    const id = this.identification(frame.bytes);
    if (!id.ok) {
      this.afterIdent = false;
      this.emit({ type: 'error', error: id.error, ...frame });
      return;
    }
    this.afterIdent = true;
    this.emit({ type: 'identification', identification: id.value, ...frame });
  }

  /** Parses an identification line; a push meter repeats the same one, so the last is kept. */
  private identification(bytes: Uint8Array): ReturnType<typeof parseIdentification> {
    const last = this.lastIdent;
    if (last !== undefined && sameBytes(last.bytes, bytes)) return last.result;
    const result = parseIdentification(bytes);
    this.lastIdent = { bytes, result };
    return result;
  }

  private lastIdent: { bytes: Uint8Array; result: ReturnType<typeof parseIdentification> } | undefined;

  private ackByte(b: number, pos: number): number {
    const n = pos - this.start;
    if (b === LF) {
      this.state = IDLE;
      const frame = this.frame(pos + 1);
      let stop = frame.bytes.length - 1;
      if (frame.bytes[stop - 1] === CR) stop--;
      if (stop === 1) {
        this.emit({ type: 'ack', ...frame });
        return pos + 1;
      }
      const o = parseOptionSelect(frame.bytes);
      this.emit(o.ok ? { type: 'option-select', option: o.value, ...frame } : { type: 'error', error: o.error, ...frame });
      return pos + 1;
    }
    if ((b === CR && n <= 4) || (n <= 3 && b >= 0x30 && b <= 0x49)) return pos + 1;
    // Not an option-select line: a bare ACK; the bytes after it are looked at afresh.
    this.state = IDLE;
    this.emit({ type: 'ack', ...this.frame(this.start + 1) });
    return this.start + 1;
  }

  /** Whether the pending STX block ends with `! CR LF`. */
  private endsWithBang(): boolean {
    const n = this.len;
    return this.buf[this.start] === STX && n - this.start >= 4 && this.buf[n - 3] === BANG && this.buf[n - 2] === CR && this.buf[n - 1] === LF;
  }

  /** First `byte` in `[from, to)` of the received bytes, or -1. */
  private find(byte: number, from: number, to: number): number {
    if (from >= to) return -1;
    const i = this.buf.indexOf(byte, from);
    return i < 0 || i >= to ? -1 : i;
  }

  /**
   * Scans an STX/SOH block from `from` with native byte searches: the first ETX/EOT ends it; in
   * an STX block `! CR LF` followed by anything but ETX/EOT ends it without BCC; a `/` starting
   * a line may cut it off (see lineRestarts). Returns where to continue, or `-(pos + 1)` to wait
   * for more bytes and resume at `pos`.
   */
  private blockRun(from: number): number {
    const buf = this.buf;
    const len = this.len;
    const end = Math.min(len, this.start + this.max);
    let etx = this.find(ETX, from, end);
    const eot = this.find(EOT, from, etx < 0 ? end : etx);
    if (eot >= 0) etx = eot;
    const limit = etx < 0 ? end : etx;
    let resume = limit;
    let cut = -1;
    if (buf[this.start] === STX) {
      for (let b = this.find(BANG, from, limit); b >= 0; b = this.find(BANG, b + 1, limit)) {
        if (b + 3 > len || (b + 3 === len && etx < 0)) {
          resume = b;
          break;
        }
        if (buf[b + 1] === CR && buf[b + 2] === LF && b + 3 < limit) {
          cut = b + 3;
          break;
        }
      }
    }
    const stop = cut >= 0 ? cut : Math.min(limit, resume);
    for (let s = this.find(SLASH, from, stop); s >= 0; s = this.find(SLASH, s + 1, stop)) {
      if (buf[s - 1] !== LF || s - 1 < this.start) continue;
      const lf = this.find(LF, s, len);
      if (lf < 0) return -(s + 1);
      if (this.restartsAt(s, lf)) return lf + 1;
    }
    if (cut >= 0) {
      if (this.lenient) this.emitNoEtx(cut);
      else this.error('truncated', cut, 'readout ended at ! CR LF without ETX/BCC');
      return cut;
    }
    if (etx >= 0) {
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

  private blockEnd(b: number, pos: number): void {
    const end = pos + 1;
    const good = bcc(this.buf, this.start + 1, this.etx + 1) === b;
    if (!good && this.verify) {
      this.error('bad-crc', end, 'BCC mismatch');
      return;
    }
    this.state = IDLE;
    const frame = this.frame(end);
    if (frame.bytes[0] === SOH) {
      const c = parseCommand(frame.bytes, 0, frame.bytes.length, false);
      this.emit(c.ok ? { type: 'command', command: c.value, ...frame } : { type: 'error', error: c.error, ...frame });
      return;
    }
    this.afterIdent = false;
    this.emit({ type: 'data', message: stxMessage(this.buf, this.start, this.etx, good ? 'ok' : 'mismatch'), ...frame });
  }

  private emitNoEtx(end: number): void {
    this.state = IDLE;
    this.afterIdent = false;
    const message = stxMessage(this.buf, this.start, end, 'absent');
    this.emit({ type: 'data', message, ...this.frame(end) });
  }

  /** Scans push-form data lines from `pos` up to the `!` outside brackets. */
  private pushRun(from: number): number {
    const buf = this.buf;
    const end = Math.min(this.len, this.start + this.max);
    let depth = this.depth;
    let pos = from;
    for (; pos < end; pos++) {
      const b = buf[pos] as number;
      if (b > CLOSE) continue;
      if (b === OPEN) depth++;
      else if (b === CLOSE) {
        if (depth > 0) depth--;
      } else if (b === BANG) {
        if (depth === 0) {
          this.bang = pos;
          this.state = PUSH_TAIL;
          return pos + 1;
        }
      } else if (b === LF) {
        depth = 0;
        if (this.lineRestarts(pos)) return pos + 1;
      } else if (b === STX || b === SOH || b === ACK || b === ETX) {
        this.error('truncated', pos, 'data lines ended without !');
        return pos;
      }
    }
    this.depth = depth;
    if (pos - this.start >= this.max) this.error('too-long', pos, 'no ! within the maximum frame size');
    return pos;
  }

  private emitPush(end: number): void {
    this.state = IDLE;
    this.afterIdent = false;
    const tail = end - this.bang <= 3 ? '' : latin1(this.buf, this.bang + 1, end).replace(/\r?\n$/, '').replace(/\r$/, '');
    const message: DataMessage = {
      form: 'push',
      text: latin1(this.buf, this.start, this.bang),
      bcc: 'absent',
      complete: true,
      partial: false,
      ...(tail === '' ? {} : { checksum: tail }),
    };
    this.emit({ type: 'data', message, ...this.frame(end) });
  }

  /** At a line end inside push data: checks whether the line began a new sign-on. */
  private lineRestarts(lf: number): boolean {
    const lineStart = this.lineStart;
    this.lineStart = lf + 1;
    if (this.buf[lineStart] !== SLASH || lineStart === this.start) return false;
    return this.restartsAt(lineStart, lf);
  }

  /**
   * A line `[lineStart, lf]` inside a block that begins with `/`: when it is an identification
   * or a request, the block before it was cut off. Reports that and takes the line as new message.
   */
  private restartsAt(lineStart: number, lf: number): boolean {
    const isRequest = this.buf[lineStart + 1] === 0x3f && parseRequest(latin1(this.buf, lineStart, lf + 1)) !== undefined;
    if (!isRequest && !parseIdentification(this.buf, lineStart, lf + 1).ok) return false;
    this.error('truncated', lineStart, 'block cut off by a new sign-on');
    this.start = lineStart;
    this.slashLine(lf + 1);
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

function split(events: D0FramerEvent[], discarded: number): D0FramerOutput {
  const frames: D0Frame[] = [];
  const errors: D0FramerError[] = [];
  for (const e of events) {
    if (e.type === 'error') errors.push(e);
    else frames.push(e);
  }
  return { frames, errors, discarded };
}
