import { createD0Decoder, D0_TIMING, type D0Profile, type D0StreamDecoder, type FrameEvent } from '@smi/decoder';
import type { MeterSession, SessionIo } from '../session';

/**
 * IEC 62056-21 mode D (the meter pushes on its own): the plain D0 stream decoder plus the clock
 * it lacks. A readout comes out of `push` as soon as it is complete (ETX + BCC, or `! CR LF` in
 * the push form without STX), and a new identification or STX ends a cut-off one at once. Only a
 * block that can end by silence alone (an STX readout that stops at `! CR LF` without ETX/BCC and
 * no next telegram yet, or a cut-off one) is flushed once the line has been quiet for `silenceMs`
 * (default 1.5 s, the standard's longest gap between characters); that reaches the pipeline via
 * `io.emit`.
 */
export class D0PushSession implements MeterSession {
  readonly protocol = 'iec62056-21' as const;
  private readonly decoder: D0StreamDecoder;
  private io: SessionIo | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    options: { readonly maskParity?: boolean; readonly profiles?: readonly D0Profile[] } = {},
    private readonly silenceMs: number = D0_TIMING.interCharacterMs,
  ) {
    this.decoder = createD0Decoder({
      ...(options.maskParity === true ? { maskParity: true } : {}),
      ...(options.profiles === undefined ? {} : { profiles: options.profiles }),
    });
  }

  get discardedBytes(): number {
    return this.decoder.discardedBytes;
  }

  start(io: SessionIo): void {
    this.io = io;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.io = undefined;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events = this.decoder.push(chunk);
    // one timer per meter, restarted at every chunk (refresh: no new timer per push)
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.onSilence(), this.silenceMs);
    return events;
  }

  private onSilence(): void {
    this.timer = undefined;
    const flushed = this.decoder.flush();
    if (flushed.length > 0) this.io?.emit?.(flushed);
  }

  /** End of input: what is still buffered. */
  flush(): FrameEvent[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.decoder.flush();
  }
}
