import {
  accumulateMbusReadout,
  buildMbusSelectSecondary,
  buildMbusSndNke,
  createMbusFcbState,
  createMbusFramer,
  decodeMbusApplicationLayer,
  EMPTY_MBUS_READOUT,
  isMbusSlaveFrame,
  MBUS_ADDRESS,
  mbusLinkReset,
  mbusSecondaryAddress,
  frameEvent,
  mbusTelegramToSnapshot,
  mergeMbusReadout,
  nextMbusReqUd2,
  repeatMbusReqUd2,
  type FrameEvent,
  type MbusFcbState,
  type MbusFramer,
  type MbusReadoutAccumulator,
  type MbusTelegram,
} from '@smi/decoder';
import type { MeterConfig } from '../config/schema';
import { silentLogger, type Logger } from '../log';
import type { MeterSession, SessionIo } from '../session';
import { PollRounds, type Live } from './poll-rounds';
import { RequestSlot } from './request-slot';

/** How a wired M-Bus master polls its slaves (protocol notes §5.2, §5.9). */
export interface MbusPollingOptions {
  /** Label in log lines (the meter's name). */
  readonly label: string;
  readonly primaryAddresses: readonly number[];
  /** libmbus-style 16-hex masks: id (F = any digit), manufacturer, version, medium. */
  readonly secondaryAddresses: readonly string[];
  readonly pollIntervalMs: number;
  /** Silence after a request (or between bytes of an answer) that counts as no answer. */
  readonly responseTimeoutMs: number;
  /** Requests repeated after a timeout before a slave counts as missing for this round. */
  readonly retries: number;
  /** Pause before each request, so slow slaves and echoing level converters settle. */
  readonly turnaroundMs?: number;
}

/** A slave to read each round. Secondary targets are addressed through A = FD after selection. */
interface Target {
  readonly label: string;
  readonly address: number;
  readonly mask?: string;
  readonly select?: Uint8Array;
  /** FCB bookkeeping of this slave (per target, so selected slaves on FD never share one). */
  fcb: MbusFcbState;
  missing: boolean;
}

type Answer =
  | { readonly kind: 'ack' }
  | { readonly kind: 'telegram'; readonly complete: boolean }
  | { readonly kind: 'timeout' }
  /** A frame that failed its checks (noise, or several slaves answering at once). */
  | { readonly kind: 'garbled' }
  | { readonly kind: 'stopped' };

/** What the request on the line waits for. */
interface Waiting {
  readonly expect: 'ack' | 'data';
  readonly target: Target;
}

/** `068558172C2D0804` against a mask with F wildcards (id digits; FFFF, FF, FF for the rest). */
function matchesMask(mask: string, address: string): boolean {
  const m = mask.toUpperCase();
  for (let i = 0; i < 8; i++) if (m[i] !== 'F' && m[i] !== address[i]) return false;
  const fields: readonly [number, number][] = [
    [8, 12],
    [12, 14],
    [14, 16],
  ];
  return fields.every(([from, to]) => /^F+$/.test(m.slice(from, to)) || m.slice(from, to) === address.slice(from, to));
}

/**
 * Whether an answer can come from the target. A selected slave's header must match the mask; the
 * A field is not checked (slaves exist that answer with A = 0 or a stale address).
 */
function fromTarget(target: Target, t: MbusTelegram): boolean {
  if (target.mask === undefined || t.kind !== 'variable' || !t.header) return true;
  return matchesMask(target.mask, mbusSecondaryAddress(t.header));
}

/**
 * Wired M-Bus master (EN 13757-2/-3) as a meter session: every poll interval, for each configured
 * slave, SND_NKE (→ E5) or a secondary selection (SND_UD CI 52 to FD → E5), then REQ_UD2 with
 * toggling FCB, again while the slave says "more records follow". Each complete readout becomes
 * one snapshot event from `push`. A slave that stays silent after the retries is logged and tried
 * again next round; nothing here ever throws at the pipeline.
 */
export class MbusPollingSession implements MeterSession {
  readonly protocol = 'mbus' as const;
  private readonly targets: Target[];
  private framer: MbusFramer = createMbusFramer();
  private readout: MbusReadoutAccumulator = EMPTY_MBUS_READOUT;
  /** The last telegram of an unfinished readout (the frame reported with its snapshot). */
  private readoutFrame: Uint8Array = new Uint8Array(0);
  private io: SessionIo | undefined;
  private readonly slot: RequestSlot<Waiting, Answer>;
  private readonly rounds: PollRounds<Target>;
  private droppedBefore = 0;

