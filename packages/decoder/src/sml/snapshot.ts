import { convertValue, manufacturerName, type LogEntry, type MeterInfo, type MeterSnapshot, type Reading, type ReadingValue } from '@smi/model';
import { dlmsUnit } from '../common';
import { POWER_SIGN_FIXES, type SmlQuirks } from './profiles';
import type { SmlServerIdInfo } from './server-id';
import { SmlReadingCache, numericReadingOf, otherReadingOf } from './reading-cache';
import type { SmlEntryView } from './list-entry';
import type { SmlInt } from './tl';
import type { SmlMessage, SmlTime, SmlValue } from './types';
import { scaleDecimal } from '../common/decimal';
import { octetsToText, octetsToTextAt, smlTimeToIso } from './values';

/** Turns the messages of one SML file into the protocol-neutral snapshot. */
export interface SmlSnapshotContext {
  readonly quirks: SmlQuirks;
  readonly serverId?: SmlServerIdInfo;
  /** Model as configured or implied by the matched profile. */
  readonly model?: string;
}

type SignFix = (typeof POWER_SIGN_FIXES)[keyof typeof POWER_SIGN_FIXES];

/** Readings of a builder compared key by key up to this many, then indexed. */
const MAX_LINEAR = 32;

/** OBIS codes that carry the manufacturer as text (EMH/ISK/DNT style, DZG style). */
const MANUFACTURER_OBIS = new Set(['129-129:199.130.3', '1-0:96.50.1*1']);

function timeValue(items: readonly SmlValue[]): string | undefined {
  // SML_ListType carrying a time: (choice, seconds) like SML_Time.
  const [choice, secs] = items;
  if (items.length !== 2 || choice?.type !== 'unsigned' || secs?.type !== 'unsigned') return undefined;
  if (typeof secs.value !== 'number') return undefined;
  const t: SmlTime = choice.value === 1 ? { kind: 'secIndex', seconds: secs.value } : { kind: 'timestamp', unix: secs.value };
  return smlTimeToIso(t);
}

/** The integer after the meter's sign fix, if its profile has one for this code and width. */
function fixedInt(obis: string, value: SmlValue & { type: 'integer' | 'unsigned' }, fix: SignFix | undefined): SmlInt {
  const n = value.value;
  if (fix !== undefined && value.type === 'integer' && typeof n === 'number' && n < 0 && fix.widths.includes(value.width) && fix.obis.includes(obis)) {
    return n + 2 ** (8 * value.width);
  }
  return n;
}

/** Non-numeric values: printable text, hex, boolean, a time, or null. */
function otherValue(value: SmlValue | undefined, cache: SmlReadingCache): string | boolean | null {
  if (value === undefined) return null;
  switch (value.type) {
    case 'octets':
      return value.bytes.length === 0 ? null : octetsToText(value.bytes, cache.hex);
    case 'boolean':
      return value.value;
    case 'list':
      return timeValue(value.items) ?? null;
    case 'integer':
    case 'unsigned':
      return null;
  }
}

/** One value (×10^scaler, DLMS unit, sign fix) as a typed reading. */
function reading(
  cache: SmlReadingCache,
  obis: string,
  value: SmlValue | undefined,
  unitCode: number | undefined,
  scaler: number | undefined,
  time: string | undefined,
  fix: SignFix | undefined,
): Reading {
  if (value !== undefined && (value.type === 'integer' || value.type === 'unsigned')) {
    const u = unitCode === undefined ? undefined : dlmsUnit(unitCode);
    return cache.numericReading(obis, fixedInt(obis, value, fix), (scaler ?? 0) + (u?.exponent ?? 0), u?.unit, time);
  }
  return cache.otherReading(obis, otherValue(value, cache), time);
}

