import type { Medium } from './medium';
import { parseObis, obisSlug, type Obis, type ObisCode } from './obis';
import type { Quantity } from './quantity';

/** What an OBIS code means: a stable identifier-safe key, a human name and the quantity. */
export interface ObisDefinition {
  /** Identifier-safe key (`[a-z0-9_]`), used in state JSON, topics and unique ids. Stable forever. */
  readonly key: string;
  /** Entity name without the device name (`Energy import tariff 1`). */
  readonly name: string;
  readonly quantity: Quantity;
  /** Noisy extras are announced disabled. */
  readonly enabledByDefault?: boolean;
}

type Row = readonly [cde: string, key: string, name: string, quantity: Quantity, enabledByDefault?: boolean];

const PHASES = [
  ['l1', 'L1'],
  ['l2', 'L2'],
  ['l3', 'L3'],
] as const;

/** Electricity (A = 1) objects, keyed by `C.D.E`. */
const ELECTRICITY: readonly Row[] = [
  ['0.0.0', 'meter_number', 'Meter number', 'identifier'],
  ['0.0.5', 'meter_id', 'Meter id', 'identifier'],
  ['0.0.9', 'server_id', 'Server id', 'identifier'],
  ['96.1.0', 'meter_serial', 'Meter serial number', 'identifier'],
  ['96.50.1', 'manufacturer_text', 'Manufacturer', 'text', false],
  ['0.2.129', 'list_version', 'List version', 'text', false],
  ['0.2.0', 'firmware_version', 'Firmware version', 'text'],
  ['0.2.8', 'p1_version', 'P1 version', 'text'],
  ['1.8.0', 'energy_import_total', 'Energy import', 'energy'],
  ['2.8.0', 'energy_export_total', 'Energy export', 'energy'],
  ...[1, 2, 3, 4].flatMap((t): Row[] => [
    [`1.8.${t}`, `energy_import_tariff_${t}`, `Energy import tariff ${t}`, 'energy'],
    [`2.8.${t}`, `energy_export_tariff_${t}`, `Energy export tariff ${t}`, 'energy'],
  ]),
  ['3.8.0', 'reactive_energy_import_total', 'Reactive energy import', 'reactive_energy'],
  ['4.8.0', 'reactive_energy_export_total', 'Reactive energy export', 'reactive_energy'],
  ...[1, 2, 3, 4].flatMap((t): Row[] => [
    [`3.8.${t}`, `reactive_energy_import_tariff_${t}`, `Reactive energy import tariff ${t}`, 'reactive_energy', false],
    [`4.8.${t}`, `reactive_energy_export_tariff_${t}`, `Reactive energy export tariff ${t}`, 'reactive_energy', false],
  ]),
  ['5.8.0', 'reactive_energy_q1_total', 'Reactive energy Q1', 'reactive_energy', false],
  ['6.8.0', 'reactive_energy_q2_total', 'Reactive energy Q2', 'reactive_energy', false],
  ['7.8.0', 'reactive_energy_q3_total', 'Reactive energy Q3', 'reactive_energy', false],
  ['8.8.0', 'reactive_energy_q4_total', 'Reactive energy Q4', 'reactive_energy', false],
  ['9.8.0', 'apparent_energy_import_total', 'Apparent energy import', 'apparent_energy', false],
  ['10.8.0', 'apparent_energy_export_total', 'Apparent energy export', 'apparent_energy', false],
  ['15.8.0', 'energy_absolute_total', 'Energy absolute', 'energy'],
  ['16.8.0', 'energy_net_total', 'Energy net', 'energy', false],
  ['1.7.0', 'power_import', 'Power import', 'power'],
  ['2.7.0', 'power_export', 'Power export', 'power'],
  ['3.7.0', 'reactive_power_import', 'Reactive power import', 'reactive_power', false],
  ['4.7.0', 'reactive_power_export', 'Reactive power export', 'reactive_power', false],
  ['9.7.0', 'apparent_power_import', 'Apparent power import', 'apparent_power', false],
  ['10.7.0', 'apparent_power_export', 'Apparent power export', 'apparent_power', false],
  ['15.7.0', 'power_absolute', 'Power absolute', 'power', false],
  ['16.7.0', 'power', 'Power', 'power'],
  ['13.7.0', 'power_factor', 'Power factor', 'power_factor'],
  ['14.7.0', 'frequency', 'Frequency', 'frequency'],
  ['11.7.0', 'current', 'Current', 'current'],
  ['12.7.0', 'voltage', 'Voltage', 'voltage'],
  ['91.7.0', 'current_neutral', 'Current neutral', 'current', false],
  ['1.4.0', 'demand_average', 'Average demand', 'power'],
  ['1.6.0', 'demand_peak_month', 'Peak demand this month', 'power'],
  ['31.4.0', 'current_limit', 'Current limit', 'current', false],
  ['99.97.0', 'power_failure_log', 'Power failure log', 'count', false],
  ...PHASES.flatMap(([k, n], i): Row[] => {
    const c = 20 * i;
    return [
      [`${21 + c}.7.0`, `power_import_${k}`, `Power import ${n}`, 'power'],
      [`${22 + c}.7.0`, `power_export_${k}`, `Power export ${n}`, 'power'],
      [`${23 + c}.7.0`, `reactive_power_import_${k}`, `Reactive power import ${n}`, 'reactive_power', false],
      [`${24 + c}.7.0`, `reactive_power_export_${k}`, `Reactive power export ${n}`, 'reactive_power', false],
      [`${29 + c}.7.0`, `apparent_power_import_${k}`, `Apparent power import ${n}`, 'apparent_power', false],
      [`${30 + c}.7.0`, `apparent_power_export_${k}`, `Apparent power export ${n}`, 'apparent_power', false],
      [`${31 + c}.7.0`, `current_${k}`, `Current ${n}`, 'current'],
      [`${32 + c}.7.0`, `voltage_${k}`, `Voltage ${n}`, 'voltage'],
      [`${33 + c}.7.0`, `power_factor_${k}`, `Power factor ${n}`, 'power_factor', false],
      [`${36 + c}.7.0`, `power_${k}`, `Power ${n}`, 'power'],
      [`${21 + c}.8.0`, `energy_import_${k}`, `Energy import ${n}`, 'energy', false],
      [`${22 + c}.8.0`, `energy_export_${k}`, `Energy export ${n}`, 'energy', false],
      [`${32 + c}.32.0`, `voltage_sags_${k}`, `Voltage sags ${n}`, 'count', false],
      [`${32 + c}.36.0`, `voltage_swells_${k}`, `Voltage swells ${n}`, 'count', false],
    ];
  }),
];

