import type { HaStateClass, MeterInfo, Reading } from '@smi/model';
import type { HaOriginBlock, SmiOrigin } from '../common/origin';

/** `availability` entry; payloads are HA's defaults `online` / `offline`, so they are not sent. */
export interface HaAvailabilityEntry {
  readonly topic: string;
}

/** HA device block, full key names (platform-conventions §1.6, §1.7). */
export interface HaDeviceBlock {
  readonly identifiers: readonly string[];
  readonly name: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly serial_number?: string;
  readonly sw_version?: string;
  readonly configuration_url?: string;
  readonly via_device?: string;
}

/** The per-entity sensor config SMI publishes. Key order here is the order in the JSON. */
export interface HaSensorConfig {
  readonly name: string | null;
  readonly unique_id: string;
  readonly default_entity_id: string;
  readonly state_topic: string;
  readonly value_template?: string;
  readonly json_attributes_topic?: string;
  readonly json_attributes_template?: string;
  readonly device_class?: string;
  readonly state_class?: HaStateClass;
  readonly unit_of_measurement?: string;
  readonly suggested_display_precision?: number;
  readonly options?: readonly string[];
  readonly entity_category?: 'diagnostic';
  readonly enabled_by_default?: false;
  readonly expire_after?: number;
  readonly availability_mode?: 'all';
  readonly availability?: readonly HaAvailabilityEntry[];
  readonly device: HaDeviceBlock;
  readonly origin: HaOriginBlock;
}

export interface HaBinarySensorConfig {
  readonly name: string | null;
  readonly unique_id: string;
  readonly default_entity_id: string;
  readonly state_topic: string;
  readonly payload_on: string;
  readonly payload_off: string;
  readonly device_class?: string;
  readonly entity_category?: 'diagnostic';
  readonly device: HaDeviceBlock;
  readonly origin: HaOriginBlock;
}

/** Options of `haMeterDiscovery`. Topics are the caller's: the state payload comes from a template preset. */
export interface HaDiscoveryOptions {
  /** HA discovery prefix; default `homeassistant`. */
  readonly prefix?: string;
  /** Gateway install id: meters point at `smi_gateway_<installId>` with `via_device`. */
  readonly installId: string;
  /** unique_id discriminator for several gateways on one broker: pass the MQTT base topic (see ha/ids.ts). */
  readonly instance: string;
  /** Where the state of this reading is published (same topic for all readings with the `json-state` preset). */
  readonly stateTopic: (meter: MeterInfo, reading: Reading) => string;
  /** value_template for a reading key; default `{{ value_json.<key> }}` (the `json-state` preset). */
  readonly valueTemplate?: (key: string) => string;
  /** Gateway availability topic (its MQTT last will sets `offline`); listed first. */
  readonly gatewayAvailabilityTopic: string;
  /** Per-meter availability topic; listed second. */
  readonly meterAvailabilityTopic: (meter: MeterInfo) => string;
  /** Seconds after which HA shows the sensor unavailable without a new state (about 3× the meter interval); rounded up, ignored when ≤ 0. */
  readonly expireAfter?: number;
  /** Device name; default `<medium> meter <id>` (`Electricity meter 1ESY1161234567`). */
  readonly deviceName?: (meter: MeterInfo) => string;
  readonly origin: SmiOrigin;
  /**
   * Values of earlier billing periods (OBIS `*F`, see `isHistoryReading`): `omit` (default) leaves
   * them out of discovery (they stay in the state payload), `attributes` announces one
   * `Billing history` entity with them as attributes, `entities` one disabled sensor each.
   */
  readonly history?: HaHistoryMode;
}

export type HaHistoryMode = 'omit' | 'attributes' | 'entities';

export interface HaGatewayDiscoveryOptions {
  readonly prefix?: string;
  readonly installId: string;
  /** Device name; default `Smart Meter Interop`. */
  readonly name?: string;
  readonly origin: SmiOrigin;
  /** Web UI / ingress URL, when known. Must be an absolute URL. */
  readonly configurationUrl?: string;
  /** The gateway availability topic (`online` / `offline`, LWT). */
  readonly availabilityTopic: string;
  /** Topic carrying the number of rejected frames since start. */
  readonly rejectedFramesTopic: string;
  /** value_template for that topic; default none (the payload is the bare number). */
  readonly rejectedFramesValueTemplate?: string;
}

/** One sensor inside a device-based config: the per-entity config without the shared blocks. */
export type HaSensorComponent = { readonly platform: 'sensor' } & Omit<HaSensorConfig, 'device' | 'origin' | 'availability_mode' | 'availability'>;

/** Device-based discovery payload (`<prefix>/device/<id>/config`), full key names. */
export interface HaDeviceDiscoveryConfig {
  readonly device: HaDeviceBlock;
  readonly origin: HaOriginBlock;
  readonly availability_mode: 'all';
  readonly availability: readonly HaAvailabilityEntry[];
  /** Component id (the reading key) → sensor config, or `{ platform }` alone to remove that entity. */
  readonly components: Readonly<Record<string, HaSensorComponent | { readonly platform: 'sensor' }>>;
}
