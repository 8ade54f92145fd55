import {
  buildReading,
  convertValue,
  formatObis,
  obisFromBytes,
  optional,
  parseObis,
  type MeterInfo,
  type Obis,
  type ObisCode,
  type Reading,
  type ReadingValue,
  type Unit,
} from '@smi/model';
import { sameBytes } from '../common';
import { bytesToHex } from '../common/hex';
import { createAxdrListMemo, type AxdrListMemo } from './axdr';
import type { DlmsProfile, DlmsProfileRegister } from './profile';

/**
 * Per-decoder memo (no module-level state): `buildReading` per (OBIS, meter unit, value kind) — only
 * the value changes between pushes —, OBIS text per 6-byte code and each profile compiled to maps.
 */
export interface ReadingCache {
  /** `slot` is the value's position in the push; a repeat of the last layout skips the map lookup. */
  reading(obis: ObisCode, value: ReadingValue, unit: Unit | undefined, slot?: number): Reading;
  /** OBIS text of a decoded logical name (a push repeats the same codes every few seconds). */
  code(o: Obis): ObisCode;
  /** The logical name of 6 bytes as sent, decoded and as text (undefined unless 6 bytes). */
  logicalName(bytes: Uint8Array): { readonly o: Obis; readonly code: ObisCode } | undefined;
  /** Hex and FLAG id (its first 3 bytes, when letters) of a system title. */
  systemTitle(st: Uint8Array): { readonly hex: string; readonly flag: string | undefined };
  /** A profile's positions and registers as maps, built once per profile object. */
  profile(p: DlmsProfile): CompiledProfile;
  /** The profile `find` chooses for these match inputs; the last choice is kept (a meter repeats its push). */
  chooseProfile(
    profiles: readonly DlmsProfile[] | undefined,
    style: string,
    elementCount: number,
    listId: string | undefined,
    flag: string | undefined,
    find: (profiles: readonly DlmsProfile[] | undefined, listId: string | undefined, flag: string | undefined) => DlmsProfile | undefined,
  ): DlmsProfile | undefined;
  /** The meter info of the last push when every input is the same (a meter repeats its identity). */
  meter(inputs: readonly unknown[], make: () => MeterInfo): MeterInfo;
  /** True when `readings` have the keys of the last push whose keys were unique. */
  sameUniqueKeys(readings: readonly Reading[]): boolean;
  /** Records the keys of `readings` (unique) for `sameUniqueKeys`. */
  noteUniqueKeys(readings: readonly Reading[]): void;
  /** Per push position: the reading made last time from a number, with what it was made from. */
  readonly numbers: (NumberMemo | undefined)[];
  /** The nested lists of the last push body (capture definitions), reused when sent again. */
  readonly lists: AxdrListMemo;
}

/** A number as sent (A-XDR type and value), the scaler and unit applied, the code, and its reading. */
export interface NumberMemo {
  readonly raw: number;
  readonly type: string;
  readonly code: ObisCode;
  readonly scaler: number;
  readonly unit: Unit | number | undefined;
  readonly reading: Reading;
}

interface Template {
  readonly obis: ObisCode;
  readonly unit: Unit | undefined;
  readonly numeric: boolean;
  readonly reading: Reading;
}

/** System title hex and FLAG id (pure functions of the 8 bytes). */
export function systemTitleInfo(st: Uint8Array): { readonly hex: string; readonly flag: string | undefined } {
  const text = ascii(st.subarray(0, 3));
  return { hex: bytesToHex(st), flag: text !== undefined && /^[A-Za-z]{3}$/.test(text) ? text.toUpperCase() : undefined };
}

