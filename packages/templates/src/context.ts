import type { LogEntry, MeterSnapshot, ProtocolId, Reading, ReadingValue } from '@smi/model';
import { topicId } from '@smi/model';

/**
 * The variables every output template sees (documented for users in docs/templates):
 *
 * | Variable | Content |
 * |---|---|
 * | `meter` | `{ id, manufacturer_id, manufacturer, model, version, medium, identification }` (null when unknown) |
 * | `protocol` | `dsmr`, `iec62056-21`, `sml`, `dlms`, `mbus` |
 * | `time` | meter time of the frame, ISO-8601 with offset, or null |
 * | `received_at` | when the gateway received the frame (ISO-8601) |
 * | `readings` | list of `{ key, name, obis, quantity, value, unit, channel, time, raw, entries }` (null when absent) |
 * | `values` | object key → value (numbers stay numbers) |
 * | `units` | object key → unit, for readings that have one |
 * | `devices` | sub-meters `{ channel, medium, id }` |
 * | `base_topic`, `meter_topic_id`, `gateway_id` | topic building blocks (`meter_topic_id` = `topic_id(meter.id)`) |
 * | `reading` | only in per-reading messages: the current entry of `readings` |
 */
export interface TemplateMeter {
  readonly id: string;
  readonly manufacturer_id: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly version: string | null;
  readonly medium: string | null;
  readonly identification: string | null;
}

export interface TemplateReading {
  readonly key: string;
  readonly name: string;
  readonly obis: string | null;
  readonly quantity: string;
  readonly value: ReadingValue;
  readonly unit: string | null;
  readonly channel: number | null;
  readonly time: string | null;
  readonly raw: string | null;
  readonly entries: readonly LogEntry[] | null;
}

export interface TemplateContext {
  readonly meter: TemplateMeter;
  readonly protocol: ProtocolId;
  readonly time: string | null;
  readonly received_at: string;
  readonly readings: readonly TemplateReading[];
  readonly values: Readonly<Record<string, ReadingValue>>;
  readonly units: Readonly<Record<string, string>>;
  readonly devices: readonly { readonly channel: number; readonly medium: string; readonly id: string | null }[];
  readonly base_topic: string;
  readonly meter_topic_id: string;
  readonly gateway_id: string;
  readonly reading?: TemplateReading;
}

export interface TemplateContextExtras {
  readonly baseTopic: string;
  /** Receive time (ISO-8601), passed in: the package has no clock. */
  readonly receivedAt: string;
  readonly gatewayId: string;
}

function templateReading(r: Reading): TemplateReading {
  return {
    key: r.key,
    name: r.name,
    obis: r.obis ?? null,
    quantity: r.quantity,
    value: r.value,
    unit: r.unit ?? null,
    channel: r.channel ?? null,
    time: r.time ?? null,
    raw: r.raw ?? null,
    entries: r.entries ?? null,
  };
}

/** Builds the context of a snapshot. Later readings with a repeated key win in `values` and `units`. */
export function templateContext(snapshot: MeterSnapshot, extras: TemplateContextExtras): TemplateContext {
  const { meter } = snapshot;
  const values: Record<string, ReadingValue> = {};
  const units: Record<string, string> = {};
  for (const r of snapshot.readings) {
    values[r.key] = r.value;
    if (r.unit !== undefined) units[r.key] = r.unit;
  }
  return {
    meter: {
      id: meter.id,
      manufacturer_id: meter.manufacturerId ?? null,
      manufacturer: meter.manufacturer ?? null,
      model: meter.model ?? null,
      version: meter.version ?? null,
      medium: meter.medium ?? null,
      identification: meter.identification ?? null,
    },
    protocol: snapshot.protocol,
    time: snapshot.time ?? null,
    received_at: extras.receivedAt,
    readings: snapshot.readings.map(templateReading),
    values,
    units,
    devices: (snapshot.devices ?? []).map((d) => ({ channel: d.channel, medium: d.medium, id: d.id ?? null })),
    base_topic: extras.baseTopic,
    meter_topic_id: topicId(meter.id),
    gateway_id: extras.gatewayId,
  };
}
