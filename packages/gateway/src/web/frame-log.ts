import type { DecodeError, FrameEvent, StreamDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { isSession, type SessionIo } from '../session';

/** Frames kept per meter for the diagnostics view. */
export const FRAMES_PER_METER = 20;
/** Longest frame kept whole; longer ones are cut (a real telegram is a few kB). */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Bytes of frames kept per meter; the oldest go first (the newest frame always stays). */
export const MAX_BYTES_PER_METER = 64 * 1024;

export interface LoggedFrame {
  /** Receive time (ms since the epoch). */
  readonly at: number;
  /** The frame's bytes (a copy; cut at MAX_FRAME_BYTES). */
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly snapshot?: MeterSnapshot;
  readonly error?: DecodeError;
}

/**
 * The last frames of every meter (by the meter's label), with what they decoded to: what the
 * diagnostics view and the capture download show. Bounded: FRAMES_PER_METER frames and
 * MAX_BYTES_PER_METER bytes per meter.
 */
export class FrameLog {
  private readonly frames = new Map<string, LoggedFrame[]>();
  /** Identifiers seen per meter, masked in captures even in frames that did not decode. */
  private readonly identifiers = new Map<string, Set<string>>();

  constructor(
    private readonly perMeter = FRAMES_PER_METER,
    private readonly now: () => number = Date.now,
  ) {}

  record(meter: string, event: FrameEvent): void {
    const frame = event.frame;
    if (!frame) return;
    const list = this.frames.get(meter) ?? [];
    const bytes = frame.slice(0, MAX_FRAME_BYTES);
    list.push(
      event.ok
        ? { at: this.now(), bytes, length: frame.length, snapshot: event.snapshot }
        : { at: this.now(), bytes, length: frame.length, error: event.error },
    );
    let kept = list.reduce((n, f) => n + f.bytes.length, 0);
    while (list.length > this.perMeter || (list.length > 1 && kept > MAX_BYTES_PER_METER)) kept -= list.shift()?.bytes.length ?? 0;
    this.frames.set(meter, list);
    if (event.ok) {
      const ids = this.identifiers.get(meter) ?? new Set<string>();
      for (const id of identifiersOf(event.snapshot)) if (ids.size < 64) ids.add(id);
      this.identifiers.set(meter, ids);
    }
  }

  /** The meter's frames, oldest first. */
  recent(meter: string): readonly LoggedFrame[] {
    return this.frames.get(meter) ?? [];
  }

  /** Identifiers (serial numbers, equipment ids) the meter's frames carried. */
  identifiersOf(meter: string): readonly string[] {
    return [...(this.identifiers.get(meter) ?? [])];
  }

  /**
   * The decoder with every frame event recorded under the meter's label. Everything else (the
   * protocol, counters, a session's driver methods) is the decoder's own.
   */
  wrap(meter: string, decoder: StreamDecoder): StreamDecoder {
    const log = (events: FrameEvent[]): FrameEvent[] => {
      for (const e of events) this.record(meter, e);
      return events;
    };
    // made once, not at every property access (push is asked for every chunk)
    const push = (chunk: Uint8Array): FrameEvent[] => log(decoder.push(chunk));
    const flush = decoder.flush ? (): FrameEvent[] => log(decoder.flush?.() ?? []) : undefined;
    // a session also reports events outside push (a readout that timed out)
    const start = isSession(decoder)
      ? (io: SessionIo): void => {
          const emit = io.emit;
          decoder.start(emit ? { ...io, emit: (events) => emit(log([...events])) } : io);
        }
      : undefined;
    return new Proxy(decoder, {
      get(target, prop) {
        if (prop === 'push') return push;
        if (prop === 'flush' && flush) return flush;
        if (prop === 'start' && start) return start;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/** Reading keys whose values identify a meter (equipment ids, serial numbers). */
const IDENTIFYING_KEY = /(^|_)(equipment|serial|identifier)(_|$)/;

/** Texts in a snapshot that identify the meter or its sub-meters. */
export function identifiersOf(s: MeterSnapshot): string[] {
  const out = new Set<string>([s.meter.id]);
  // a hex identification is a system title (manufacturer + serial); a text one (DSMR header) names the model
  if (s.meter.identification && /^([0-9a-f]{2})+$/i.test(s.meter.identification)) out.add(s.meter.identification);
  for (const r of s.readings) {
    if (!IDENTIFYING_KEY.test(r.key)) continue;
    if (typeof r.value === 'string') out.add(r.value);
    if (r.raw) out.add(r.raw);
  }
  return [...out].filter((x) => x.length >= 4);
}

function replaceAll(bytes: Uint8Array, pattern: Uint8Array, fill: (i: number) => number): void {
  if (pattern.length === 0) return;
  for (let i = bytes.indexOf(pattern[0] as number); i >= 0 && i + pattern.length <= bytes.length; i = bytes.indexOf(pattern[0] as number, i + 1)) {
    let match = true;
    for (let j = 1; j < pattern.length && match; j++) match = bytes[i + j] === pattern[j];
    if (match) for (let j = 0; j < pattern.length; j++) bytes[i + j] = fill(j);
  }
}

/**
 * A copy of the frame with every identifier replaced wherever it appears: as text (by `X`), as
 * hex-encoded text (DSMR equipment ids, by `58`, which is hex for `X`), and, for identifiers
 * written in hex, as the bytes themselves (by 0x00). Checksums no longer match afterwards.
 */
export function maskIdentifiers(frame: Uint8Array, identifiers: readonly string[]): Uint8Array {
  const out = frame.slice();
  const X = 0x58;
  for (const id of identifiers) {
    const ascii = Buffer.from(id, 'latin1');
    replaceAll(out, ascii, () => X);
    const hex = ascii.toString('hex');
    replaceAll(out, Buffer.from(hex.toUpperCase(), 'latin1'), (j) => (j % 2 === 0 ? 0x35 : 0x38));
    replaceAll(out, Buffer.from(hex, 'latin1'), (j) => (j % 2 === 0 ? 0x35 : 0x38));
    if (/^([0-9a-f]{2}){4,}$/i.test(id)) replaceAll(out, Buffer.from(id, 'hex'), () => 0);
  }
  return out;
}

/** Printable text of a frame: ASCII as is, line breaks kept, everything else as `·`. */
export function frameText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b === 10 || b === 13 || (b >= 32 && b < 127) ? String.fromCharCode(b) : '·';
  return s.replace(/\r\n/g, '\n');
}
