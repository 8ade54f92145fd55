import type { LineCommand } from './commands';
import { INITIAL_BAUD, transmitMs } from './constants';

type Side = 'master' | 'meter';

/** One end of a simulated serial line. */
export interface LineEnd<C extends { readonly type: string }> {
  receive(bytes: Uint8Array): C[];
}

export interface LineLogEntry {
  readonly at: number;
  readonly side: Side;
  readonly what: string;
}

export interface VirtualLineOptions {
  /** The optical head echoes what the master sends back to the master (default false). */
  readonly echo?: boolean;
  readonly initialBaud?: number;
}

type Event<C> =
  | { readonly kind: 'commands'; readonly at: number; readonly seq: number; readonly side: Side; readonly commands: readonly C[] }
  | { readonly kind: 'deliver'; readonly at: number; readonly seq: number; readonly side: Side; readonly bytes: Uint8Array; readonly baud: number };

function isLine(c: { readonly type: string }): c is LineCommand {
  return c.type === 'send' || c.type === 'wait' || c.type === 'set-baud';
}

/**
 * A serial line between a master and a meter session on a virtual clock (no timers): commands
 * run in time order, bytes arrive after their time on the wire (7E1), and bytes sent at one baud
 * rate are lost when the receiver listens at another, as a UART would garble them. Commands
 * that are not line commands (`expect`, `done`, `handover`…) are collected per side.
 * For tests and demo mode.
 */
export class VirtualLine<M extends { readonly type: string }, S extends { readonly type: string }> {
  readonly log: LineLogEntry[] = [];
  /** Non-line commands in the order they happened. */
  readonly outcomes: { readonly master: M[]; readonly meter: S[] } = { master: [], meter: [] };
  /** Bytes that reached a side listening at another baud rate. */
  lost = 0;
  private readonly baud: Record<Side, number>;
  private readonly lineFree: Record<Side, number> = { master: 0, meter: 0 };
  private queue: Event<M | S>[] = [];
  private seq = 0;
  private now = 0;

  constructor(
    private readonly master: LineEnd<M>,
    private readonly meter: LineEnd<S>,
    private readonly options: VirtualLineOptions = {},
  ) {
    const b = options.initialBaud ?? INITIAL_BAUD;
    this.baud = { master: b, meter: b };
  }

  baudOf(side: Side): number {
    return this.baud[side];
  }

  get time(): number {
    return this.now;
  }

  /** Queues a side's commands at virtual time `at` (default: now). */
  schedule(side: Side, commands: readonly (M | S)[], at = this.now): void {
    this.push({ kind: 'commands', at, seq: this.seq++, side, commands });
  }

  /**
   * Runs until nothing is pending. When the line falls silent, `onIdle` may return more master
   * commands (e.g. the result of `timeout()`); returning none ends the run.
   */
  run(onIdle?: () => readonly M[], maxEvents = 100000): void {
    for (let n = 0; n < maxEvents; n++) {
      const e = this.queue.shift();
      if (e === undefined) {
        const more = onIdle?.() ?? [];
        if (more.length === 0) return;
        this.schedule('master', more);
        continue;
      }
      this.now = Math.max(this.now, e.at);
      if (e.kind === 'deliver') this.deliver(e.side, e.bytes, e.baud);
      else this.execute(e.side, e.commands);
    }
    throw new Error('virtual line did not settle');
  }

  private push(e: Event<M | S>): void {
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as Event<M | S>).at > e.at) i--;
    this.queue.splice(i, 0, e);
  }

  private deliver(side: Side, bytes: Uint8Array, baud: number): void {
    if (this.baud[side] !== baud) {
      this.lost += bytes.length;
      this.log.push({ at: this.now, side, what: `lost ${bytes.length} sent @${baud}` });
      return;
    }
    const end = side === 'master' ? this.master : this.meter;
    const commands = end.receive(bytes) as (M | S)[];
    if (commands.length > 0) this.execute(side, commands);
  }

  /** Runs commands from now; anything after a pause is queued for later. */
  private execute(side: Side, commands: readonly (M | S)[]): void {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i] as M | S;
      if (!isLine(c)) {
        if (side === 'master') this.outcomes.master.push(c as M);
        else this.outcomes.meter.push(c as S);
        continue;
      }
      switch (c.type) {
        case 'wait':
          if (c.ms > 0) {
            this.schedule(side, commands.slice(i + 1), this.now + c.ms);
            return;
          }
          break;
        case 'set-baud':
          if (c.afterMs > 0) {
            this.schedule(side, [{ type: 'set-baud', baud: c.baud, afterMs: 0 } as unknown as M | S, ...commands.slice(i + 1)], this.now + c.afterMs);
            return;
          }
          this.baud[side] = c.baud;
          this.log.push({ at: this.now, side, what: `baud ${c.baud}` });
          break;
        case 'send': {
          const start = Math.max(this.now, this.lineFree[side]);
          const end = start + transmitMs(c.bytes.length, this.baud[side]);
          this.lineFree[side] = end;
          this.log.push({ at: start, side, what: `send ${c.bytes.length} bytes @${this.baud[side]}` });
          const other: Side = side === 'master' ? 'meter' : 'master';
          this.push({ kind: 'deliver', at: end, seq: this.seq++, side: other, bytes: c.bytes, baud: this.baud[side] });
          if (side === 'master' && this.options.echo === true) {
            this.push({ kind: 'deliver', at: end, seq: this.seq++, side: 'master', bytes: c.bytes, baud: this.baud[side] });
          }
          break;
        }
        default: {
          const never: never = c;
          throw new Error(`line command ${String(never)}`);
        }
      }
    }
  }
}
