import { mediumFromCode, optional, quantityInMedium, type MeterInfo, type MeterSnapshot, type Reading } from '@smi/model';
import { type DecodeError, type Result, fail, ok } from '../common';
import { decodeApplicationLayer, type MbusFixedTelegram, type MbusTelegram, type MbusVariableTelegram } from './application';
import { parseMbusFrame } from './frame';
import { mbusManufacturerName, secondaryAddress } from './header';
import { createMbusReadingCache, placeFields, placeKeyAndName, recordsToReadings, typedValue, uniqueKeys, type MbusReadingCache } from './readings';
import { createMbusRecordCache, type MbusRecordCache } from './records';

export interface MbusDecodeOptions {
  /** Meter id `KAM-06855817` instead of `06855817` (ids are only unique per manufacturer). */
  readonly idWithManufacturer?: boolean;
}

/**
 * A decoder's memos (one per stream decoder or frame decoder, never shared between meters'
 * decoders by the package): record shapes, reading templates and the meter info per header.
 */
export interface MbusDecoderCache {
  readonly records: MbusRecordCache;
  readonly readings: MbusReadingCache;
  /** Meter info by id, manufacturer, version and medium (bounded). */
  readonly meters: Map<string, MeterInfo>;
  last?: {
    readonly id: string;
    readonly code: number;
    readonly version: number;
    readonly medium: number;
    readonly withMfr: boolean | undefined;
    readonly meter: MeterInfo;
  };
}

export function createMbusDecoderCache(): MbusDecoderCache {
  return { records: createMbusRecordCache(), readings: createMbusReadingCache(), meters: new Map() };
}

function variableMeter(t: MbusVariableTelegram, options: MbusDecodeOptions, cache?: MbusDecoderCache): MeterInfo {
  const h = t.header;
  if (h && cache) {
    // A stream carries one meter (or a few): the last header's info is kept, else a bounded map.
    const last = cache.last;
    if (
      last !== undefined &&
      last.id === h.id &&
      last.code === h.manufacturerCode &&
      last.version === h.version &&
      last.medium === h.mediumCode &&
      last.withMfr === options.idWithManufacturer
    ) {
      return last.meter;
    }
    const key = `${h.id}|${h.manufacturerCode}|${h.version}|${h.mediumCode}|${options.idWithManufacturer === true ? 1 : 0}`;
    let meter = cache.meters.get(key);
    if (meter === undefined) {
      meter = variableMeter(t, options);
      if (cache.meters.size >= 256) cache.meters.clear();
      cache.meters.set(key, meter);
    }
    cache.last = { id: h.id, code: h.manufacturerCode, version: h.version, medium: h.mediumCode, withMfr: options.idWithManufacturer, meter };
    return meter;
  }
  if (!h) {
    // CI 78/7A carry no identification: use a fabrication number record, else the primary address.
    const fab = t.records.find((r) => r.type === 'data' && r.key === 'fabrication_number' && typeof r.value === 'string');
    const id = fab && fab.type === 'data' ? String(fab.value) : `address-${t.address}`;
    return { id };
  }
  const name = mbusManufacturerName(h.manufacturerId);
  return {
    id: options.idWithManufacturer ? `${h.manufacturerId}-${h.id}` : h.id,
    manufacturerId: h.manufacturerId,
    ...optional('manufacturer', name),
    version: String(h.version),
    medium: mediumFromCode(h.mediumCode),
    identification: secondaryAddress(h),
  };
}

function fixedReadings(t: MbusFixedTelegram): Reading[] {
  const f = t.fixed;
  const readings = f.counters.map((c): Reading => {
    const place = { function: 'instantaneous', storage: f.stored || c.historic ? 1 : 0, tariff: 0, subunit: 0 } as const;
    const { key, name } = placeKeyAndName(c.key, c.name, place);
    const typed = typedValue(quantityInMedium(c.quantity, f.medium), c.value, c.unit);
    return {
      key,
      name,
      quantity: typed.quantity,
      value: typed.value,
      ...optional('unit', typed.unit),
      ...placeFields(place),
      raw: c.rawValue === undefined ? c.raw : String(c.rawValue),
    };
  });
  return uniqueKeys(readings);
}

/** Turns a decoded telegram into the protocol-neutral snapshot. Error reports and alarms are failures. */
export function telegramToSnapshot(t: MbusTelegram, options: MbusDecodeOptions = {}, cache?: MbusDecoderCache): Result<MeterSnapshot> {
  switch (t.kind) {
    case 'variable': {
      const meter = variableMeter(t, options, cache);
      const readings = recordsToReadings(t.records, meter.medium === undefined ? {} : { medium: meter.medium }, cache?.readings);
      return ok({ protocol: 'mbus', meter, readings });
    }
    case 'fixed':
      return ok({ protocol: 'mbus', meter: { id: t.fixed.id, medium: t.fixed.medium }, readings: fixedReadings(t) });
    case 'error-report':
      return fail('bad-value', 'mbus-app', `slave reported application error ${t.code ?? 'without code'}`, 7);
    case 'alarm':
      return fail('bad-value', 'mbus-app', `slave reported alarm ${t.code ?? 'without code'}`, 7);
  }
}

/** Decodes exactly one RSP_UD long frame (`68 L L 68 08 A CI … CS 16`) into a snapshot. */
export function decodeMbusFrame(bytes: Uint8Array, options: MbusDecodeOptions = {}, cache?: MbusDecoderCache): Result<MeterSnapshot> {
  const frame = parseMbusFrame(bytes);
  if (!frame.ok) return frame;
  const telegram = decodeApplicationLayer(frame.value, cache?.records);
  if (!telegram.ok) return telegram;
  return telegramToSnapshot(telegram.value, options, cache);
}

/**
 * `decodeMbusFrame` with one meter's memos (record shapes, reading templates, meter info): what a
 * caller decoding frame by frame keeps, as the stream decoder does. Same results, less work.
 */
export function createMbusFrameDecoder(options: MbusDecodeOptions = {}): (bytes: Uint8Array) => Result<MeterSnapshot> {
  const cache = createMbusDecoderCache();
  return (bytes) => decodeMbusFrame(bytes, options, cache);
}

/** Decodes a frame into the telegram (header, typed records) without building readings. */
export function decodeMbusTelegram(bytes: Uint8Array): Result<MbusTelegram, DecodeError> {
  const frame = parseMbusFrame(bytes);
  return frame.ok ? decodeApplicationLayer(frame.value) : frame;
}
