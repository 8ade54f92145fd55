import type { MeterSnapshot, Reading } from '@smi/model';

/**
 * The compact form of the frame log's snapshots: a meter's snapshots mostly share one layout (meter
 * info, readings' keys, names, units…), so a frame keeps only the values that change.
 */

/**
 * Fields of a reading that change from frame to frame (an object such as a log's `entries` is new
 * in every frame); the others are shared with the layout.
 */
const VARYING_FIELDS = ['value', 'raw', 'time', 'entries'] as const;

/**
 * The parts of a meter's snapshots that rarely change: the snapshot itself (meter info, devices,
 * protocol) and its readings as templates (key, name, unit, quantity…). Frames with the same layout
 * keep only their values, so 20 frames per meter cost little more than one snapshot.
 */
export interface Layout extends Body {
  readonly shell: MeterSnapshot;
  /** The part shared among meters (its fields are copied here for fast reads; held so that it stays shared while in use). */
  readonly body: Body;
}

interface Body {
  readonly templates: readonly Reading[];
  /** Per template: which of VARYING_FIELDS it carries (bit i for field i); each takes a slot of the values. */
  readonly present: readonly number[];
  /** Slots of a frame's values: snapshot time, receive time, then the present varying fields in order. */
  readonly slots: number;
  /** Indices of the readings whose key names an identifier (their values are collected when they change). */
  readonly identifying: readonly number[];
}

/** Which varying fields a reading carries (bit i for VARYING_FIELDS[i]); named reads, no `in`. */
function presentMask(r: Reading): number {
  return (r.value !== undefined ? 1 : 0) | (r.raw !== undefined ? 2 : 0) | (r.time !== undefined ? 4 : 0) | (r.entries !== undefined ? 8 : 0);
}

const VARYING: ReadonlySet<string> = new Set(VARYING_FIELDS);
const NO_READINGS: readonly Reading[] = Object.freeze([]);

/** The reading without its varying values (their keys kept, in their order, as undefined). */
function templateOf(r: Reading): Reading {
  const t: Record<string, unknown> = {};
  for (const k in r) t[k] = VARYING.has(k) ? undefined : (r as unknown as Record<string, unknown>)[k];
  return t as unknown as Reading;
}

/** Text that tells equal reading lists apart: keys in order, the fixed values, the present varying fields; undefined when a value has no exact text. */
function signatureOf(rs: readonly Reading[], present: readonly number[]): string | undefined {
  const parts: unknown[] = [];
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i] as unknown as Record<string, unknown>;
    for (const k in r) {
      if (VARYING.has(k)) {
        parts.push(k);
        continue;
      }
      const v = r[k];
      const exact = typeof v === 'string' || typeof v === 'boolean' || v === undefined || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0));
      if (!exact) return undefined;
      parts.push(k, v);
    }
    parts.push(present[i]);
  }
  return JSON.stringify(parts);
}

function bodyOf(rs: readonly Reading[], present: readonly number[]): Body {
  let slots = 2;
  let ids = 0;
  for (let i = 0; i < present.length; i++) {
    for (let f = present[i] as number; f !== 0; f &= f - 1) slots++;
    if (IDENTIFYING_KEY.test((rs[i] as Reading).key)) ids++;
  }
  // arrays of their exact length (a pushed-to array keeps spare room)
  const identifying = new Array<number>(ids);
  for (let i = 0, j = 0; j < ids; i++) if (IDENTIFYING_KEY.test((rs[i] as Reading).key)) identifying[j++] = i;
  return { templates: rs.map(templateOf), present, slots, identifying };
}

/**
 * Makes layouts; the reading templates of equal reading lists (meters of one model) are shared
 * while a layout uses them (weakly held: they go with the last layout that uses them).
 */
export class Layouts {
  private readonly bodies = new Map<string, WeakRef<Body>>();
  private readonly gone = new FinalizationRegistry<string>((key) => {
    if (this.bodies.get(key)?.deref() === undefined) this.bodies.delete(key);
  });

  /** Distinct reading lists shared now (for tests). */
  get shared(): number {
    return this.bodies.size;
  }

  layoutOf(s: MeterSnapshot): Layout {
    const present = s.readings.map(presentMask);
    const shell = { ...s, readings: NO_READINGS };
    const key = signatureOf(s.readings, present);
    if (key === undefined) {
      const own = bodyOf(s.readings, present);
      return { shell, ...own, body: own };
    }
    let body = this.bodies.get(key)?.deref();
    if (body === undefined) {
      body = bodyOf(s.readings, present);
      this.bodies.set(key, new WeakRef(body));
      this.gone.register(body, key);
    }
    return { shell, ...body, body };
  }
}

/**
 * The fields of a reading that are not varying, all equal (by identity). Named reads of the model's
 * fields (a test changes each field of a fully populated `Reading`, so one added to the model and
 * missed here fails it); the same for `sameMeter` and `sameDevices`.
 */
