import { UNITS, type HaStateClass } from '@smi/model';

/** What Home Assistant accepts for one sensor device_class. `null` in `units` means "no unit". */
export interface HaDeviceClassRule {
  readonly units: readonly (string | null)[];
  readonly stateClasses: readonly HaStateClass[];
}

const TOTALS: readonly HaStateClass[] = ['total', 'total_increasing'];
const MEASUREMENT: readonly HaStateClass[] = ['measurement'];

/**
 * Sensor device classes SMI may announce, with the exact unit strings and state classes HA
 * accepts (platform-conventions §1.8, from HA's `sensor/const.py` DEVICE_CLASS_UNITS and
 * DEVICE_CLASS_STATE_CLASSES). Byte-exact: `m³` is U+00B3, `var` is lower-case. A pair outside
 * this table makes HA drop the entity. `temperature`, `duration` and `volume` are not in table
 * 1.8 but the model uses them (heat meters); their rows come from the same HA file. Micro-volts
 * are left out (HA spells the prefix with a code point we never emit).
 */
export const HA_SENSOR_DEVICE_CLASSES: Readonly<Record<string, HaDeviceClassRule>> = {
  energy: {
    units: ['Wh', 'kWh', 'MWh', 'mWh', 'GWh', 'TWh', 'J', 'kJ', 'MJ', 'GJ', 'cal', 'kcal', 'Mcal', 'Gcal'],
    stateClasses: TOTALS,
  },
  power: { units: ['W', 'kW', 'mW', 'MW', 'GW', 'TW'], stateClasses: MEASUREMENT },
  voltage: { units: ['V', 'mV', 'kV', 'MV'], stateClasses: MEASUREMENT },
  current: { units: ['A', 'mA'], stateClasses: MEASUREMENT },
  frequency: { units: ['Hz', 'kHz', 'MHz', 'GHz'], stateClasses: MEASUREMENT },
  power_factor: { units: [null, '%'], stateClasses: MEASUREMENT },
  apparent_power: { units: ['VA'], stateClasses: MEASUREMENT },
  reactive_power: { units: ['var', 'kvar'], stateClasses: MEASUREMENT },
  reactive_energy: { units: ['varh', 'kvarh'], stateClasses: TOTALS },
  gas: { units: ['m³', 'ft³', 'CCF', 'L'], stateClasses: TOTALS },
  water: { units: ['m³', 'ft³', 'CCF', 'gal', 'L'], stateClasses: TOTALS },
  volume: { units: ['m³', 'L', 'mL', 'ft³', 'CCF', 'gal'], stateClasses: TOTALS },
  volume_flow_rate: { units: ['m³/h', 'L/min', 'mL/s', 'ft³/min', 'gal/min'], stateClasses: MEASUREMENT },
  temperature: { units: ['°C', '°F', 'K'], stateClasses: MEASUREMENT },
  duration: { units: ['d', 'h', 'min', 's', 'ms'], stateClasses: ['measurement', 'total', 'total_increasing'] },
  timestamp: { units: [null], stateClasses: [] },
  enum: { units: [null], stateClasses: [] },
};

export const HA_STATE_CLASSES: readonly HaStateClass[] = ['measurement', 'total', 'total_increasing'];

/** Binary sensor classes SMI may announce (gateway connectivity, meter problems). */
export const HA_BINARY_SENSOR_DEVICE_CLASSES: ReadonlySet<string> = new Set(['connectivity', 'problem', 'running', 'update']);

/**
 * Every unit string SMI may publish: the model's units plus those of the table above. A unit
 * outside this set is a spelling bug (`m3`, `VAr`, `kwh`), even without a device class.
 */
export const HA_KNOWN_UNITS: ReadonlySet<string> = new Set<string>([
  ...UNITS,
  ...Object.values(HA_SENSOR_DEVICE_CLASSES).flatMap((r) => r.units.filter((u): u is string => u !== null)),
]);

export function deviceClassRule(deviceClass: string): HaDeviceClassRule | undefined {
  return Object.hasOwn(HA_SENSOR_DEVICE_CLASSES, deviceClass) ? HA_SENSOR_DEVICE_CLASSES[deviceClass] : undefined;
}

/** Whether HA accepts this unit (undefined: none) with this device class. */
export function deviceClassAcceptsUnit(deviceClass: string, unit: string | undefined): boolean {
  const rule = deviceClassRule(deviceClass);
  return rule !== undefined && rule.units.includes(unit ?? null);
}