/** GetProfilePack.Res: one reading per header object, the last capture as value, all as entries. */
function profileReading(
  cache: SmlReadingCache,
  obis: string,
  values: readonly { time: string | undefined; value: SmlValue | undefined }[],
  unitCode: number | undefined,
  scaler: number | undefined,
  fix: SignFix | undefined,
): Reading | undefined {
  const last = values[values.length - 1];
  if (last === undefined) return undefined;
  const u = unitCode === undefined ? undefined : dlmsUnit(unitCode);
  const conv = cache.conversionFor(obis, u?.unit);
  const entries = values.map(({ time, value }): LogEntry => {
    let v: ReadingValue;
    if (value !== undefined && (value.type === 'integer' || value.type === 'unsigned')) {
      const n = scaleDecimal(fixedInt(obis, value, fix), (scaler ?? 0) + (u?.exponent ?? 0) + conv.exp10);
      v = conv.from !== undefined && conv.to !== undefined ? (convertValue(n, conv.from, conv.to) ?? n) : n;
      return { value: v, ...(time !== undefined && { time }), ...(conv.unit !== undefined && { unit: conv.unit }) };
    }
    return { value: otherValue(value, cache), ...(time !== undefined && { time }) };
  });
  const r = reading(cache, obis, last.value, unitCode, scaler, last.time, fix);
  return { ...r, entries };
}

function firstTime(messages: readonly SmlMessage[]): string | undefined {
  let fallback: string | undefined;
  for (const m of messages) {
    const b = m.body;
    switch (b.kind) {
      case 'get-list-response': {
        const t = smlTimeToIso(b.actSensorTime) ?? smlTimeToIso(b.actGatewayTime);
        if (t !== undefined) return t;
        break;
      }
      case 'open-response':
        fallback ??= smlTimeToIso(b.refTime);
        break;
      case 'get-profile-list-response':
      case 'get-profile-pack-response':
        fallback ??= smlTimeToIso(b.actTime);
        break;
      case 'close-response':
      case 'attention-response':
      case 'other':
        break;
    }
  }
  return fallback;
}

function fixFor(quirks: SmlQuirks): SignFix | undefined {
  const name = quirks.powerSignFix;
  return name === undefined || name === 'none' ? undefined : POWER_SIGN_FIXES[name];
}

/**
 * Collects the readings of one file, message by message or (fast path) entry by entry from an
 * `SmlEntrySink`, and closes with the snapshot. Later values of a code replace earlier ones.
 */
export class SmlSnapshotBuilder {
  /** In order of first appearance of each key; a later reading with the same key replaces it. */
  private readonly readings: Reading[] = [];
  /** Key → index in `readings`, built once there are too many readings to compare keys one by one. */
  private index: Map<string, number> | undefined;
  private textManufacturer: string | undefined;
  private version: string | undefined;
  private fix: SignFix | undefined;
  private readonly cache: SmlReadingCache;

  /** `cache`: the reading cache of the decoder this builder works for (a fresh one by default). */
  constructor(quirks: SmlQuirks = {}, cache: SmlReadingCache = new SmlReadingCache()) {
    this.fix = fixFor(quirks);
    this.cache = cache;
  }

  /** Quirks of the meter whose entries follow. */
  setQuirks(quirks: SmlQuirks): void {
    this.fix = fixFor(quirks);
  }

  private add(obis: string, r: Reading): void {
    if (typeof r.value === 'string' && MANUFACTURER_OBIS.has(obis)) this.textManufacturer ??= r.value;
    const list = this.readings;
    const key = r.key;
    if (this.index === undefined) {
      // A file has a dozen or two readings: comparing keys (mostly the same string objects) beats hashing.
      for (let i = 0; i < list.length; i++) {
        if ((list[i] as Reading).key === key) {
          list[i] = r;
          return;
        }
      }
      list.push(r);
      if (list.length > MAX_LINEAR) this.index = new Map(list.map((x, i) => [x.key, i]));
      return;
    }
    const at = this.index.get(key);
    if (at === undefined) {
      this.index.set(key, list.length);
      list.push(r);
    } else {
      list[at] = r;
    }
  }

