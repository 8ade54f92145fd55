import type { MeterSnapshot } from '@smi/model';
import type { DecodeError } from '../common';
import type { CommandMessage } from './messages';

/**
 * What a session (master or simulated meter) asks its host to do. The host carries them out in
 * order: it owns the serial port and the clock; the session only says what and how long.
 * `send` is carried out when the bytes are handed to the port (the port queues them).
 */
export type LineCommand =
  /** Write these bytes at the current baud rate. */
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  /** Pause `ms` before carrying out the next command. */
  | { readonly type: 'wait'; readonly ms: number }
  /**
   * Switch the port to `baud` `afterMs` after the previous command was carried out. A session
   * that just sent bytes includes their time on the wire at the old baud (7E1) in `afterMs`,
   * so the switch does not cut them off.
   */
  | { readonly type: 'set-baud'; readonly baud: number; readonly afterMs: number };

/** Extra outcomes of the master session. */
export type MasterCommand =
  | LineCommand
  /**
   * Arm a timer for `timeoutMs` and restart it whenever bytes arrive (it measures silence on the
   * line, so long readouts at 300 Bd do not run out). When it runs out, call `timeout()`.
   */
  | { readonly type: 'expect'; readonly what: MasterAwait; readonly timeoutMs: number }
  /** The readout is complete. */
  | { readonly type: 'done'; readonly snapshot: MeterSnapshot; readonly frame: Uint8Array }
  /** Programming mode entered; the meter's password request operand (`P0`). */
  | { readonly type: 'programming'; readonly operand?: string }
  /** A programming-mode answer: ACK, NAK, a data block or a command such as `B0`. */
  | { readonly type: 'reply'; readonly reply: ProgrammingReply }
  /** Mode E binary: the line now carries HDLC (IEC 62056-46) at `baud`; hand the port over. */
  | { readonly type: 'handover'; readonly protocol: 'hdlc'; readonly baud: number }
  | { readonly type: 'error'; readonly error: DecodeError };

export type MasterAwait = 'identification' | 'data' | 'password-request' | 'reply';

export type ProgrammingReply =
  | { readonly kind: 'ack' }
  | { readonly kind: 'nak' }
  | { readonly kind: 'data'; readonly text: string }
  | { readonly kind: 'command'; readonly command: CommandMessage };

/** Extra outcomes of the simulated meter. */
export type MeterCommand = LineCommand | { readonly type: 'handover'; readonly protocol: 'hdlc'; readonly baud: number };
