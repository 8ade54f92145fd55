import { homieId, QUANTITY_DEFINITIONS, type Medium, type MeterInfo, type MeterSnapshot, type Reading, type ReadingValue } from '@smi/model';
import { mediumLabel } from '../common/names';
import { DEFAULT_HOMIE_ROOT, type HomieOptions } from './types';

/**
 * How a snapshot maps onto Homie 4 topology: the meter is the device; readings without a channel
 * form node `meter`, readings of M-Bus channel n (DSMR gas, water…) form node `channel-<n>`.
 * Property ids are the reading keys in Homie's id alphabet (`energy_import_total` →
 * `energy-import-total`); a clash after that mapping gets `-2`, `-3`… in reading order.
 */
export interface HomieProperty {
  readonly id: string;
  readonly reading: Reading;
}

export interface HomieNode {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly properties: readonly HomieProperty[];
}

export interface HomieLayout {
  /** `homie/<deviceId>` */
  readonly base: string;
  readonly deviceId: string;
  readonly nodes: readonly HomieNode[];
}

export function homieDeviceId(meter: MeterInfo, opts: HomieOptions = {}): string {
  return homieId(opts.deviceId?.(meter) ?? meter.id);
}

export function homieBase(deviceId: string, root: string = DEFAULT_HOMIE_ROOT): string {
  return `${root}/${homieId(deviceId)}`;
}

function nodeOf(snapshot: MeterSnapshot, channel: number | undefined, readings: readonly Reading[]): HomieNode {
  const used = new Set<string>();
  const properties = readings.map((reading) => {
    const base = homieId(reading.key);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return { id, reading };
  });
  if (channel === undefined) {
    return { id: 'meter', name: mediumLabel(snapshot.meter.medium), type: snapshot.meter.medium ?? 'meter', properties };
  }
  const medium = snapshot.devices?.find((d) => d.channel === channel)?.medium ?? mediumOfReadings(readings);
  return { id: `channel-${channel}`, name: `${mediumLabel(medium)} (channel ${channel})`, type: medium ?? 'unknown', properties };
}

/** What an M-Bus channel measures, from its readings, when the frame does not say (no device type line). */
const QUANTITY_MEDIA: Readonly<Partial<Record<Reading['quantity'], Medium>>> = {
  gas_volume: 'gas',
  water_volume: 'water',
  heat_energy: 'heat',
};

function mediumOfReadings(readings: readonly Reading[]): Medium | undefined {
  const media = new Set(readings.flatMap((r) => QUANTITY_MEDIA[r.quantity] ?? []));
  return media.size === 1 ? [...media][0] : undefined;
}

export function homieLayout(snapshot: MeterSnapshot, opts: HomieOptions = {}): HomieLayout {
  const deviceId = homieDeviceId(snapshot.meter, opts);
  // Channel 0 is the meter itself (sort puts it first; `undefined` would sort last unseen).
  const groups = new Map<number, Reading[]>();
  for (const reading of snapshot.readings) {
    const channel = reading.channel === undefined || reading.channel < 1 ? 0 : reading.channel;
    const list = groups.get(channel) ?? [];
    list.push(reading);
    groups.set(channel, list);
  }
  const channels = [...groups.keys()].sort((a, b) => a - b);
  return {
    base: homieBase(deviceId, opts.root),
    deviceId,
    nodes: channels.map((ch) => nodeOf(snapshot, ch === 0 ? undefined : ch, groups.get(ch) ?? [])),
  };
}

/**
 * Homie payload of a value: numbers with `.` as decimal separator, booleans `true`/`false`, text
 * as is. Undefined for null and empty text: a zero-length retained payload would delete the
 * property's retained value instead of publishing one, so nothing is sent.
 */
export function homieValue(value: ReadingValue): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value === '' ? undefined : value;
}

/** `$unit`: the reading's unit; `#` (Homie's "count or amount") for unitless counters. */
export function homieUnit(reading: Reading): string | undefined {
  if (reading.unit !== undefined) return reading.unit;
  return reading.quantity === 'count' ? '#' : undefined;
}

export function homieFormat(reading: Reading): string | undefined {
  const def = QUANTITY_DEFINITIONS[reading.quantity];
  return def.homieDatatype === 'enum' && def.options !== undefined ? def.options.map((o) => o.replace(/,/g, ',,')).join(',') : undefined;
}
