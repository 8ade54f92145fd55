import type { MeterSnapshot } from '@smi/model';

/** Hand-built snapshots: a DSMR 5 meter with a gas channel, and an M-Bus heat meter. */
export const DSMR_SNAPSHOT: MeterSnapshot = {
  protocol: 'dsmr',
  meter: { id: 'E0025000012345678', manufacturerId: 'ISk', model: 'AM550', version: '5.0', medium: 'electricity' },
  time: '2026-03-01T10:15:00+01:00',
  receivedAt: '2026-03-01T09:15:02.123Z',
  readings: [
    { obis: '0-0:1.0.0', key: 'meter_time', name: 'Meter time', quantity: 'timestamp', value: '2026-03-01T10:15:00+01:00' },
    { obis: '0-0:96.1.1', key: 'equipment_id', name: 'Equipment identifier', quantity: 'identifier', value: 'E0025000012345678' },
    { obis: '1-0:1.8.1', key: 'energy_import_tariff_1', name: 'Energy import tariff 1', quantity: 'energy', value: 1234.567, unit: 'kWh' },
    { obis: '1-0:2.8.1', key: 'energy_export_tariff_1', name: 'Energy export tariff 1', quantity: 'energy', value: 12.345, unit: 'kWh' },
    { obis: '0-0:96.14.0', key: 'tariff', name: 'Tariff', quantity: 'tariff', value: '2' },
    { obis: '1-0:1.7.0', key: 'power_import', name: 'Power import', quantity: 'power', value: 1193, unit: 'W' },
    { obis: '1-0:32.7.0', key: 'voltage_l1', name: 'Voltage L1', quantity: 'voltage', value: 230.1, unit: 'V' },
    { obis: '0-0:96.7.21', key: 'power_failures', name: 'Power failures', quantity: 'count', value: 4 },
    {
      obis: '1-0:99.97.0',
      key: 'power_failure_log',
      name: 'Power failure log',
      quantity: 'count',
      value: 1,
      enabledByDefault: false,
      entries: [{ time: '2025-11-02T03:10:00+01:00', value: 240, unit: 's' }],
    },
    {
      obis: '0-1:24.2.1',
      key: 'gas_volume',
      name: 'Gas volume',
      quantity: 'gas_volume',
      value: 4567.891,
      unit: 'm³',
      channel: 1,
      time: '2026-03-01T10:10:00+01:00',
    },
  ],
  devices: [{ channel: 1, medium: 'gas', id: 'G0012345678901234' }],
};

export const HEAT_SNAPSHOT: MeterSnapshot = {
  protocol: 'mbus',
  meter: { id: '12345678', manufacturerId: 'KAM', medium: 'heat' },
  readings: [
    { key: 'heat_energy', name: 'Heat energy', quantity: 'heat_energy', value: 12345, unit: 'kWh' },
    { key: 'volume_flow', name: 'Volume flow', quantity: 'volume_flow', value: 0.123, unit: 'm³/h' },
    { key: 'flow_temperature', name: 'Flow temperature', quantity: 'temperature', value: 55.3, unit: '°C' },
    { key: 'error_flags', name: 'Error flags', quantity: 'status', value: null },
  ],
};

export const EXTRAS = { baseTopic: 'smi', receivedAt: '2026-03-01T09:15:02.123Z', gatewayId: 'a1b2c3' };
