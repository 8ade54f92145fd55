import type { Medium } from './medium';
import type { Unit } from './units';

/** What a reading measures. One entry per kind of value the gateway publishes. */
export const QUANTITIES = [
  'energy',
  'power',
  'reactive_energy',
  'reactive_power',
  'apparent_energy',
  'apparent_power',
  'voltage',
  'current',
  'frequency',
  'power_factor',
  'gas_volume',
  'water_volume',
  'heat_energy',
  'volume',
  'volume_flow',
  'temperature',
  'temperature_difference',
  'pressure',
  'humidity',
  'mass_flow',
  'duration',
  'count',
  'timestamp',
  'tariff',
  'text',
  'identifier',
  'status',
  'unknown',
] as const;
export type Quantity = (typeof QUANTITIES)[number];

export type HaStateClass = 'measurement' | 'total' | 'total_increasing';
export type HomieDatatype = 'float' | 'integer' | 'string' | 'enum' | 'boolean';

export interface QuantityDefinition {
  /** Unit values are converted to before publishing (undefined: unitless or text). */
  readonly unit?: Unit;
  /** Whether values are numbers. */
  readonly numeric: boolean;
  /** Home Assistant sensor device_class (undefined: none). */
  readonly deviceClass?: string;
  readonly stateClass?: HaStateClass;
  /** Suggested display precision (digits after the decimal point). */
  readonly precision?: number;
  /** Diagnostic values are shown under "Diagnostic" in Home Assistant. */
  readonly diagnostic?: boolean;
  readonly homieDatatype: HomieDatatype;
  /** For enum values: the allowed states. */
  readonly options?: readonly string[];
}

/**
 * Quantity → publishing rules (platform-conventions §1.8): exact HA unit strings,
 * `total` for lifetime registers, `measurement` for instantaneous values.
 */
export const QUANTITY_DEFINITIONS: Readonly<Record<Quantity, QuantityDefinition>> = {
  energy: { unit: 'kWh', numeric: true, deviceClass: 'energy', stateClass: 'total', precision: 3, homieDatatype: 'float' },
  power: { unit: 'W', numeric: true, deviceClass: 'power', stateClass: 'measurement', precision: 0, homieDatatype: 'float' },
  // `reactive_energy` exists only in newer HA releases, which older ones reject: publish without a device class.
  reactive_energy: { unit: 'varh', numeric: true, stateClass: 'total', precision: 0, homieDatatype: 'float' },
  reactive_power: { unit: 'var', numeric: true, deviceClass: 'reactive_power', stateClass: 'measurement', precision: 0, homieDatatype: 'float' },
  apparent_energy: { unit: 'VAh', numeric: true, stateClass: 'total', precision: 0, homieDatatype: 'float' },
  apparent_power: { unit: 'VA', numeric: true, deviceClass: 'apparent_power', stateClass: 'measurement', precision: 0, homieDatatype: 'float' },
  voltage: { unit: 'V', numeric: true, deviceClass: 'voltage', stateClass: 'measurement', precision: 1, homieDatatype: 'float' },
  current: { unit: 'A', numeric: true, deviceClass: 'current', stateClass: 'measurement', precision: 2, homieDatatype: 'float' },
  frequency: { unit: 'Hz', numeric: true, deviceClass: 'frequency', stateClass: 'measurement', precision: 2, homieDatatype: 'float' },
  power_factor: { numeric: true, deviceClass: 'power_factor', stateClass: 'measurement', precision: 3, homieDatatype: 'float' },
  gas_volume: { unit: 'm³', numeric: true, deviceClass: 'gas', stateClass: 'total', precision: 3, homieDatatype: 'float' },
  water_volume: { unit: 'm³', numeric: true, deviceClass: 'water', stateClass: 'total', precision: 3, homieDatatype: 'float' },
  heat_energy: { unit: 'kWh', numeric: true, deviceClass: 'energy', stateClass: 'total', precision: 3, homieDatatype: 'float' },
  // A volume whose medium is not known (M-Bus medium 'other'/'unknown', oil…): HA's generic `volume`
  // class (m³, L, gal, ft³, CCF with total/total_increasing). Gas and water meters get gas_volume /
  // water_volume through `quantityInMedium`, the only classes the Energy dashboard offers.
  volume: { unit: 'm³', numeric: true, deviceClass: 'volume', stateClass: 'total', precision: 3, homieDatatype: 'float' },
  volume_flow: { unit: 'm³/h', numeric: true, deviceClass: 'volume_flow_rate', stateClass: 'measurement', precision: 3, homieDatatype: 'float' },
  temperature: { unit: '°C', numeric: true, deviceClass: 'temperature', stateClass: 'measurement', precision: 1, homieDatatype: 'float' },
  temperature_difference: { unit: 'K', numeric: true, stateClass: 'measurement', precision: 1, homieDatatype: 'float' },
  // HA `pressure` takes bar; `humidity` takes % only; HA has no mass-flow class, so none is sent.
  pressure: { unit: 'bar', numeric: true, deviceClass: 'pressure', stateClass: 'measurement', precision: 3, homieDatatype: 'float' },
  humidity: { unit: '%', numeric: true, deviceClass: 'humidity', stateClass: 'measurement', precision: 1, homieDatatype: 'float' },
  mass_flow: { unit: 'kg/h', numeric: true, stateClass: 'measurement', precision: 3, homieDatatype: 'float' },
  duration: { unit: 's', numeric: true, deviceClass: 'duration', stateClass: 'measurement', precision: 0, homieDatatype: 'float' },
  count: { numeric: true, stateClass: 'total_increasing', precision: 0, homieDatatype: 'integer' },
  timestamp: { numeric: false, deviceClass: 'timestamp', diagnostic: true, homieDatatype: 'string' },
  tariff: { numeric: false, deviceClass: 'enum', options: ['0', '1', '2', '3', '4'], homieDatatype: 'enum' },
  text: { numeric: false, diagnostic: true, homieDatatype: 'string' },
  identifier: { numeric: false, diagnostic: true, homieDatatype: 'string' },
  status: { numeric: false, diagnostic: true, homieDatatype: 'string' },
  unknown: { numeric: false, diagnostic: true, homieDatatype: 'string' },
};

const HEAT_MEDIA: ReadonlySet<Medium> = new Set<Medium>(['heat', 'cooling', 'steam']);
const WATER_MEDIA: ReadonlySet<Medium> = new Set<Medium>(['water', 'warm_water', 'hot_water', 'cold_water']);

/**
 * The quantity a generic `energy` or `volume` takes on a meter of a known medium: energy of heat,
 * cooling and steam meters is `heat_energy`; volume is `gas_volume` on gas meters and
 * `water_volume` on water meters and on heat/cooling meters (the circulating water). Other
 * quantities, and both without a medium, stay as they are.
 */
export function quantityInMedium(quantity: Quantity, medium: Medium | undefined): Quantity {
  if (medium === undefined) return quantity;
  if (quantity === 'energy') return HEAT_MEDIA.has(medium) ? 'heat_energy' : quantity;
  if (quantity === 'volume') {
    if (medium === 'gas') return 'gas_volume';
    return WATER_MEDIA.has(medium) || HEAT_MEDIA.has(medium) ? 'water_volume' : quantity;
  }
  return quantity;
}
