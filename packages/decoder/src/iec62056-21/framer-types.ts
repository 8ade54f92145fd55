import type { DecodeError } from '../common';
import type { DataMessage } from './data-message';
import type { Identification } from './identification';
import type { CommandMessage, OptionSelect } from './messages';

export interface FrameBase {
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
  /**
   * Accept data that no identification preceded (default false: plain lines are garbage, and the
   * readout framer rejects an STX data message without identification as `bad-format`).
   */
  readonly pushWithoutIdentification?: boolean;
  /**
   * Every ACK is a complete message at once (programming mode, where the meter answers with a
   * lone ACK and no option select can follow). Default false: ACK may start `ACK V Z Y CR LF`,
   * so a lone ACK is reported when the next byte or `flush()` shows it is alone.
   */
  readonly bareAck?: boolean;
  /**
   * Only readouts count, each after its identification (the readout framer sets this): an STX
   * block that no identification preceded is refused anyway, so a `/` where its BCC should be is
   * taken as the next sign-on rather than as a BCC of 0x2F. Default false (request sessions see
   * replies in programming mode that no identification precedes).
   */
  readonly identificationRequired?: boolean;
}

/** Default `maxFrameBytes`. */
export const DEFAULT_MAX_FRAME = 256 * 1024;