  constructor(private readonly options: MbusPollingOptions) {
    this.slot = new RequestSlot<Waiting, Answer>(options.responseTimeoutMs, { kind: 'timeout' });
    this.rounds = new PollRounds<Target>(
      options.pollIntervalMs,
      (target, live) => this.read(target, live),
      (target, e) => this.log.error(`${this.options.label}: reading ${target.label} failed: ${String(e)}`),
    );
    const primary = options.primaryAddresses.map((a): Target => ({ label: `primary address ${a}`, address: a, fcb: createMbusFcbState(), missing: false }));
    const secondary = options.secondaryAddresses.flatMap((mask): Target[] => {
      const select = buildMbusSelectSecondary(mask);
      if (!select.ok) return []; // createMbusPollingSession refuses these
      return [
        {
          label: `secondary address ${mask.toUpperCase()}`,
          address: MBUS_ADDRESS.network,
          mask: mask.toUpperCase(),
          select: select.value,
          fcb: createMbusFcbState(),
          missing: false,
        },
      ];
    });
    this.targets = [...primary, ...secondary];
  }

  get discardedBytes(): number {
    return this.droppedBefore + this.framer.discardedBytes;
  }

  private get log(): Logger {
    return this.io?.log ?? silentLogger;
  }

  start(io: SessionIo): void {
    this.stop();
    this.io = io;
    this.log.info(`${this.options.label}: polling M-Bus ${this.targets.map((t) => t.label).join(', ')} every ${this.options.pollIntervalMs / 1000} s`);
    this.rounds.start(this.targets);
  }

  stop(): void {
    this.rounds.stop();
    this.slot.answer({ kind: 'stopped' });
    this.io = undefined;
    this.readout = EMPTY_MBUS_READOUT;
    // Half a frame from before the line closed must not meet the first bytes after it reopens.
    this.droppedBefore += this.framer.discardedBytes;
    this.framer = createMbusFramer();
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    if (chunk.length > 0) this.slot.arm(); // bytes are arriving: a long frame at 2400 Bd takes a second
    const droppedBefore = this.framer.discardedBytes;
    const pushed = this.framer.push(chunk);
    // Garbage instead of a clean E5: several selected slaves answered at once (or line noise).
    if (this.framer.discardedBytes > droppedBefore && this.slot.waiting?.expect === 'ack') this.slot.answer({ kind: 'garbled' });
    for (const e of pushed) {
      if (!e.ok) {
        events.push(e.bytes ? { ok: false, error: e.error, frame: e.bytes } : { ok: false, error: e.error });
        this.slot.answer({ kind: 'garbled' });
        continue;
      }
      const f = e.frame;
      if (f.type === 'ack') {
        if (this.slot.waiting?.expect === 'ack') this.slot.answer({ kind: 'ack' });
        continue;
      }
      // Short frames and frames with the DIR bit are requests: ours, echoed by the level converter.
      if (f.type === 'short' || !isMbusSlaveFrame(f.control)) continue;
      const w = this.slot.waiting;
      if (w?.expect !== 'data') {
        this.log.debug(`${this.options.label}: ignoring an M-Bus answer from address ${f.address} that came after its request timed out`);
        continue;
      }
      const t = decodeMbusApplicationLayer(f);
      if (!t.ok) {
        events.push({ ok: false, error: t.error, frame: f.bytes });
        this.slot.answer({ kind: 'garbled' });
        continue;
      }
      if (!fromTarget(w.target, t.value)) {
        this.log.debug(`${this.options.label}: ignoring an M-Bus answer from address ${f.address} while waiting for ${w.target.label}`);
        continue;
      }
      this.slot.answer({ kind: 'telegram', complete: this.collect(t.value, f.bytes, events) });
    }
    return events;
  }

  /** Adds a telegram to the readout; true when the readout is complete (its snapshot is in `events`). */
  private collect(t: MbusTelegram, frame: Uint8Array, events: FrameEvent[]): boolean {
    const emit = (telegram: MbusTelegram): void => void events.push(frameEvent(mbusTelegramToSnapshot(telegram), frame));
    if (t.kind !== 'variable') {
      emit(t);
      return true;
    }
    const acc = accumulateMbusReadout(this.readout, t);
    if (!acc.ok) {
      this.readout = EMPTY_MBUS_READOUT;
      events.push({ ok: false, error: acc.error, frame });
      return true;
    }
    if (!acc.value.complete) {
      this.readout = acc.value;
      this.readoutFrame = frame;
      return false;
    }
    this.readout = EMPTY_MBUS_READOUT;
    const merged = mergeMbusReadout(acc.value);
    if (merged) emit(merged);
    return true;
  }

  /** One readout of one slave; false when it stayed silent (or the session stopped). */
  private async read(target: Target, live: Live): Promise<boolean> {
    this.readout = EMPTY_MBUS_READOUT;
    const linked = target.select ? await this.selectSecondary(target, target.select) : await this.resetLink(target);
    if (!linked) return false;
    for (let telegrams = 0; ; telegrams++) {
      const req = nextMbusReqUd2(target.fcb, target.address);
      target.fcb = req.state;
      let answer = await this.exchange(req.frame, 'data', target);
      // Same FCB again: the slave repeats its last answer instead of moving on.
      for (let retry = 0; retry < this.options.retries && (answer.kind === 'timeout' || answer.kind === 'garbled'); retry++) {
        if (!live()) return false;
        answer = await this.exchange(repeatMbusReqUd2(target.fcb, target.address).frame, 'data', target);
      }
      if (answer.kind === 'stopped' || !live()) return false;
      if (answer.kind !== 'telegram') {
        if (telegrams > 0) this.emitPartialReadout();
        return this.missing(target, telegrams === 0 ? 'no answer to REQ_UD2' : `no telegram ${telegrams + 1} of a multi-telegram readout`);
      }
      if (answer.complete) return this.present(target);
    }
  }