export function createReadingCache(limit = 2048): ReadingCache {
  const templates = new Map<string, Template>();
  const slots: (Template | undefined)[] = [];
  const codes = new Map<number, ObisCode>();
  const names = new Map<number, { readonly o: Obis; readonly code: ObisCode }>();
  const profiles = new Map<DlmsProfile, CompiledProfile>();
  let lastChoice:
    | {
        profiles: readonly DlmsProfile[] | undefined;
        style: string;
        count: number;
        listId: string | undefined;
        flag: string | undefined;
        profile: DlmsProfile | undefined;
      }
    | undefined;
  let lastTitle: { readonly bytes: Uint8Array; readonly info: { readonly hex: string; readonly flag: string | undefined } } | undefined;
  let lastMeter: { readonly inputs: readonly unknown[]; readonly meter: MeterInfo } | undefined;
  let uniqueKeys: readonly string[] | undefined;
  return {
    numbers: [],
    lists: createAxdrListMemo(),
    meter(inputs, make) {
      const last = lastMeter;
      if (last !== undefined && last.inputs.length === inputs.length && last.inputs.every((x, i) => x === inputs[i])) return last.meter;
      const meter = make();
      lastMeter = { inputs, meter };
      return meter;
    },
    sameUniqueKeys(readings) {
      const keys = uniqueKeys;
      if (keys === undefined || keys.length !== readings.length) return false;
      for (let i = 0; i < keys.length; i++) if ((readings[i] as Reading).key !== keys[i]) return false;
      return true;
    },
    noteUniqueKeys(readings) {
      uniqueKeys = readings.map((r) => r.key);
    },
    chooseProfile(profiles, style, count, listId, flag, find) {
      const c = lastChoice;
      if (c !== undefined && c.profiles === profiles && c.style === style && c.count === count && c.listId === listId && c.flag === flag) return c.profile;
      const profile = find(profiles, listId, flag);
      lastChoice = { profiles, style, count, listId, flag, profile };
      return profile;
    },
    logicalName(bytes) {
      if (bytes.length !== 6) return undefined;
      const key =
        ((((bytes[0] as number) * 256 + (bytes[1] as number)) * 256 + (bytes[2] as number)) * 256 + (bytes[3] as number)) * 65536 +
        (bytes[4] as number) * 256 +
        (bytes[5] as number);
      let n = names.get(key);
      if (n === undefined) {
        const o = obisFromBytes(bytes) as Obis;
        n = { o, code: this.code(o) };
        if (names.size >= limit) names.clear();
        names.set(key, n);
      }
      return n;
    },
    systemTitle(st) {
      const last = lastTitle;
      if (last !== undefined && sameBytes(last.bytes, st)) return last.info;
      const info = systemTitleInfo(st);
      lastTitle = { bytes: st.slice(), info };
      return info;
    },
    code(o) {
      const key = ((((o.a * 256 + o.b) * 256 + o.c) * 256 + o.d) * 256 + o.e) * 256 + o.f;
      let code = codes.get(key);
      if (code === undefined) {
        if (codes.size >= limit) codes.clear();
        code = formatObis(o);
        codes.set(key, code);
      }
      return code;
    },
    profile(p) {
      let c = profiles.get(p);
      if (c === undefined) {
        if (profiles.size >= 64) profiles.clear();
        c = compileProfile(p);
        profiles.set(p, c);
      }
      return c;
    },
    reading(obis, value, unit, slot) {
      const numeric = typeof value === 'number';
      let t = slot === undefined ? undefined : slots[slot];
      if (t === undefined || t.obis !== obis || t.unit !== unit || t.numeric !== numeric) {
        const key = `${obis}|${unit ?? ''}|${typeof value}`;
        t = templates.get(key);
        if (t === undefined) {
          const reading = buildReading(unit === undefined ? { obis, value } : { obis, value, unit });
          if (templates.size >= limit) templates.clear();
          t = { obis, unit, numeric, reading };
          templates.set(key, t);
        }
        if (slot !== undefined && slot < limit) slots[slot] = t;
      }
      // Same conversion buildReading made for this key: from the meter unit to the publishing unit.
      const r = t.reading;
      let v = value;
      if (numeric && unit !== undefined && r.unit !== undefined && r.unit !== unit) v = convertValue(value as number, unit, r.unit) ?? v;
      return r.value === v ? r : withValue(r, v);
    },
  };
}

/** `{ ...r, value }` for a `buildReading` result of a push value (its fields in the same order). */
function withValue(r: Reading, value: ReadingValue): Reading {
  const out: { -readonly [K in keyof Reading]: Reading[K] } = { obis: r.obis as ObisCode, key: r.key, name: r.name, quantity: r.quantity, value };
  if (r.unit !== undefined) out.unit = r.unit;
  if (r.enabledByDefault !== undefined) out.enabledByDefault = r.enabledByDefault;
  return out;
}

/** Printable ASCII of an octet string (trailing NULs dropped), else undefined. */
export function ascii(b: Uint8Array): string | undefined {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  let s = '';
  for (let i = 0; i < end; i++) {
    const c = b[i] as number;
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

export interface CompiledPosition {
  readonly o: Obis;
  readonly scaler?: number;
  readonly unit?: Unit | number;
}

/** A profile's positions and registers as maps. */
export interface CompiledProfile {
  readonly positions: ReadonlyMap<number, CompiledPosition>;
  readonly registers: ReadonlyMap<ObisCode, DlmsProfileRegister>;
  /** Memo of the register found for a code (exact, or B = 0 for electricity); null: none. */
  readonly found: Map<ObisCode, DlmsProfileRegister | null>;
}

export function compileProfile(p: DlmsProfile): CompiledProfile {
  const positions = new Map<number, CompiledPosition>();
  for (const pos of p.positions ?? []) {
    const o = parseObis(pos.obis);
    if (o) positions.set(pos.index, { o, ...optional('scaler', pos.scaler), ...optional('unit', pos.unit) });
  }
  return { positions, registers: new Map((p.registers ?? []).map((r) => [r.obis, r])), found: new Map() };
}