/** Abstract (A = 0, B = 0) objects, keyed by `C.D.E`. */
const ABSTRACT: readonly Row[] = [
  ['1.0.0', 'meter_time', 'Meter time', 'timestamp'],
  ['42.0.0', 'logical_device_name', 'Logical device name', 'identifier'],
  ['96.1.7', 'meter_type', 'Meter type', 'text'],
  ['96.1.0', 'equipment_id', 'Equipment identifier', 'identifier'],
  ['96.1.1', 'equipment_id', 'Equipment identifier', 'identifier'],
  ['96.1.4', 'p1_version', 'P1 version', 'text'],
  ['96.14.0', 'tariff', 'Tariff', 'tariff'],
  ['96.7.21', 'power_failures', 'Power failures', 'count'],
  ['96.7.9', 'long_power_failures', 'Long power failures', 'count'],
  ['96.13.0', 'text_message', 'Text message', 'text'],
  ['96.13.1', 'message_code', 'Message code', 'text', false],
  ['96.3.10', 'breaker_state', 'Breaker state', 'status'],
  ['17.0.0', 'limiter_threshold', 'Limiter threshold', 'power', false],
  ['98.1.0', 'billing_history', 'Billing history', 'count', false],
];

/**
 * Heat and cooling meters (A = 6; B = channel), keyed by `C.D.E`, as heat meters with an
 * IEC 62056-21 interface print them (Siemens 2WR5, Landis+Gyr UH50 readouts: `6.8` energy,
 * `6.26` volume, `6.6` peak power, `6.33` peak flow, `6.31`/`6.32` operating/error hours).
 */
const HEAT: readonly Row[] = [
  ['6.8.0', 'heat_energy', 'Heat energy', 'heat_energy'],
  ['6.26.0', 'heat_volume', 'Heat meter volume', 'water_volume'],
  ['6.6.0', 'heat_power_peak', 'Peak heat power', 'power', false],
  ['6.33.0', 'heat_flow_peak', 'Peak flow', 'volume_flow', false],
  ['6.31.0', 'operating_time', 'Operating time', 'duration', false],
  ['6.32.0', 'error_time', 'Error time', 'duration', false],
];

/** Manufacturer-specific objects (A = 129, B = 129: EDL/SML meters), keyed by `C.D.E`. */
const MANUFACTURER_SPECIFIC: readonly Row[] = [
  ['199.130.3', 'manufacturer_text', 'Manufacturer', 'text', false],
  ['199.130.5', 'public_key', 'Public key', 'text', false],
];

/** M-Bus channel objects (A = 0, B = channel), keyed by `C.D.E`; readings depend on the medium. */
const CHANNEL: readonly Row[] = [
  ['1.0.0', 'meter_time', 'Meter time', 'timestamp'],
  ['24.1.0', 'device_type', 'Device type', 'text', false],
  ['96.1.0', 'equipment_id', 'Equipment identifier', 'identifier'],
  ['96.1.1', 'equipment_id', 'Equipment identifier', 'identifier'],
  ['24.4.0', 'valve_state', 'Valve state', 'status', false],
];

const CHANNEL_READINGS = new Set(['24.2.1', '24.2.3', '24.3.0']);

