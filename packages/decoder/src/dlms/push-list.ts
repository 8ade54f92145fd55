import type { DlmsData } from './axdr-types';

/** How a meter lays out its push list (§4.11). */
export const PUSH_STYLES = ['obis-structures', 'obis-flat', 'capture-definition', 'positional'] as const;
export type PushStyle = (typeof PUSH_STYLES)[number];

/** One value of a push list, with whatever the frame itself says about it. */
export interface PushItem {
  /** Position in the top-level list (the structure/array the body is), counting every element. */
  readonly index: number;
  /** The 6-byte logical name sent with the value, when the list carries one. */
  readonly obis?: Uint8Array;
  readonly value: DlmsData;
  /** From an in-frame scaler-unit structure (`02 02 0F sc 16 unit`). */
  readonly scaler?: number;
  /** DLMS unit code from an in-frame scaler-unit structure. */
  readonly unit?: number;
  /** Interface class and attribute from a capture definition. */
  readonly classId?: number;
  readonly attribute?: number;
}

export interface PushList {
  readonly style: PushStyle;
  readonly items: readonly PushItem[];
  /** Number of top-level elements (the `elementCount` a profile can match). */
  readonly elementCount: number;
}

const isObis = (d: DlmsData | undefined): d is { type: 'octet-string'; value: Uint8Array } =>
  d !== undefined && d.type === 'octet-string' && d.value.length === 6;

function scalerUnit(d: DlmsData | undefined): { scaler: number; unit: number } | undefined {
  if (d?.type !== 'structure' || d.items.length !== 2) return undefined;
  const [s, u] = d.items;
  if (s?.type !== 'integer' || u?.type !== 'enum') return undefined;
  return { scaler: s.value, unit: u.value };
}

/** `{obis, value[, {scaler, unit}]}` structures in an array (Aidon). */
function obisStructures(list: readonly DlmsData[]): PushItem[] | undefined {
  if (list.length === 0) return undefined;
  const items: PushItem[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (s?.type !== 'structure' || s.items.length < 2 || s.items.length > 3 || !isObis(s.items[0])) return undefined;
    const su = scalerUnit(s.items[2]);
    const value = s.items[1] as DlmsData;
    items.push(su ? { index: i, obis: s.items[0].value, value, scaler: su.scaler, unit: su.unit } : { index: i, obis: s.items[0].value, value });
  }
  return items;
}

/** A capture-definition push: element 0 = array of `{u16 class, OBIS, int8 attribute, u16 index}`. */
function captureDefinition(list: readonly DlmsData[]): PushItem[] | undefined {
  const defs = list[0];
  if (defs?.type !== 'array' || defs.items.length !== list.length) return undefined;
  const items: PushItem[] = [];
  for (let i = 0; i < defs.items.length; i++) {
    const d = defs.items[i];
    if (d?.type !== 'structure' || d.items.length !== 4) return undefined;
    const [cls, obis, attr] = d.items;
    if (cls?.type !== 'long-unsigned' || !isObis(obis) || attr?.type !== 'integer') return undefined;
    if (i > 0) items.push({ index: i, obis: obis.value, value: list[i] as DlmsData, classId: cls.value, attribute: attr.value });
  }
  return items;
}

/**
 * A flat list mixing `OBIS, value[, {scaler, unit}]` groups with unlabelled elements (Kamstrup list
 * version, EVN clock and meter number); null-data elements are padding. Undefined when no group exists.
 */
function obisFlat(list: readonly DlmsData[]): PushItem[] | undefined {
  const items: PushItem[] = [];
  let groups = 0;
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as DlmsData;
    const next = list[i + 1];
    if (isObis(d) && next !== undefined && next.type !== 'null-data' && !isObis(next)) {
      const su = scalerUnit(list[i + 2]);
      items.push(su ? { index: i, obis: d.value, value: next, scaler: su.scaler, unit: su.unit } : { index: i, obis: d.value, value: next });
      i += su ? 2 : 1;
      groups++;
    } else if (d.type !== 'null-data') {
      items.push({ index: i, value: d });
    }
  }
  return groups > 0 ? items : undefined;
}

/** Recognises the push-list style of a notification body and lists its values. */
export function readPushList(body: DlmsData): PushList {
  if (body.type !== 'array' && body.type !== 'structure') {
    return { style: 'positional', items: [{ index: 0, value: body }], elementCount: 1 };
  }
  const list = body.items;
  const elementCount = list.length;
  const structures = body.type === 'array' ? obisStructures(list) : undefined;
  if (structures) return { style: 'obis-structures', items: structures, elementCount };
  const captured = captureDefinition(list);
  if (captured) return { style: 'capture-definition', items: captured, elementCount };
  const flat = obisFlat(list);
  if (flat) return { style: 'obis-flat', items: flat, elementCount };
  return { style: 'positional', items: list.map((value, index) => ({ index, value })), elementCount };
}
