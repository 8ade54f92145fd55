import { TIME_UNITS, type VifRow } from './vif-types';

/**
 * Primary VIF table (EN 13757-3; protocol notes §5.5; libmbus `mbus-protocol-aux.c`). Energy in
 * J is expressed in MJ, power in J/h in W, volume flow per minute/second in m³/h, so every
 * numeric row lands on a model unit where the model has one.
 */
export const PRIMARY_VIFS: readonly VifRow[] = [
  { from: 0x00, to: 0x07, key: 'energy', name: 'Energy', quantity: 'energy', unit: 'Wh', exp: -3 },
  { from: 0x08, to: 0x0f, key: 'energy', name: 'Energy', quantity: 'energy', unit: 'MJ', exp: -6 },
  { from: 0x10, to: 0x17, key: 'volume', name: 'Volume', quantity: 'volume', unit: 'm³', exp: -6 },
  { from: 0x18, to: 0x1f, key: 'mass', name: 'Mass', quantity: 'unknown', unit: 'kg', exp: -3 },
  { from: 0x20, to: 0x23, key: 'on_time', name: 'On time', quantity: 'duration', units: TIME_UNITS },
  { from: 0x24, to: 0x27, key: 'operating_time', name: 'Operating time', quantity: 'duration', units: TIME_UNITS },
  { from: 0x28, to: 0x2f, key: 'power', name: 'Power', quantity: 'power', unit: 'W', exp: -3 },
  { from: 0x30, to: 0x37, key: 'power', name: 'Power', quantity: 'power', unit: 'W', exp: 0, factor: 1 / 3600 },
  { from: 0x38, to: 0x3f, key: 'volume_flow', name: 'Volume flow', quantity: 'volume_flow', unit: 'm³/h', exp: -6 },
  { from: 0x40, to: 0x47, key: 'volume_flow', name: 'Volume flow', quantity: 'volume_flow', unit: 'm³/h', exp: -7, factor: 60 },
  { from: 0x48, to: 0x4f, key: 'volume_flow', name: 'Volume flow', quantity: 'volume_flow', unit: 'm³/h', exp: -9, factor: 3600 },
  { from: 0x50, to: 0x57, key: 'mass_flow', name: 'Mass flow', quantity: 'mass_flow', unit: 'kg/h', exp: -3 },
  { from: 0x58, to: 0x5b, key: 'flow_temperature', name: 'Flow temperature', quantity: 'temperature', unit: '°C', exp: -3 },
  { from: 0x5c, to: 0x5f, key: 'return_temperature', name: 'Return temperature', quantity: 'temperature', unit: '°C', exp: -3 },
  { from: 0x60, to: 0x63, key: 'temperature_difference', name: 'Temperature difference', quantity: 'temperature_difference', unit: 'K', exp: -3 },
  { from: 0x64, to: 0x67, key: 'external_temperature', name: 'External temperature', quantity: 'temperature', unit: '°C', exp: -3 },
  { from: 0x68, to: 0x6b, key: 'pressure', name: 'Pressure', quantity: 'pressure', unit: 'bar', exp: -3 },
  { from: 0x6c, key: 'date', name: 'Date', quantity: 'timestamp', value: 'date' },
  { from: 0x6d, key: 'date_time', name: 'Date and time', quantity: 'timestamp', value: 'date' },
  { from: 0x6e, key: 'hca_units', name: 'Heat cost allocator units', quantity: 'count' },
  { from: 0x70, to: 0x73, key: 'averaging_duration', name: 'Averaging duration', quantity: 'duration', units: TIME_UNITS },
  { from: 0x74, to: 0x77, key: 'actuality_duration', name: 'Actuality duration', quantity: 'duration', units: TIME_UNITS },
  { from: 0x78, key: 'fabrication_number', name: 'Fabrication number', quantity: 'identifier', value: 'identifier' },
  { from: 0x79, key: 'enhanced_identification', name: 'Enhanced identification', quantity: 'identifier', value: 'identifier' },
  { from: 0x7a, key: 'bus_address', name: 'Bus address', quantity: 'identifier', value: 'identifier' },
  { from: 0x7e, key: 'any_vif', name: 'Any VIF', quantity: 'unknown', enabledByDefault: false },
  { from: 0x7f, key: 'manufacturer_specific', name: 'Manufacturer specific', quantity: 'unknown', enabledByDefault: false },
];

/** VIF (bit 7 set) that selects the first extension table: the code is in the next VIFE. */
export const VIF_EXTENSION_FB = 0xfb;
/** VIF (bit 7 set) that selects the main extension table. */
export const VIF_EXTENSION_FD = 0xfd;
/** Plain-text VIF (7C without, FC with VIFEs): a length byte and reversed ASCII unit follow. */
export const VIF_PLAIN_TEXT = 0x7c;
