import { mediumFromCode, normalizeUnit, quantityForUnit, type Medium } from '@smi/model';
import type { Groups } from './line-scanner';
import type { ObisRef } from './obis-ref';
import type { ByteText } from '../common/byte-text';
import { isAllZeros, isDigits, parseDecimal } from '../common/decimal-text';
import { readHexText, tstToIso, type HexText } from './text-values';
import type { ByteMemo } from '../common/byte-memo';

/**
 * M-Bus sub-channels `0-n:…` (protocol-notes §1.4). Their readings depend on the channel's
 * medium (device type 24.1.0), which may come after them, and a channel only counts as a device
 * when it holds something: an unused channel such as `0-1:24.2.1(700101010000W)(00000000)`
 * with an empty id is not one. So channel objects are kept (bracket bounds copied) and read once
 * the whole telegram has been seen.
 */
export interface ChannelObject {
  readonly ref: ObisRef;
  /** Bracket text of the object (see `regroup`). */
  readonly open: number;
  readonly end: number;
  readonly offset: number;
}

export class ChannelState {
  deviceType: number | undefined;
  /** Equipment id (hex-decoded when printable), when not empty and not all zeros. */
  id: string | undefined;
  /** Whether any reading holds a real value (not a placeholder). */
  hasValue = false;
  /** Unit of the first real reading, to guess the medium when no device type is sent. */
  valueUnit: string | undefined;
  readonly objects: ChannelObject[] = [];

  constructor(readonly channel: number) {}

  get used(): boolean {
    return this.hasValue || this.id !== undefined;
  }

  get medium(): Medium {
    if (this.deviceType !== undefined) return mediumFromCode(this.deviceType);
    const unit = this.valueUnit === undefined ? undefined : normalizeUnit(this.valueUnit);
    const quantity = unit === undefined ? undefined : quantityForUnit(unit);
    if (quantity === 'volume') return 'gas';
    if (quantity === 'heat_energy' || quantity === 'energy') return 'heat';
    return 'unknown';
  }
}

/** Bracket i without unit that is empty or only zeros: "no value" on an unused channel. */
export function isPlaceholder(b: Uint8Array, groups: Groups, i: number): boolean {
  const s = groups.starts[i] as number;
  const e = groups.ends[i] as number;
  return e <= s || (groups.stars[i] === -1 && isAllZeros(b, s, e));
}

/**
 * The value of a DSMR 2.2/3.0 hourly profile (bracket i, on the continuation line) is "no value"
 * only when empty, or all zeros under a capture time that is no valid time stamp
 * (`000000000000`): `(00000.000)` after `(090212160000)` is a real zero reading. Its unit is in
 * the profile's unit bracket, so the unit-less zero test of `isPlaceholder` does not apply.
 */
export function isProfilePlaceholder(b: Uint8Array, groups: Groups, i: number): boolean {
  const s = groups.starts[i] as number;
  const e = groups.ends[i] as number;
  if (e <= s) return true;
  return isAllZeros(b, s, e) && tstToIso(b, groups.starts[0] as number, groups.ends[0] as number) === undefined;
}

/** DSMR 2.2/3.0 profile: `(time)(00)(60)(1)(obis)(unit)` then `(value)` on the next line. */
export const PROFILE_UNIT_GROUP = 5;
export const PROFILE_VALUE_GROUP = 6;

/**
 * Index of the bracket holding an object's value: `(TST)(value)` → 1, a profile → 6, a single
 * bracket → 0; -1 when a profile lacks its value line.
 */
export function valueGroupIndex(ref: ObisRef, groups: Groups): number {
  if (ref.spec.kind === 'hourly-profile') return groups.count > PROFILE_VALUE_GROUP ? PROFILE_VALUE_GROUP : -1;
  return groups.count >= 2 ? 1 : 0;
}

/** First look at a channel object: device type, id and whether it carries a value. */
export function noteChannelObject(state: ChannelState, text: ByteText, ref: ObisRef, groups: Groups, offset: number, hexTexts: ByteMemo<HexText>): void {
  state.objects.push({ ref, open: groups.open, end: groups.end, offset });
  const b = text.bytes;
  const s = groups.starts[0] as number;
  const e = groups.ends[0] as number;
  switch (ref.spec.kind) {
    case 'device-type':
      if (isDigits(b, s, e)) state.deviceType = parseDecimal(b, s, e);
      return;
    case 'identifier':
      if (e > s && !isAllZeros(b, s, e) && state.id === undefined) {
        state.id = readHexText(text, s, e, hexTexts).value;
      }
      return;
    case 'status':
      return;
    case 'timed-value':
    case 'hourly-profile':
    case 'value':
    case 'timestamp':
    case 'version':
    case 'text':
    case 'tariff':
    case 'event-log':
    case 'billing-history': {
      const i = valueGroupIndex(ref, groups);
      if (i < 0 || (ref.spec.kind === 'hourly-profile' ? isProfilePlaceholder(b, groups, i) : isPlaceholder(b, groups, i))) return;
      state.hasValue = true;
      if (state.valueUnit === undefined) {
        const star = groups.stars[i] as number;
        if (star >= 0) state.valueUnit = text.slice(star + 1, groups.ends[i] as number);
        else if (ref.spec.kind === 'hourly-profile') {
          state.valueUnit = text.slice(groups.starts[PROFILE_UNIT_GROUP] as number, groups.ends[PROFILE_UNIT_GROUP] as number);
        }
      }
      return;
    }
  }
}
