import { createDecoder, detectProtocol, type DecoderOptions, type ErrorKind, type StreamDecoder } from '@smi/decoder';
import type { MeterSnapshot, ProtocolId } from '@smi/model';

/** Largest prefix kept while the protocol is not yet recognised. */
const MAX_PENDING = 64 * 1024;

/** What a probe learnt from the bytes of one line setting. */
export interface ProbeReport {
  readonly bytes: number;
  /** Recognised from the bytes (`detectProtocol`), whether or not a frame decoded. */
  readonly protocol: ProtocolId | undefined;
  readonly encrypted: boolean;
  /** Frames the real decoder accepted / rejected (by kind). */
  readonly frames: number;
  readonly rejected: number;
  readonly errors: Partial<Record<ErrorKind, number>>;
  /** The last decoded frame. */
  readonly snapshot: MeterSnapshot | undefined;
}

/**
 * Recognises a protocol from the bytes of a line (`detectProtocol`) and confirms it with the
 * real decoder: the line setting counts as found only when a frame decodes. Pure: no clock.
 */
export class ProtocolProbe {
  private pending: Uint8Array = new Uint8Array(0);
  private decoder: StreamDecoder | undefined;
  private bytes = 0;
  private protocol: ProtocolId | undefined;
  private encrypted = false;
  private frames = 0;
  private rejected = 0;
  private readonly errors: Partial<Record<ErrorKind, number>> = {};
  private snapshot: MeterSnapshot | undefined;

  constructor(private readonly options: DecoderOptions = {}) {}

  get confirmed(): boolean {
    return this.frames > 0;
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.decoder) {
      this.count(this.decoder.push(chunk));
      return;
    }
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    this.recognise(joined, false);
  }

  /** End of the listening time: a frame that only silence ends (D0 without ETX) is counted now. */
  finish(): ProbeReport {
    if (this.decoder?.flush) this.count(this.decoder.flush());
    else if (!this.decoder && this.pending.length > 0) this.recognise(this.pending, true);
    return this.report();
  }

  report(): ProbeReport {
    return {
      bytes: this.bytes,
      protocol: this.protocol,
      encrypted: this.encrypted,
      frames: this.frames,
      rejected: this.rejected,
      errors: { ...this.errors },
      snapshot: this.snapshot,
    };
  }

  private recognise(bytes: Uint8Array, final: boolean): void {
    const d = detectProtocol(bytes, final);
    if (d === 'need-more') {
      this.pending = bytes.length > MAX_PENDING ? bytes.slice(bytes.length - MAX_PENDING) : bytes;
      return;
    }
    this.pending = new Uint8Array(0);
    if (d === 'unknown') return;
    this.protocol = d.protocol;
    this.encrypted = d.encrypted === true;
    // The auto decoder recognises the same bytes again and passes hints (encrypted P1) on.
    const created = createDecoder('auto', this.options);
    if (!created.ok) return;
    this.decoder = created.value;
    this.count(this.decoder.push(bytes));
    if (final && this.decoder.flush) this.count(this.decoder.flush());
  }

  private count(events: ReturnType<StreamDecoder['push']>): void {
    for (const e of events) {
      if (e.ok) {
        this.frames++;
        this.snapshot = e.snapshot;
      } else {
        this.rejected++;
        this.errors[e.error.kind] = (this.errors[e.error.kind] ?? 0) + 1;
      }
    }
  }
}