function index(rows: readonly Row[]): ReadonlyMap<string, ObisDefinition> {
  return new Map(
    rows.map(([cde, key, name, quantity, enabled]) => [
      cde,
      enabled === undefined ? { key, name, quantity } : { key, name, quantity, enabledByDefault: enabled },
    ]),
  );
}

const ELECTRICITY_INDEX = index(ELECTRICITY);
const ABSTRACT_INDEX = index(ABSTRACT);
const CHANNEL_INDEX = index(CHANNEL);
const MANUFACTURER_INDEX = index(MANUFACTURER_SPECIFIC);
const HEAT_INDEX = index(HEAT);

/** Channel meter reading by medium (DSMR `0-n:24.2.1`, Fluvius `24.2.3`, DSMR 2.2/3 `24.3.0`). */
const MEDIUM_READING: Readonly<Partial<Record<Medium, readonly [key: string, name: string, quantity: Quantity]>>> = {
  gas: ['gas_volume', 'Gas volume', 'gas_volume'],
  water: ['water_volume', 'Water volume', 'water_volume'],
  cold_water: ['water_volume', 'Water volume', 'water_volume'],
  warm_water: ['hot_water_volume', 'Hot water volume', 'water_volume'],
  hot_water: ['hot_water_volume', 'Hot water volume', 'water_volume'],
  heat: ['heat_energy', 'Heat energy', 'heat_energy'],
  cooling: ['cooling_energy', 'Cooling energy', 'heat_energy'],
  electricity: ['submeter_energy', 'Sub-meter energy', 'energy'],
};

export interface DescribeContext {
  /** Medium of the M-Bus channel (`B`) this object belongs to, when known. */
  readonly medium?: Medium;
}

/** Suffix for channel objects: channel 1 plain (`gas_volume`), others numbered (`gas_volume_2`). */
function withChannel(def: ObisDefinition, channel: number): ObisDefinition {
  if (channel <= 1) return def;
  return { ...def, key: `${def.key}_${channel}`, name: `${def.name} (channel ${channel})` };
}

function withBillingPeriod(def: ObisDefinition, f: number): ObisDefinition {
  if (f === 255) return def;
  return { ...def, key: `${def.key}_f${f}`, name: `${def.name} (period ${f})`, enabledByDefault: false };
}

function describeParsed(o: Obis, ctx: DescribeContext): ObisDefinition | undefined {
  const cde = `${o.c}.${o.d}.${o.e}`;
  if (o.a === 1) {
    const def = ELECTRICITY_INDEX.get(cde);
    return def && withBillingPeriod(def, o.f);
  }
  if (o.a === 0 && o.b === 0) {
    const def = ABSTRACT_INDEX.get(cde);
    return def && withBillingPeriod(def, o.f);
  }
  if (o.a === 6) {
    const def = HEAT_INDEX.get(cde);
    return def && withBillingPeriod(withChannel(def, o.b), o.f);
  }
  if (o.a === 129 && o.b === 129) {
    const def = MANUFACTURER_INDEX.get(cde);
    return def && withBillingPeriod(def, o.f);
  }
  if (o.a === 0 && o.b >= 1) {
    if (CHANNEL_READINGS.has(cde)) {
      const medium = ctx.medium ?? 'gas';
      const reading = MEDIUM_READING[medium];
      const def: ObisDefinition = reading
        ? { key: reading[0], name: reading[1], quantity: reading[2] }
        : { key: 'channel_volume', name: 'Channel reading', quantity: 'volume' };
      return withChannel(def, o.b);
    }
    const def = CHANNEL_INDEX.get(cde);
    if (def) {
      const prefixed = { ...def, key: `channel_${def.key}`, name: `Channel ${def.name.toLowerCase()}` };
      return withChannel(prefixed, o.b);
    }
  }
  return undefined;
}

const memo = new Map<string, ObisDefinition>();
const MEMO_LIMIT = 4096;

/**
 * Meaning of an OBIS code; unknown codes get a generic, still stable, definition. Results are
 * memoised (the table is fixed), so decoders call this per value without caches of their own.
 */
export function describeObis(code: ObisCode, ctx: DescribeContext = {}): ObisDefinition {
  const memoKey = ctx.medium === undefined ? code : `${code}|${ctx.medium}`;
  const hit = memo.get(memoKey);
  if (hit) return hit;
  const o = parseObis(code);
  const def = (o && describeParsed(o, ctx)) ?? { key: `obis_${obisSlug(code)}`, name: `OBIS ${code}`, quantity: 'unknown', enabledByDefault: false };
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(memoKey, def);
  return def;
}

/** Whether the registry knows this code (unknown codes still get a generic definition). */
export function isKnownObis(code: ObisCode, ctx: DescribeContext = {}): boolean {
  const o = parseObis(code);
  return o !== undefined && describeParsed(o, ctx) !== undefined;
}
