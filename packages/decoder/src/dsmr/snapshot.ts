import type { Medium, MeterInfo, MeterSnapshot, ReadingValue, SubDevice } from '@smi/model';
import { fail, type DecodeError } from '../common/errors';
import { readBillingHistory, readEventLog } from './buffers';
import { ChannelState, isPlaceholder, isProfilePlaceholder, noteChannelObject, PROFILE_UNIT_GROUP, valueGroupIndex } from './channels';
import { LAYER } from './envelope';
import { regroup, type Groups, type Header, type ObjectVisitor } from './line-scanner';
import type { ObisRef } from './obis-ref';
import type { DsmrState } from './state';
import { convertWithTemplate, ReadingList, templateFor } from './reading-templates';
import type { ByteText } from '../common/byte-text';
import { isAllZeros, isDigits, parseDecimal, stripLeadingZeros } from '../common/decimal-text';
import { readHexText, looksLikeTst, tstToIso } from './text-values';

/** Where a reading belongs: the E-meter itself, or an M-Bus channel of a known medium. */
interface Place {
  readonly medium: Medium | undefined;
  readonly channel: number | undefined;
}

const METER: Place = { medium: undefined, channel: undefined };

/**
 * Turns the objects of one telegram into a MeterSnapshot: the visitor of `scanBody`. E-meter
 * objects become readings as they come; channel objects wait for the end of the telegram.
 */
export class SnapshotBuilder implements ObjectVisitor {
  private readonly list: ReadingList;
  private readonly channels: ChannelState[] = [];
  private readonly ids: (string | undefined)[] = [undefined, undefined, undefined, undefined];
  private time: string | undefined;
  private version: string | undefined;
  private mucsVersion: string | undefined;
  private electricity = false;

  private readonly bytes: Uint8Array;

  constructor(
    private readonly text: ByteText,
    private readonly header: Header,
    private readonly state: DsmrState,
  ) {
    this.bytes = text.bytes;
    this.list = new ReadingList(state.templates);
  }

  object(ref: ObisRef, groups: Groups, offset: number): DecodeError | undefined {
    if (ref.channel !== undefined) {
      let state = this.channels[ref.channel];
      if (state === undefined) {
        state = new ChannelState(ref.channel);
        this.channels[ref.channel] = state;
      }
      noteChannelObject(state, this.text, ref, groups, offset, this.state.hexTexts);
      return undefined;
    }
    if (ref.a === 1 && ref.c !== 0) this.electricity = true; // energy, power… (C = 0: ids, versions)
    return this.read(ref, groups, offset, METER);
  }

  finish(): MeterSnapshot | DecodeError {
    const devices: SubDevice[] = [];
    const groups = this.state.channelGroups;
    for (const state of this.channels) {
      if (state === undefined || !state.used) continue;
      const medium = state.medium;
      devices.push(state.id === undefined ? { channel: state.channel, medium } : { channel: state.channel, medium, id: state.id });
      const place: Place = { medium, channel: state.channel };
      for (const o of state.objects) {
        regroup(this.bytes, o.open, o.end, groups);
        const error = this.read(o.ref, groups, o.offset, place);
        if (error) return error;
      }
    }
    const snapshot: { -readonly [K in keyof MeterSnapshot]: MeterSnapshot[K] } = {
      protocol: 'dsmr',
      meter: this.meterInfo(),
      readings: this.list.readings,
    };
    if (this.time !== undefined) snapshot.time = this.time;
    if (devices.length > 0) snapshot.devices = devices;
    return snapshot;
  }

  private meterInfo(): MeterInfo {
    const h = this.header;
    const id = this.ids[1] ?? this.ids[2] ?? this.ids[3] ?? h.derivedId;
    const version = this.version ?? this.mucsVersion;
    const medium = this.electricity ? 'electricity' : undefined;
    const last = this.state.lastMeter;
    if (last !== undefined && last.id === id && last.identification === h.identification && last.version === version && last.medium === medium) {
      return last;
    }
    const info: { -readonly [K in keyof MeterInfo]: MeterInfo[K] } = { id };
    if (h.manufacturerId !== undefined) info.manufacturerId = h.manufacturerId;
    if (h.manufacturer !== undefined) info.manufacturer = h.manufacturer;
    if (h.model !== '') info.model = h.model;
    if (version !== undefined) info.version = version;
    if (medium !== undefined) info.medium = medium;
    info.identification = h.identification;
    this.state.lastMeter = info;
    return info;
  }

  private add(ref: ObisRef, place: Place, value: ReadingValue, raw?: string): void {
    const t = templateFor(this.state.templates, ref, this.text, 0, 0, place.medium);
    this.list.add(t, value, place.channel, undefined, raw);
  }