  /** SND_NKE → E5; afterwards the next REQ_UD2 carries FCB 1. */
  private async resetLink(target: Target): Promise<boolean> {
    const reset = mbusLinkReset(target.fcb, target.address);
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      const answer = await this.exchange(reset.frame, 'ack', target);
      if (answer.kind === 'stopped') return false;
      if (answer.kind === 'ack') {
        target.fcb = reset.state;
        return true;
      }
    }
    return this.missing(target, 'no answer to SND_NKE');
  }

  /** Deselects whatever slave is selected (SND_NKE to FD), then selects this one (CI 52 → E5). */
  private async selectSecondary(target: Target, select: Uint8Array): Promise<boolean> {
    if ((await this.exchange(buildMbusSndNke(MBUS_ADDRESS.network), 'ack', target)).kind === 'stopped') return false;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      const answer = await this.exchange(select, 'ack', target);
      if (answer.kind === 'stopped') return false;
      if (answer.kind === 'ack') return true;
      if (answer.kind === 'garbled') {
        this.log.warn(
          `${this.options.label}: several M-Bus slaves answered the selection of ${target.label} (collision); give a more specific secondary address`,
        );
        return false;
      }
    }
    return this.missing(target, 'no answer to the selection');
  }

  /**
   * The slave said "more records follow" and then stayed silent: what it sent is still real (each
   * telegram carried its own checksum), so it comes out as one snapshot — its records marked as
   * an incomplete readout (`moreRecordsFollow`) — instead of being dropped without a word.
   */
  private emitPartialReadout(): void {
    const merged = mergeMbusReadout(this.readout);
    this.readout = EMPTY_MBUS_READOUT;
    if (merged === undefined) return;
    this.io?.emit?.([frameEvent(mbusTelegramToSnapshot(merged), this.readoutFrame)]);
  }

  private missing(target: Target, why: string): false {
    const line = `${this.options.label}: M-Bus ${target.label}: ${why}; trying again next round`;
    if (target.missing) this.log.debug(line);
    else this.log.warn(line);
    target.missing = true;
    return false;
  }

  private present(target: Target): true {
    if (target.missing) this.log.info(`${this.options.label}: M-Bus ${target.label} answers again`);
    target.missing = false;
    return true;
  }

  /** Sends one request and waits for the answer it expects, a timeout, or the session's end. */
  private async exchange(frame: Uint8Array, expect: Waiting['expect'], target: Target): Promise<Answer> {
    const io = this.io;
    const turnaround = this.options.turnaroundMs ?? 0;
    if (turnaround > 0) await new Promise((r) => setTimeout(r, turnaround));
    if (!io || this.io !== io) return { kind: 'stopped' }; // stopped (or restarted on a new line) meanwhile
    return this.slot.send(io, frame, { expect, target }, `${this.options.label}: cannot send an M-Bus request`);
  }
}

/** Answer timeout: 330 bit times plus 50 ms (§5.9) and room for USB converters; bridges get more. */
export function mbusResponseTimeoutMs(transport: MeterConfig['transport']): number {
  if (transport.type === 'serial') return Math.ceil((330 * 1000) / transport.baudRate) + 450;
  return 2000;
}

/** Whether a meter is a polled M-Bus line (addresses configured) rather than a passive decoder. */
export function isMbusPolling(m: MeterConfig): boolean {
  return m.protocol === 'mbus' && m.mbus !== undefined && (m.mbus.primaryAddresses.length > 0 || m.mbus.secondaryAddresses.length > 0);
}

/** The polling session for a configured M-Bus meter, or which secondary address cannot be a selection mask. */
export function createMbusPollingSession(m: MeterConfig): { ok: true; value: MbusPollingSession } | { ok: false; error: string } {
  const mbus = m.mbus ?? { primaryAddresses: [], secondaryAddresses: [], pollIntervalSeconds: 60 };
  for (const [i, mask] of mbus.secondaryAddresses.entries()) {
    const select = buildMbusSelectSecondary(mask);
    if (!select.ok) return { ok: false, error: `mbus.secondaryAddresses.${i}: ${select.error.message}` };
  }
  return {
    ok: true,
    value: new MbusPollingSession({
      label: m.name ?? 'M-Bus',
      primaryAddresses: mbus.primaryAddresses,
      secondaryAddresses: mbus.secondaryAddresses,
      pollIntervalMs: mbus.pollIntervalSeconds * 1000,
      responseTimeoutMs: mbusResponseTimeoutMs(m.transport),
      retries: 2,
      turnaroundMs: 20,
    }),
  };
}
