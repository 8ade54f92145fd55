import type { DecodeError, FrameEvent, StreamDecoder } from '@smi/decoder';
import type { MeterSnapshot, Reading } from '@smi/model';
import { isSession, type SessionIo } from '../session';

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
  /** What the frame decoded to (rebuilt from the compact record at every access). */
  readonly snapshot?: MeterSnapshot | undefined;
  readonly error?: DecodeError | undefined;
}

/**
 * Fields of a reading that change from frame to frame (an object such as a log's `entries` is new
 * in every frame); the others are shared with the layout.
 */
const VARYING_FIELDS = ['value', 'raw', 'time', 'entries'] as const;
const VARYING: ReadonlySet<string> = new Set(VARYING_FIELDS);

/**
 * The parts of a meter's snapshots that rarely change: the snapshot itself (meter info, devices,
 * protocol) and its readings as templates (key, name, unit, quantity…). Frames with the same layout
 * keep only their values, so 20 frames per meter cost little more than one snapshot.
 */
interface Layout {
  readonly shell: MeterSnapshot;
  readonly templates: readonly Reading[];
  /** Per template: which of VARYING_FIELDS it carries (bit i for field i); each takes a slot of the values. */
  readonly present: readonly number[];
  /** Slots of a frame's values: snapshot time, receive time, then the present varying fields in order. */
  readonly slots: number;
  /** Whether any reading's key names an identifier (then each frame's identifiers are collected). */
  readonly identifying: boolean;
}

function layoutOf(s: MeterSnapshot): Layout {
  const present = s.readings.map((r) => VARYING_FIELDS.reduce((mask, f, i) => (f in r ? mask | (1 << i) : mask), 0));
  let slots = 2;
  for (const mask of present) for (let i = 0; i < VARYING_FIELDS.length; i++) if (mask & (1 << i)) slots++;
  return { shell: s, templates: s.readings, present, slots, identifying: s.readings.some((r) => IDENTIFYING_KEY.test(r.key)) };
}

const NOTHING: ReadonlySet<string> = new Set();

/** Sub-meter lists with equal entries (flat objects: channel, medium, id). */
function sameDevices(a: MeterSnapshot['devices'], b: MeterSnapshot['devices']): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return a === b;
  for (let i = 0; i < a.length; i++) if (!sameShape(a[i] as object, b[i] as object, NOTHING)) return false;
  return true;
}

function presentMask(r: Reading): number {
  let mask = 0;
  for (let i = 0; i < VARYING_FIELDS.length; i++) if ((VARYING_FIELDS[i] as string) in r) mask |= 1 << i;
  return mask;
}

/** Same own keys with the same values (by identity), except the varying ones. */
function sameShape(a: object, b: object, varying: ReadonlySet<string>): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    n++;
    if (!(k in y) || (!varying.has(k) && x[k] !== y[k])) return false;
  }
  for (const _k in y) n--;
  return n === 0;
}

const SNAPSHOT_VARYING = new Set(['readings', 'time', 'receivedAt', 'meter', 'devices']);

function fitsLayout(s: MeterSnapshot, l: Layout): boolean {
  const shell = l.shell;
  if (s.readings.length !== l.templates.length || !sameShape(s, shell, SNAPSHOT_VARYING)) return false;
  if ('time' in s !== 'time' in shell || 'receivedAt' in s !== 'receivedAt' in shell) return false;
  if (s.meter !== shell.meter && !sameShape(s.meter, shell.meter, NOTHING)) return false;
  if (s.devices !== shell.devices && !sameDevices(s.devices, shell.devices)) return false;
  for (let i = 0; i < s.readings.length; i++) {
    const r = s.readings[i] as Reading;
    if (!sameShape(r, l.templates[i] as Reading, VARYING) || presentMask(r) !== l.present[i]) return false;
  }
  return true;
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
  ) {}

  get bytes(): Uint8Array {
    const b = Buffer.from(this.text, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }

  /** Bytes kept (for the per-meter bound). */
  get kept(): number {
    return this.text.length;
  }

  get snapshot(): MeterSnapshot | undefined {
    const l = this.layout;
    const v = this.values;
    if (!l || !v) return undefined;
    let at = 2;
    const readings = l.templates.map((t, i) => {
      const r: Record<string, unknown> = {};
      for (const k in t) r[k] = (t as unknown as Record<string, unknown>)[k];
      const mask = l.present[i] as number;
      for (let f = 0; f < VARYING_FIELDS.length; f++) if (mask & (1 << f)) r[VARYING_FIELDS[f] as string] = v[at++];
      return r as unknown as Reading;
    });
    const s: Record<string, unknown> = { ...l.shell, readings };
    if ('time' in l.shell) s['time'] = v[0];
    if ('receivedAt' in l.shell) s['receivedAt'] = v[1];
    return s as unknown as MeterSnapshot;
  }
}

/** The varying values of a snapshot that fits `l`; values equal to `prev`'s at the same place reuse them. */
function valuesOf(s: MeterSnapshot, l: Layout, prev: readonly unknown[] | undefined): unknown[] {
  const out = new Array<unknown>(l.slots);
  out[0] = s.time;
  out[1] = s.receivedAt;
  let at = 2;
  const rs = s.readings;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i] as unknown as Record<string, unknown>;
    const mask = l.present[i] as number;
    for (let f = 0; f < VARYING_FIELDS.length; f++) if (mask & (1 << f)) out[at++] = r[VARYING_FIELDS[f] as string];
  }
  if (prev) for (let i = 0; i < out.length; i++) if (out[i] === prev[i]) out[i] = prev[i];
  return out;
}

interface MeterFrames {
  readonly list: FrameRecord[];
  kept: number;
  layout: Layout | undefined;
  lastValues: readonly unknown[] | undefined;
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
      this.frames.set(meter, (m = { list: [], kept: 0, layout: undefined, lastValues: undefined }));
      const share = Math.floor(this.framesInAll / this.frames.size);
      this.limit = Math.min(this.perMeter, Math.max(MIN_FRAMES_PER_METER, share));
    }
    const cut = frame.length > MAX_FRAME_BYTES ? frame.subarray(0, MAX_FRAME_BYTES) : frame;
    const text = Buffer.from(cut.buffer, cut.byteOffset, cut.length).toString('latin1');
    let rec: FrameRecord;
    if (event.ok) {
      const s = event.snapshot;
      let layout = m.layout;
      if (!layout || !fitsLayout(s, layout)) {
        layout = m.layout = layoutOf(s);
        m.lastValues = undefined;
        this.collectIdentifiers(meter, s);
      } else if (layout.identifying || s.meter.id !== layout.shell.meter.id) {
        this.collectIdentifiers(meter, s);
      }
      const values = valuesOf(s, layout, m.lastValues);
      m.lastValues = values;
      rec = new FrameRecord(this.now(), text, frame.length, layout, values, undefined);
    } else {
      rec = new FrameRecord(this.now(), text, frame.length, undefined, undefined, event.error);
    }
    const list = m.list;
    list.push(rec);
    m.kept += rec.kept;
    // a meter that kept more before others were added drops its surplus at its next frame
    while (list.length > this.limit || (list.length > 1 && m.kept > MAX_BYTES_PER_METER)) m.kept -= list.shift()?.kept ?? 0;
  }

  /** A layout without identifying readings has only the meter id and identification, the same in all its frames. */
  private collectIdentifiers(meter: string, s: MeterSnapshot): void {
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
