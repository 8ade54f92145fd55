import type { DecodeError } from './errors';

/**
 * The one framer contract every protocol follows (DSMR, IEC 62056-21, SML, HDLC, M-Bus).
 *
 * A framer finds frames in a byte stream: bytes in, frames and errors out, in stream order.
 *
 * 1. **Pure and incremental.** No clocks, no I/O. `push` copies what it keeps and never mutates
 *    the caller's chunk. The events do not depend on where the stream was split into chunks.
 * 2. **Start markers.** A frame starts only at the protocol's start marker (`/`, STX, the SML
 *    escape + version sequence, an HDLC flag, an M-Bus start byte). Bytes before one are garbage:
 *    dropped and counted in `discardedBytes`, never reported as frames.
 * 3. **Resynchronisation.** A start marker that appears where the current candidate cannot go on
 *    ends that candidate as `truncated`, and a new candidate begins at the marker. A candidate that
 *    fails a check (CRC, BCC, length, format) is reported with its error kind and the search goes on
 *    so that no good frame that begins inside or right after a rejected candidate is lost.
 * 4. **Bounded.** A candidate never grows past the protocol's maximum frame size: past it the
 *    candidate is `too-long` and the search resumes after its start marker. `pendingBytes` is never
 *    more than that maximum (plus one chunk while a push runs).
 * 5. **End of input.** `flush` reports what is buffered: a frame that is complete only at the end of
 *    the stream, or `truncated`; the framer is then empty and ready for a new stream.
 * 6. **Memory.** A framer with nothing pending holds no storage of its own (one gateway runs a
 *    framer per meter): the text framers take regions of `common/arena.ts` while bytes wait.
 *
 * `test-support/hostile-stream.ts` checks rules 2–5 for every protocol with one harness.
 */
export type FramerEvent<F> = { readonly ok: true; readonly frame: F } | { readonly ok: false; readonly error: DecodeError; readonly bytes?: Uint8Array };

export interface Framer<F> {
  push(chunk: Uint8Array): FramerEvent<F>[];
  flush(): FramerEvent<F>[];
  /** Bytes held back for an incomplete candidate frame. */
  readonly pendingBytes: number;
  /** Garbage bytes dropped so far (outside any candidate frame). */
  readonly discardedBytes: number;
}