  /** One entry from the fast path (valid only during the call). */
  entryView(v: SmlEntryView): void {
    const cache = this.cache;
    const code = cache.codeAt(v.bytes, v.objStart, v.objLength);
    if (code === undefined) return;
    const obis = code.obis;
    const time = v.valTime === undefined ? undefined : smlTimeToIso(v.valTime);
    let r: Reading;
    switch (v.kind) {
      case 'integer':
      case 'unsigned': {
        const u = v.unit === undefined ? undefined : dlmsUnit(v.unit);
        const n = this.fix !== undefined && v.kind === 'integer' ? fixedInt(obis, { type: 'integer', value: v.int, width: v.width }, this.fix) : v.int;
        r = numericReadingOf(code, n, (v.scaler ?? 0) + (u?.exponent ?? 0), u?.unit, time);
        break;
      }
      case 'octets':
        r = otherReadingOf(code, v.octLength === 0 ? null : octetsToTextAt(v.bytes, v.octStart, v.octLength, cache.hex), time);
        break;
      case 'boolean':
        r = otherReadingOf(code, v.bool, time);
        break;
      case 'list':
        r = otherReadingOf(code, v.list?.type === 'list' ? (timeValue(v.list.items) ?? null) : null, time);
        break;
      case 'absent':
        r = otherReadingOf(code, null, time);
        break;
    }
    this.add(obis, r);
  }

  /** A parsed message: its list entries (if it has any left) and what the snapshot takes from it. */
  message(m: SmlMessage): void {
    const b = m.body;
    const fix = this.fix;
    const cache = this.cache;
    switch (b.kind) {
      case 'open-response':
        if (b.smlVersion !== undefined) this.version ??= String(b.smlVersion);
        break;
      case 'get-list-response':
        for (const e of b.valList) {
          const obis = cache.obisText(e.objName);
          if (obis !== undefined)
            this.add(obis, reading(cache, obis, e.value, e.unit, e.scaler, e.valTime === undefined ? undefined : smlTimeToIso(e.valTime), fix));
        }
        break;
      case 'get-profile-list-response': {
        const time = smlTimeToIso(b.valTime);
        for (const e of b.periodList) {
          const obis = cache.obisText(e.objName);
          if (obis !== undefined) this.add(obis, reading(cache, obis, e.value, e.unit, e.scaler, time, fix));
        }
        break;
      }
      case 'get-profile-pack-response': {
        const times = b.periodList.map((p) => smlTimeToIso(p.valTime));
        b.headerList.forEach((h, i) => {
          const obis = cache.obisText(h.objName);
          if (obis === undefined) return;
          const r = profileReading(
            cache,
            obis,
            b.periodList.map((p, k) => ({ time: times[k], value: p.values[i] })),
            h.unit,
            h.scaler,
            fix,
          );
          if (r !== undefined) this.add(obis, r);
        });
        break;
      }
      case 'close-response':
      case 'attention-response':
      case 'other':
        break;
    }
  }

  finish(messages: readonly SmlMessage[], ctx: Omit<SmlSnapshotContext, 'quirks'>): MeterSnapshot {
    const list = this.readings.slice();
    const time = firstTime(messages);
    const meter = meterInfo(ctx, list, this.version, this.textManufacturer);
    return time === undefined ? { protocol: 'sml', meter, readings: list } : { protocol: 'sml', meter, time, readings: list };
  }
}

/** The snapshot of a parsed file (the structured path; decodeSmlFile takes the fast one). */
export function buildSmlSnapshot(messages: readonly SmlMessage[], ctx: SmlSnapshotContext, cache?: SmlReadingCache): MeterSnapshot {
  const b = new SmlSnapshotBuilder(ctx.quirks, cache);
  for (const m of messages) b.message(m);
  return b.finish(messages, ctx);
}

function meterInfo(
  ctx: Omit<SmlSnapshotContext, 'quirks'>,
  readings: readonly Reading[],
  version: string | undefined,
  textManufacturer: string | undefined,
): MeterInfo {
  const sid = ctx.serverId;
  const flag = sid?.manufacturerId ?? (textManufacturer !== undefined && /^[A-Za-z]{3}$/.test(textManufacturer) ? textManufacturer : undefined);
  const manufacturer = sid?.manufacturer ?? (flag === undefined ? undefined : manufacturerName(flag));
  const medium = sid?.medium ?? (readings.some((r) => r.obis?.startsWith('1-') === true) ? 'electricity' : undefined);
  const info: { -readonly [K in keyof MeterInfo]: MeterInfo[K] } = { id: sid?.hex ?? 'unknown' };
  if (flag !== undefined) info.manufacturerId = flag;
  if (manufacturer !== undefined) info.manufacturer = manufacturer;
  if (ctx.model !== undefined) info.model = ctx.model;
  if (version !== undefined) info.version = version;
  if (medium !== undefined) info.medium = medium;
  if (sid !== undefined) info.identification = sid.hex;
  return info;
}
