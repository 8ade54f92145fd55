import type { MeterSnapshot, Reading } from '@smi/model';
import { meterAvailability, meterDevice } from './device';
import { configTopic, DEFAULT_DISCOVERY_PREFIX, haUniqueId, meterDeviceId, meterObjectId } from './ids';
import { haOrigin } from '../common/origin';
import type { HaDiscoveryOptions, HaHistoryMode, HaSensorConfig } from './types';

/** Key (and component id) of the one entity that carries the history values as attributes. */
export const HISTORY_KEY = 'billing_history';

/** What `history` is when the caller does not say: history values are not announced. */
export const DEFAULT_HISTORY_MODE: HaHistoryMode = 'omit';

const BILLING_PERIOD = /\*\d+$/;

/**
 * A stored value of an earlier billing period: OBIS `A-B:C.D.E*F` with a billing-period suffix
 * (`1-0:1.8.0*01`, the value of `1.8.0` at the end of period 1), and the D0 codes with the same
 * suffix that have no OBIS form (the decoder names them `D0 0-0:C.51.2*1`). These are the bulk of
 * an IEC 62056-21 readout: 318 of the Iskra MT174's 343 values. Current values never carry it
 * (F = 255 is dropped from the canonical form). M-Bus storage numbers are not counted: a heat
 * meter's due-date value is one reading per quantity, not a history.
 */
export function isHistoryReading(reading: Reading): boolean {
  if (reading.obis !== undefined) return BILLING_PERIOD.test(reading.obis);
  return reading.name.startsWith('D0 ') && BILLING_PERIOD.test(reading.name);
}

/** Readings split by `isHistoryReading`, in snapshot order. */
export function splitHistory(readings: readonly Reading[]): { current: Reading[]; history: Reading[] } {
  const current: Reading[] = [];
  const history: Reading[] = [];
  for (const r of readings) (isHistoryReading(r) ? history : current).push(r);
  return { current, history };
}

/**
 * `history: attributes`: one diagnostic sensor `Billing history` whose state is the number of
 * stored values and whose attributes are those values (`json_attributes_topic` = the state topic,
 * `json_attributes_template` picks the history keys), so Home Assistant gets one entity instead
 * of hundreds. Only possible when every history value comes in one JSON state payload read with
 * `value_json.<key>` (the `json-state` preset); otherwise undefined (the values are omitted).
 */
export function haHistoryConfig(
  snapshot: MeterSnapshot,
  history: readonly Reading[],
  opts: HaDiscoveryOptions,
): { topic: string; config: HaSensorConfig } | undefined {
  const first = history[0];
  if (first === undefined) return undefined;
  const { meter } = snapshot;
  const topic = opts.stateTopic(meter, first);
  const template = opts.valueTemplate;
  const plainJson = history.every((r) => opts.stateTopic(meter, r) === topic && (template === undefined || template(r.key) === `{{ value_json.${r.key} }}`));
  if (!plainJson || snapshot.readings.some((r) => r.key === HISTORY_KEY)) return undefined;
  const pairs = history.map((r) => `"${r.key}": value_json.${r.key}`).join(', ');
  const config: HaSensorConfig = {
    name: 'Billing history',
    unique_id: haUniqueId(meter, HISTORY_KEY, opts.instance),
    default_entity_id: `sensor.${meterObjectId(meter, HISTORY_KEY)}`,
    state_topic: topic,
    value_template: `{{ ${history.length} }}`,
    json_attributes_topic: topic,
    json_attributes_template: `{{ {${pairs}} | tojson }}`,
    entity_category: 'diagnostic',
    ...(opts.expireAfter !== undefined && opts.expireAfter > 0 ? { expire_after: Math.ceil(opts.expireAfter) } : {}),
    availability_mode: 'all',
    availability: meterAvailability(snapshot, opts),
    device: meterDevice(snapshot, opts),
    origin: haOrigin(opts.origin),
  };
  return { topic: configTopic(opts.prefix ?? DEFAULT_DISCOVERY_PREFIX, 'sensor', meterDeviceId(meter), HISTORY_KEY), config };
}
