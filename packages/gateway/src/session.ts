import type { FrameEvent, StreamDecoder } from '@smi/decoder';
import type { Logger } from './log';

/** What an active meter session may do on its line. */
export interface SessionIo {
  write(bytes: Uint8Array): Promise<void>;
  /** Changes the line speed of an open serial port; undefined for transports without a line (TCP). */
  readonly setBaudRate: ((baudRate: number) => Promise<void>) | undefined;
  readonly log: Logger;
  /**
   * Reports frame events found outside `push` (a readout that failed on a timeout, a block
   * flushed after line silence); the pipeline treats them like events returned by `push`.
   */
  readonly emit?: (events: readonly FrameEvent[]) => void;
}

/**
 * A meter that must be asked (IEC 62056-21 modes A–C, wired M-Bus polling): a stream decoder
 * for what the meter answers, plus a driver that sends requests while the line is open. Push
 * meters (DSMR, SML, DLMS push, D0 mode D) need no session: a plain StreamDecoder.
 */
export interface MeterSession extends StreamDecoder {
  /** The line is open: start asking (and keep asking on the session's own schedule). */
  start(io: SessionIo): void;
  /** The line closed or the gateway stops: cancel timers; `start` may be called again. */
  stop(): void;
}

export function isSession(d: StreamDecoder): d is MeterSession {
  return typeof (d as Partial<MeterSession>).start === 'function' && typeof (d as Partial<MeterSession>).stop === 'function';
}
