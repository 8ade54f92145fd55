import type { Medium, MeterInfo } from '@smi/model';

const MEDIUM_LABELS: Readonly<Record<Medium, string>> = {
  electricity: 'Electricity meter',
  gas: 'Gas meter',
  heat: 'Heat meter',
  cooling: 'Cooling meter',
  water: 'Water meter',
  cold_water: 'Water meter',
  warm_water: 'Hot water meter',
  hot_water: 'Hot water meter',
  steam: 'Steam meter',
  oil: 'Oil meter',
  compressed_air: 'Compressed air meter',
  heat_cost_allocator: 'Heat cost allocator',
  other: 'Meter',
  unknown: 'Meter',
};

/** `Electricity meter`, `Gas meter`…; `Meter` when the medium is not known. */
export function mediumLabel(medium: Medium | undefined): string {
  return medium === undefined ? 'Meter' : MEDIUM_LABELS[medium];
}

/** Default device name: `<medium label> <meter id>` (`Electricity meter 1ESY1161234567`). */
export function meterDisplayName(meter: MeterInfo): string {
  return `${mediumLabel(meter.medium)} ${meter.id}`;
}
