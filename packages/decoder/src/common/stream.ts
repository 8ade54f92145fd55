import type { MeterSnapshot, ProtocolId } from '@smi/model';
import type { DecodeError, Result } from './errors';

/** What a stream decoder reports for each frame it finds. */
export type FrameEvent =
  | { readonly ok: true; readonly snapshot: MeterSnapshot; readonly frame: Uint8Array }
  | { readonly ok: false; readonly error: DecodeError; readonly frame?: Uint8Array };

/** The event for one frame: the snapshot it decoded to, or why it has none. */
export function frameEvent(r: Result<MeterSnapshot>, frame: Uint8Array): FrameEvent {
  return r.ok ? { ok: true, snapshot: r.value, frame } : { ok: false, error: r.error, frame };
}

/** The event for a framing error, with the bytes it concerns when the framer gave them. */
export function errorEvent(error: DecodeError, frame: Uint8Array | undefined): FrameEvent {
  return frame === undefined ? { ok: false, error } : { ok: false, error, frame };
}

/**
 * An incremental, pure decoder for one byte stream: bytes in, frame events out. No clocks, no
 * I/O. `push` never mutates the chunk it is given.
 */
export interface StreamDecoder {
  /** The protocol decoded; `auto` until an auto-detecting decoder has recognised it. */
  readonly protocol: ProtocolId | 'auto';
  push(chunk: Uint8Array): FrameEvent[];
  /** Bytes dropped as garbage between frames so far. */
  readonly discardedBytes: number;
  /** Bytes held back for an incomplete frame (bounded by the protocol's maximum frame size). */
  readonly pendingBytes?: number;
  /**
   * End of input (end of a capture file): report what is still buffered — a frame that is
   * complete only at end of stream, or one cut off (`truncated`). Optional.
   */
  flush?(): FrameEvent[];
}
