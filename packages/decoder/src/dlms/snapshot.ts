import {
  buildReading,
  formatObis,
  manufacturerName,
  normalizeUnit,
  obisFromBytes,
  type MeterInfo,
  type MeterSnapshot,
  type Obis,
  type ObisCode,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import { dlmsUnit } from '../common/dlms-units';
import { bytesToHex } from '../common/hex';
import { scaleDecimal } from '../common/decimal';
import type { DlmsApdu } from './apdu';
import { dlmsNumber, type DlmsData } from './axdr-types';
import { BUILTIN_DLMS_PROFILES } from './builtin-profiles';
import { decodeCosemDate, decodeCosemDateTime, decodeCosemTime } from './cosem-datetime';
import type { DlmsProfile, DlmsProfileRegister } from './profile';
import { readPushList, type PushItem, type PushList } from './push-list';
import { ascii, compileProfile, systemTitleInfo, type CompiledPosition, type CompiledProfile, type ReadingCache } from './reading-cache';

export { createReadingCache, type CompiledProfile, type ReadingCache } from './reading-cache';

export interface DlmsMapOptions {
  /** Caller's profiles, tried before the built-in ones. */
  readonly profiles?: readonly DlmsProfile[];
  /** Memo of typed readings (a stream decoder keeps one; the registry lookup then runs once per code). */
  readonly cache?: ReadingCache;
  /** Meter identity from an earlier frame of the same stream, used when this one carries none. */
  readonly previousMeter?: MeterInfo;
}

export interface DlmsMapResult {
  readonly snapshot: MeterSnapshot;
  /** The profile that was applied, if any. */
  readonly profile?: DlmsProfile;
  /** Whether the meter id came from this frame (an id object or the system title). */
  readonly idFromFrame: boolean;
}

function text(d: DlmsData): string | undefined {
  if (d.type === 'visible-string' || d.type === 'utf8-string') return d.value.replace(/\0+$/, '');
  return d.type === 'octet-string' ? ascii(d.value) : undefined;
}

/** ISO text of a date-time value (tag 19, or a 12-byte octet string that decodes as one). */
function isoTime(d: DlmsData): string | undefined {
  if (d.type === 'date-time' || (d.type === 'octet-string' && d.value.length === 12)) {
    const t = decodeCosemDateTime(d.value);
    return t.ok ? t.value.iso : undefined;
  }
  return undefined;
}

/** raw × 10^exp without binary noise; a product that is not a safe integer is kept to 15 digits. */
function scale(raw: number, exp: number): number {
  const r = scaleDecimal(raw, exp);
  return exp <= 0 || Number.isSafeInteger(r) ? r : Number(r.toPrecision(15));
}

function valueOf(d: DlmsData, scaler: number, unit: Unit | number | undefined): { value: ReadingValue; unit?: Unit } | undefined {
  const n = dlmsNumber(d);
  if (n !== undefined) {
    if (d.type === 'enum' && unit === undefined) return { value: n };
    const u = typeof unit === 'number' ? dlmsUnit(unit) : { unit, exponent: 0 };
    const value = scale(n, scaler + u.exponent);
    return u.unit === undefined ? { value } : { value, unit: u.unit };
  }
  switch (d.type) {
    case 'boolean':
      return { value: d.value };
    case 'visible-string':
    case 'utf8-string':
      return { value: text(d) || null };
    case 'octet-string': {
      const t = isoTime(d) ?? text(d) ?? bytesToHex(d.value);
      return { value: t === '' ? null : t };
    }
    case 'date-time':
      return { value: isoTime(d) ?? null };
    case 'date': {
      const t = decodeCosemDate(d.value);
      return { value: t.ok ? (t.value.iso ?? null) : null };
    }
    case 'time': {
      const t = decodeCosemTime(d.value);
      return { value: t.ok ? (t.value.iso ?? null) : null };
    }
    case 'bit-string':
      return { value: bytesToHex(d.value) };
    case 'null-data':
    case 'array':
    case 'structure':
    case 'compact-array':
      return undefined; // not readings
    case 'integer':
    case 'long':
    case 'double-long':
    case 'unsigned':
    case 'long-unsigned':
    case 'double-long-unsigned':
    case 'enum':
    case 'bcd':
    case 'float32':
    case 'float64':
    case 'long64':
    case 'long64-unsigned':
      return undefined; // numbers are handled above
  }
}

interface Labelled {
  readonly item: PushItem;
  readonly o: Obis;
  readonly code: ObisCode;
  readonly position?: CompiledPosition;
}

/** Register scaler/unit: the exact code, else (electricity, B ≠ 0) the same code for B = 0. */
function registerFor(p: CompiledProfile | undefined, o: Obis, code: ObisCode, codeOf: (o: Obis) => ObisCode): DlmsProfileRegister | undefined {
  if (!p || p.registers.size === 0) return undefined;
  const known = p.found.get(code);
  if (known !== undefined) return known ?? undefined;
  const exact = p.registers.get(code);
  const r = exact || o.a !== 1 || o.b === 0 ? exact : p.registers.get(codeOf({ ...o, b: 0 }));
  if (p.found.size < 4096) p.found.set(code, r ?? null);
  return r;
}

function flagOf(s: string | undefined): string | undefined {
  const id = s?.slice(0, 3);
  return id !== undefined && /^[A-Za-z]{3}$/.test(id) && manufacturerName(id) !== undefined ? id.toUpperCase() : undefined;
}

function matches(p: DlmsProfile, list: PushList, listId: string | undefined, flag: string | undefined): boolean {
  const m = p.match;
  return (
    (m.listId === undefined || m.listId === listId) &&
    (m.elementCount === undefined || m.elementCount === list.elementCount) &&
    (m.manufacturerId === undefined || m.manufacturerId === flag) &&
    (m.style === undefined || m.style === list.style)
  );
}

/** Identity objects: rank of a meter-id code (lower wins), and model / list-version codes. */
function idRank(o: Obis): number {
  if (o.a === 0 && o.b === 0 && o.c === 96 && o.d === 1 && o.e === 0) return 0;
  if (o.a === 0 && o.b === 0 && o.c === 42 && o.d === 0 && o.e === 0) return 1;
  if (o.a === 0 && o.b === 0 && o.c === 96 && o.d === 1 && o.e === 1) return 2;
  if (o.a === 1 && o.c === 0 && o.d === 0 && o.e <= 9) return 3;
  return -1;
}
const isModel = (o: Obis): boolean => (o.a === 0 && o.b === 0 && o.c === 96 && o.d === 1 && o.e === 7) || (o.a === 1 && o.c === 96 && o.d === 1 && o.e === 1);
const isListId = (o: Obis): boolean => o.c === 0 && o.d === 2 && o.e === 129;
const isClock = (o: Obis): boolean => o.a === 0 && o.c === 1 && o.d === 0 && o.e === 0;

interface Identity {
  id: string | undefined;
  idRank: number;
  model: string | undefined;
  listId: string | undefined;
  listIdGuessed?: boolean;
}

function noteIdentity(ident: Identity, o: Obis, value: DlmsData): void {
  const rank = idRank(o);
  if (rank >= 0 && rank < ident.idRank) {
    const t = text(value);
    if (t) {
      ident.id = t;
      ident.idRank = rank;
    }
  } else if (ident.model === undefined && isModel(o)) ident.model = text(value) || undefined;
  else if (ident.listId === undefined && isListId(o)) ident.listId = text(value) || undefined;
}

/** A COSEM logical device name (`ISK1020784605887`): a FLAG id and a serial, not a list version. */
const DEVICE_NAME = /^[A-Za-z]{3}\d{8,13}$/;

/**
 * An unlabelled text in front of a list (no OBIS, not a capture definition) is a list version
 * (`KFM_001`) or the meter's logical device name (Iskra in Slovenia). A device name identifies the
 * meter (like `0-0:42.0.0`); a list version selects the profile and becomes `meter.version`.
 */
function noteLeadingText(ident: Identity, list: PushList): void {
  const first = list.items[0];
  if (!first || first.index !== 0 || first.obis !== undefined || list.style === 'capture-definition') return;
  const t = text(first.value);
  if (t === undefined || t === '') return;
  if (!DEVICE_NAME.test(t) || flagOf(t) === undefined) {
    if (ident.listId !== undefined) return;
    ident.listId = t;
    ident.listIdGuessed = true;
  } else if (ident.idRank > 1) {
    ident.id = t;
    ident.idRank = 1;
  }
}

const fallbackCode = (o: Obis): ObisCode => formatObis(o);

/** Maps a decoded push (data-notification) to the model: readings, meter identity, time. */
export function mapDlmsPush(apdu: DlmsApdu, options: DlmsMapOptions = {}): DlmsMapResult {
  const list = readPushList(apdu.notification.body);
  const cache = options.cache;
  const codeOf = cache ? (o: Obis): ObisCode => cache.code(o) : fallbackCode;
  // Pass 1: what the frame itself labels (OBIS sent with the value), and who the meter is.
  const labelled: (Labelled | undefined)[] = new Array<Labelled | undefined>(list.items.length);
  const ident: Identity = { id: undefined, idRank: 99, model: undefined, listId: undefined };
  for (let i = 0; i < list.items.length; i++) {
    const item = list.items[i] as PushItem;
    if (item.obis === undefined) continue;
    const name = cache ? cache.logicalName(item.obis) : undefined;
    const o = name ? name.o : obisFromBytes(item.obis);
    if (!o) continue;
    labelled[i] = { item, o, code: name ? name.code : codeOf(o) };
    noteIdentity(ident, o, item.value);
  }
  noteLeadingText(ident, list);
  const st = apdu.security?.systemTitle;
  const stInfo = st === undefined ? undefined : cache ? cache.systemTitle(st) : systemTitleInfo(st);
  const stFlag = stInfo?.flag;
  const stHex = stInfo?.hex;
  const frameFlag = stFlag ?? (ident.idRank <= 1 ? flagOf(ident.id) : undefined) ?? flagOf(ident.listId);
  const find = (profiles: readonly DlmsProfile[] | undefined, listId: string | undefined, flag: string | undefined): DlmsProfile | undefined =>
    profiles?.find((p) => matches(p, list, listId, flag)) ?? BUILTIN_DLMS_PROFILES.find((p) => matches(p, list, listId, flag));
  const profile = cache
    ? cache.chooseProfile(options.profiles, list.style, list.elementCount, ident.listId, frameFlag, find)
    : find(options.profiles, ident.listId, frameFlag);
  const plan = profile && (cache ? cache.profile(profile) : compileProfile(profile));
  const head = plan?.positions.get(0);
  if (ident.listIdGuessed && head && !isListId(head.o)) ident.listId = undefined; // the profile names element 0 otherwise

  // Pass 2: positions from the profile, values with scaler/unit, readings.
  // Every value's reading; keys taken twice are dropped below (the first one stays).
  let readings: Reading[] = [];
  const fromA1: boolean[] = [];
  let clock: string | undefined;
  let unlabelledTime: string | undefined;
  let electricity = false;
  for (let i = 0; i < list.items.length; i++) {
    const item = list.items[i] as PushItem;
    let l = labelled[i];
    if (!l) {
      const position = plan?.positions.get(item.index);
      if (!position) {
        unlabelledTime ??= isoTime(item.value);
        continue;
      }
      l = { item, o: position.o, code: codeOf(position.o), position };
      noteIdentity(ident, position.o, item.value);
    }
    if (item.classId === 40 || (item.attribute !== undefined && item.attribute !== 2)) continue; // push setup, non-value attributes
    const reg =
      item.scaler === undefined && item.unit === undefined
        ? l.position?.scaler !== undefined || l.position?.unit !== undefined
          ? l.position
          : registerFor(plan, l.o, l.code, codeOf)
        : undefined;
    const scaler = item.scaler ?? reg?.scaler ?? 0;
    const unit = item.unit ?? reg?.unit;
    // A number the meter sent unchanged at this position: the reading made from it last time.
    const d = item.value;
    const n = cache ? dlmsNumber(d) : undefined;
    const memo = n === undefined ? undefined : cache?.numbers[i];
    if (memo !== undefined && Object.is(memo.raw, n) && memo.type === d.type && memo.code === l.code && memo.scaler === scaler && memo.unit === unit) {
      readings.push(memo.reading);
      fromA1.push(l.o.a === 1);
      continue;
    }
    const v = valueOf(d, scaler, unit);
    if (v === undefined) continue;
    if (clock === undefined && typeof v.value === 'string' && isClock(l.o)) clock = v.value;
    const reading = cache
      ? cache.reading(l.code, v.value, v.unit, i)
      : buildReading(v.unit === undefined ? { obis: l.code, value: v.value } : { obis: l.code, value: v.value, unit: v.unit });
    if (cache && n !== undefined && i < 2048) cache.numbers[i] = { raw: n, type: d.type, code: l.code, scaler, unit, reading };
    readings.push(reading);
    fromA1.push(l.o.a === 1);
  }
  if (cache?.sameUniqueKeys(readings) === true) electricity = fromA1.includes(true);
  else {
    const keys = new Set<string>();
    const kept: Reading[] = [];
    readings.forEach((r, k) => {
      if (keys.has(r.key)) return;
      keys.add(r.key);
      kept.push(r);
      if (fromA1[k] === true) electricity = true;
    });
    if (kept.length === readings.length) cache?.noteUniqueKeys(kept);
    readings = kept;
  }

  const frameId = ident.id ?? stHex;
  const prev = options.previousMeter;
  const makeMeter = (): MeterInfo => {
    const manufacturerId = frameFlag ?? flagOf(frameId) ?? profile?.manufacturerId ?? prev?.manufacturerId;
    const meter: { -readonly [K in keyof MeterInfo]: MeterInfo[K] } = { id: frameId ?? prev?.id ?? 'unknown' };
    const manufacturer = manufacturerId === undefined ? undefined : manufacturerName(manufacturerId);
    const model = ident.model ?? (frameId ? undefined : prev?.model);
    const version = ident.listId ?? (frameId ? undefined : prev?.version);
    if (manufacturerId !== undefined) meter.manufacturerId = manufacturerId;
    if (manufacturer !== undefined) meter.manufacturer = manufacturer;
    if (model !== undefined) meter.model = model;
    if (version !== undefined) meter.version = version;
    if (electricity) meter.medium = 'electricity';
    if (stHex !== undefined) meter.identification = stHex;
    return meter;
  };
  // The meter info depends on these only (a push repeats them): the last one is kept.
  const meter = cache ? cache.meter([frameId, frameFlag, profile, prev, ident.model, ident.listId, electricity, stHex], makeMeter) : makeMeter();
  const dnTime = clock ?? unlabelledTime ?? (apdu.notification.dateTime && decodeCosemDateTime(apdu.notification.dateTime));
  const time = typeof dnTime === 'object' ? (dnTime.ok ? dnTime.value.iso : undefined) : dnTime;
  const snapshot: MeterSnapshot = time === undefined ? { protocol: 'dlms', meter, readings } : { protocol: 'dlms', meter, time, readings };
  const idFromFrame = frameId !== undefined;
  return profile ? { snapshot, profile, idFromFrame } : { snapshot, idFromFrame };
}

/** A unit text or DLMS code as a model unit (for profile tooling). */
export function profileUnit(unit: Unit | number | undefined): Unit | undefined {
  if (unit === undefined) return undefined;
  return typeof unit === 'number' ? dlmsUnit(unit).unit : normalizeUnit(unit);
}