function sameFixed(r: Reading, t: Reading): boolean {
  return (
    r.key === t.key &&
    r.obis === t.obis &&
    r.name === t.name &&
    r.quantity === t.quantity &&
    r.unit === t.unit &&
    r.channel === t.channel &&
    r.storage === t.storage &&
    r.tariff === t.tariff &&
    r.subunit === t.subunit &&
    r.enabledByDefault === t.enabledByDefault
  );
}

function sameMeter(a: MeterSnapshot['meter'], b: MeterSnapshot['meter']): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      a.manufacturerId === b.manufacturerId &&
      a.manufacturer === b.manufacturer &&
      a.model === b.model &&
      a.version === b.version &&
      a.medium === b.medium &&
      a.identification === b.identification)
  );
}

/** Sub-meter lists with equal entries. */
function sameDevices(a: MeterSnapshot['devices'], b: MeterSnapshot['devices']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x === undefined || y === undefined || x.channel !== y.channel || x.medium !== y.medium || x.id !== y.id)) return false;
  }
  return true;
}

/** Log entries with the same fields (by identity). */
function sameEntries(a: Reading['entries'], b: Reading['entries']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x === undefined || y === undefined || x.time !== y.time || x.value !== y.value || x.unit !== y.unit || x.eventTime !== y.eventTime)) {
      return false;
    }
  }
  return true;
}

/**
 * The varying values of `s` when it fits the layout `l` (snapshot time, receive time, then the
 * readings' varying fields), in one pass that also checks the fit; undefined when it does not fit.
 * Values equal to `prev`'s at the same place reuse them. `own`: `l` was made of `s` (no check; a
 * NaN among the fixed fields never equals itself).
 */
export function valuesIn(s: MeterSnapshot, l: Layout, prev: readonly unknown[] | undefined, own = false): unknown[] | undefined {
  const shell = l.shell;
  const rs = s.readings;
  const ts = l.templates;
  if (
    !own &&
    (rs.length !== ts.length ||
      s.protocol !== shell.protocol ||
      (s.time === undefined) !== (shell.time === undefined) ||
      (s.receivedAt === undefined) !== (shell.receivedAt === undefined) ||
      !sameMeter(s.meter, shell.meter) ||
      !sameDevices(s.devices, shell.devices))
  ) {
    return undefined;
  }
  const out = new Array<unknown>(l.slots);
  out[0] = s.time;
  out[1] = s.receivedAt;
  let at = 2;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i] as Reading;
    const t = ts[i] as Reading;
    const mask = l.present[i] as number;
    if (!own && (!sameFixed(r, t) || presentMask(r) !== mask)) return undefined;
    if (mask & 1) out[at++] = r.value;
    if (mask & 2) out[at++] = r.raw;
    if (mask & 4) out[at++] = r.time;
    if (mask & 8) {
      // a log's entries are new objects in every frame, mostly with the same contents: keep one copy
      const e = r.entries;
      const p = prev?.[at];
      out[at++] = p !== undefined && sameEntries(p as Reading['entries'], e) ? p : e;
    }
  }
  if (prev !== undefined) for (let i = 0; i < out.length; i++) if (out[i] === prev[i]) out[i] = prev[i];
  return out;
}

/**
 * The same meter (id and identification) and the same reading keys in the same order as the
 * layout's: then the layout's identifying readings are those of `s`.
 */
export function sameKeys(s: MeterSnapshot, l: Layout): boolean {
  const rs = s.readings;
  const ts = l.templates;
  if (rs.length !== ts.length || s.meter.id !== l.shell.meter.id || s.meter.identification !== l.shell.meter.identification) return false;
  for (let i = 0; i < rs.length; i++) if ((rs[i] as Reading).key !== (ts[i] as Reading).key) return false;
  return true;
}

/** Value and raw text of the layout's identifying readings. */
export function idValues(s: MeterSnapshot, l: Layout): unknown[] {
  const ids = l.identifying;
  const out = new Array<unknown>(2 * ids.length);
  for (let j = 0; j < ids.length; j++) {
    const r = s.readings[ids[j] as number] as Reading;
    out[2 * j] = r.value;
    out[2 * j + 1] = r.raw;
  }
  return out;
}

/** Whether an identifying reading of `s` (which fits `l`) has another value or raw text than `last`. */
export function idsChanged(s: MeterSnapshot, l: Layout, last: readonly unknown[] | undefined): boolean {
  if (last === undefined) return true;
  const ids = l.identifying;
  for (let j = 0; j < ids.length; j++) {
    const r = s.readings[ids[j] as number] as Reading;
    if (r.value !== last[2 * j] || r.raw !== last[2 * j + 1]) return true;
  }
  return false;
}

/** Reading keys whose values identify a meter (equipment ids, serial numbers). */
export const IDENTIFYING_KEY = /(^|_)(equipment|serial|identifier)(_|$)/;

/** The snapshot a frame of layout `l` with values `v` decoded to. */
export function snapshotOf(l: Layout, v: readonly unknown[]): MeterSnapshot {
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
