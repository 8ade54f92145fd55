import type { DecodeError, FrameEvent, StreamDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { isSession, type SessionIo } from '../session';
import { IDENTIFYING_KEY, idsChanged, idValues, type Layout, Layouts, sameKeys, snapshotOf, valuesIn } from './frame-layout';

/** Frames kept per meter for the diagnostics view. */
export const FRAMES_PER_METER = 20;
/**
 * Frames kept for all meters together: beyond 250 meters each keeps fewer than FRAMES_PER_METER
 * (FRAMES_IN_ALL ÷ meters seen, at least MIN_FRAMES_PER_METER; 5 at 1,000 meters). 20 frames of
 * 1,000 meters took 20 MB of heap.
 */
export const FRAMES_IN_ALL = 5_000;
/** The fewest frames a meter keeps however many meters the log holds (when `perMeter` allows as many). */
export const MIN_FRAMES_PER_METER = 5;
/** The values of a frame that keeps none (many meters): the layout is kept for the identifiers only. */
const NO_VALUES: readonly unknown[] = Object.freeze([]);
/** Longest frame kept whole; longer ones are cut (a real telegram is a few kB). */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Bytes of frames kept per meter; the oldest go first (the newest frame always stays). */
export const MAX_BYTES_PER_METER = 64 * 1024;

export interface LoggedFrame {
  /** Receive time (ms since the epoch). */
  readonly at: number;
  /** The frame's bytes (a fresh copy at every access; cut at MAX_FRAME_BYTES). */
  readonly bytes: Uint8Array;
  readonly length: number;
  /**
   * What the frame decoded to (rebuilt from the compact record at every access); beyond
   * FRAMES_IN_ALL ÷ FRAMES_PER_METER meters only a meter's newest decoded frame keeps it.
   */
  readonly snapshot?: MeterSnapshot | undefined;
  /** The frame decoded (also when its decoding is no longer kept). */
  readonly decoded: boolean;
  readonly error?: DecodeError | undefined;
}

/**
 * One recorded frame: its bytes as a one-byte string (no typed-array overhead), and, when it
 * decoded, the layout plus the varying values (value, raw, time and entries, as far as the
 * template has them), equal values shared with the meter's previous frame.
 */
class FrameRecord implements LoggedFrame {
  constructor(
    readonly at: number,
    private readonly text: string,
    readonly length: number,
    private readonly layout: Layout | undefined,
    /** Snapshot time, receive time, then the readings' varying values. */
    private readonly values: readonly unknown[] | undefined,
    readonly error: DecodeError | undefined,
    /** The decoder's own snapshot, held while this is a meter's newest decoded frame (many meters). */
    private newest: MeterSnapshot | undefined = undefined,
  ) {}

  get decoded(): boolean {
    return this.error === undefined;
  }

  /** A newer frame came: the decoding held as the newest goes. */
  release(): void {
    this.newest = undefined;
  }

  get bytes(): Uint8Array {
    const b = Buffer.from(this.text, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }

  /** Bytes kept (for the per-meter bound). */
  get kept(): number {
    return this.text.length;
  }

  get snapshot(): MeterSnapshot | undefined {
    return this.newest ?? (this.layout && this.values ? snapshotOf(this.layout, this.values) : undefined);
  }
}

interface MeterFrames {
  readonly list: FrameRecord[];
  kept: number;
  layout: Layout | undefined;
  lastValues: readonly unknown[] | undefined;
  /** Value and raw text of the layout's identifying readings when identifiers were last collected. */
  lastIds: readonly unknown[] | undefined;
  /** The frame holding the decoder's snapshot (many meters: the newest decoded frame). */
  holding: FrameRecord | undefined;
}

/**
 * The last frames of every meter (by the meter's label), with what they decoded to: what the
 * diagnostics view and the capture download show. Bounded: FRAMES_PER_METER frames (fewer when
 * more than FRAMES_IN_ALL ÷ FRAMES_PER_METER meters share FRAMES_IN_ALL) and MAX_BYTES_PER_METER
 * bytes per meter. Compact: bytes as one-byte strings, snapshots as values
 * against a shared layout (rebuilt when the view asks).
 */
export class FrameLog {
  private readonly frames = new Map<string, MeterFrames>();
  /** Layouts of all meters, their reading templates shared among meters of one model. */
  private readonly layouts = new Layouts();
  /** Identifiers seen per meter, masked in captures even in frames that did not decode. */
  private readonly identifiers = new Map<string, Set<string>>();

  /** Frames each meter keeps now (FRAMES_IN_ALL shared by the meters seen); changes when a meter is added. */
  private limit: number;

  constructor(
    private readonly perMeter = FRAMES_PER_METER,
    private readonly now: () => number = Date.now,
    private readonly framesInAll = FRAMES_IN_ALL,
  ) {
    this.limit = perMeter;
  }

  /** How many frames each meter keeps at most, with the meters seen so far. */
  get framesPerMeter(): number {
    return this.limit;
  }

  record(meter: string, event: FrameEvent): void {
    const frame = event.frame;
    if (!frame) return;
    let m = this.frames.get(meter);
    if (!m) {
      this.frames.set(meter, (m = { list: [], kept: 0, layout: undefined, lastValues: undefined, lastIds: undefined, holding: undefined }));
      const share = Math.floor(this.framesInAll / this.frames.size);
      this.limit = Math.min(this.perMeter, Math.max(MIN_FRAMES_PER_METER, share));
    }
    const cut = frame.length > MAX_FRAME_BYTES ? frame.subarray(0, MAX_FRAME_BYTES) : frame;
    const text = Buffer.from(cut.buffer, cut.byteOffset, cut.length).toString('latin1');
    let rec: FrameRecord;
    if (event.ok) {
      const s = event.snapshot;
      // few meters: every frame keeps its values against the layout; many: only the newest keeps
      // the decoder's snapshot, and the layout is checked only for what identifiers depend on
      const compact = this.limit >= this.perMeter;
      let layout = m.layout;
      let values = layout === undefined ? undefined : compact ? valuesIn(s, layout, m.lastValues) : sameKeys(s, layout) ? NO_VALUES : undefined;
      if (layout === undefined || values === undefined) {
        layout = m.layout = this.layouts.layoutOf(s);
        values = compact ? (valuesIn(s, layout, undefined, true) ?? []) : NO_VALUES; // made of s: always fits
        this.collectIdentifiers(meter, m, s, layout);
      } else if (layout.identifying.length > 0 && idsChanged(s, layout, m.lastIds)) {
        this.collectIdentifiers(meter, m, s, layout);
      }
      if (compact) {
        m.lastValues = values;
        rec = new FrameRecord(this.now(), text, frame.length, layout, values, undefined);
      } else {
        m.lastValues = undefined;
        m.holding?.release();
        rec = m.holding = new FrameRecord(this.now(), text, frame.length, undefined, undefined, undefined, s);
      }
    } else {
      rec = new FrameRecord(this.now(), text, frame.length, undefined, undefined, event.error);
    }
    const list = m.list;
    list.push(rec);
    m.kept += rec.kept;
    // a meter that kept more before others were added drops its surplus at its next frame
    while (list.length > this.limit || (list.length > 1 && m.kept > MAX_BYTES_PER_METER)) m.kept -= list.shift()?.kept ?? 0;
  }

  /**
   * Adds the snapshot's identifiers; called for the first frame of a layout and when the values of
   * its identifying readings change (the meter id and identification are part of the layout).
   */
  private collectIdentifiers(meter: string, m: MeterFrames, s: MeterSnapshot, layout: Layout): void {
    m.lastIds = layout.identifying.length === 0 ? undefined : idValues(s, layout);
    let ids = this.identifiers.get(meter);
    if (!ids) this.identifiers.set(meter, (ids = new Set()));
    if (ids.size >= 64) return;
    for (const id of identifiersOf(s)) if (ids.size < 64) ids.add(id);
  }

  /** The meter's frames, oldest first. */
  recent(meter: string): readonly LoggedFrame[] {
    return this.frames.get(meter)?.list ?? [];
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