  /**
   * A number in bracket i (`value[*unit]`), or with the unit in bracket `unitGroup` (profiles).
   * Text that is not a number is kept as text when there is no unit (and the quantity allows
   * it), else rejected.
   */
  private number(ref: ObisRef, place: Place, groups: Groups, i: number, time: string | undefined, offset: number, unitGroup = -1): DecodeError | undefined {
    const b = this.bytes;
    const vs = groups.starts[i] as number;
    const e = groups.ends[i] as number;
    const star = groups.stars[i] as number;
    const ve = star >= 0 ? star : e;
    let us = star + 1;
    let ue = e;
    if (star < 0) {
      us = unitGroup >= 0 ? (groups.starts[unitGroup] as number) : e;
      ue = unitGroup >= 0 ? (groups.ends[unitGroup] as number) : e;
    }
    const t = templateFor(this.state.templates, ref, this.text, us, ue, place.medium);
    if (ve === vs) {
      this.list.add(t, null, place.channel, time);
      return undefined;
    }
    if (!t.numeric && us === ue) {
      this.list.add(t, this.text.slice(vs, ve), place.channel, time);
      return undefined;
    }
    let value = t.shift === undefined ? convertWithTemplate(t, parseDecimal(b, vs, ve)) : parseDecimal(b, vs, ve, t.shift);
    if (Number.isNaN(value)) {
      if (us !== ue) return fail('bad-value', LAYER, `${ref.code}: value is not a number`, offset).error;
      this.list.add(t, this.text.slice(vs, ve), place.channel, time);
      return undefined;
    }
    if (value === 0) value = 0; // no -0
    this.list.add(t, value, place.channel, time);
    return undefined;
  }

  private read(ref: ObisRef, groups: Groups, offset: number, place: Place): DecodeError | undefined {
    const b = this.bytes;
    const s = groups.starts[0] as number;
    const e = groups.ends[0] as number;
    switch (ref.spec.kind) {
      // Most lines first.
      case 'value':
        if (groups.count === 1) return this.number(ref, place, groups, 0, undefined, offset);
        if (looksLikeTst(b, s, e)) return this.timedValue(ref, place, groups, offset);
        this.add(ref, place, this.joined(groups));
        return undefined;
      case 'timestamp': {
        const iso = tstToIso(b, s, e);
        if (iso !== undefined && this.time === undefined && place.channel === undefined) this.time = iso;
        // The text as sent is kept only when it is not a valid date.
        this.add(ref, place, iso ?? null, iso === undefined && e > s ? this.text.slice(s, e) : undefined);
        return undefined;
      }
      case 'version': {
        const v = e > s ? this.text.slice(s, e) : null;
        if (v !== null && place.channel === undefined) {
          // P1 version `50` → `5.0`, `42` → `4.2`; eMUCS `50217` as sent.
          if (ref.a === 1) this.version ??= e - s === 2 && isDigits(b, s, e) ? `${v.charAt(0)}.${v.charAt(1)}` : v;
          else this.mucsVersion ??= v;
        }
        this.add(ref, place, v);
        return undefined;
      }
      case 'identifier':
      case 'text': {
        if (e === s) {
          this.add(ref, place, null);
          return undefined;
        }
        const { raw, value } = readHexText(this.text, s, e, this.state.hexTexts);
        const priority = ref.spec.idPriority;
        if (priority !== undefined && place.channel === undefined && this.ids[priority] === undefined && !isAllZeros(b, s, e)) {
          this.ids[priority] = value;
        }
        this.add(ref, place, value, raw);
        return undefined;
      }
      case 'tariff':
      case 'status': {
        if (e === s) {
          this.add(ref, place, null);
          return undefined;
        }
        const raw = this.text.slice(s, e);
        this.add(ref, place, isDigits(b, s, e) ? stripLeadingZeros(raw) : raw, raw);
        return undefined;
      }
      case 'device-type':
        this.add(ref, place, place.medium ?? null, e > s ? this.text.slice(s, e) : undefined);
        return undefined;
      case 'timed-value':
        return this.timedValue(ref, place, groups, offset);
      case 'hourly-profile': {
        const i = valueGroupIndex(ref, groups);
        if (i < 0 || (place.channel !== undefined && isProfilePlaceholder(b, groups, i))) return undefined;
        return this.number(ref, place, groups, i, tstToIso(b, s, e), offset, PROFILE_UNIT_GROUP);
      }
      case 'event-log': {
        const content = readEventLog(this.text, groups, this.state.templates.entryUnits);
        this.list.add(
          templateFor(this.state.templates, ref, this.text, 0, 0, place.medium),
          content.count,
          place.channel,
          undefined,
          undefined,
          content.entries,
        );
        return undefined;
      }
      case 'billing-history': {
        const content = readBillingHistory(this.text, groups, this.state.templates.entryUnits);
        this.list.add(
          templateFor(this.state.templates, ref, this.text, 0, 0, place.medium),
          content.count,
          place.channel,
          undefined,
          undefined,
          content.entries,
        );
        return undefined;
      }
    }
  }

  /** `(capture TST)(value*unit)`: M-Bus readings, the month peak 1-0:1.6.0. */
  private timedValue(ref: ObisRef, place: Place, groups: Groups, offset: number): DecodeError | undefined {
    const last = groups.count - 1;
    if (place.channel !== undefined && isPlaceholder(this.bytes, groups, last)) return undefined;
    const time = last === 0 ? undefined : tstToIso(this.bytes, groups.starts[0] as number, groups.ends[0] as number);
    return this.number(ref, place, groups, last, time, offset);
  }

  /** Brackets of an object without a known layout, as sent: `(a)(b)`. */
  private joined(groups: Groups): string {
    let out = '';
    for (let i = 0; i < groups.count; i++) out += `(${this.text.slice(groups.starts[i] as number, groups.ends[i] as number)})`;
    return out;
  }
}
