import type { MeterSnapshot } from '@smi/model';
import { DSMR_SNAPSHOT, HEAT_SNAPSHOT } from '../testing/snapshots';
import { homieDevice, homieDisconnect, homieLastWill, homieValues } from './device';

const HOMIE_ID = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function pick(...keys: string[]): MeterSnapshot {
  return { ...DSMR_SNAPSHOT, readings: DSMR_SNAPSHOT.readings.filter((r) => keys.includes(r.key)) };
}

describe('homieDevice', () => {
  it('publishes the Homie 4 sequence init → attributes → values → ready with exact topics', () => {
    const out = homieDevice(pick('energy_import_tariff_1', 'tariff', 'power_failures', 'gas_volume'));
    const b = 'homie/e0025000012345678';
    expect(out.map((m) => [m.topic, m.payload])).toEqual([
      [`${b}/$state`, 'init'],
      [`${b}/$homie`, '4.0.0'],
      [`${b}/$name`, 'Electricity meter E0025000012345678'],
      [`${b}/$nodes`, 'meter,channel-1'],
      [`${b}/$extensions`, 'org.homie.legacy-firmware:0.1.1:[4.x]'],
      [`${b}/$localip`, '127.0.0.1'],
      [`${b}/$mac`, '00:00:00:00:00:00'],
      [`${b}/$fw/name`, 'smart-meter-interop'],
      [`${b}/$fw/version`, '0.0.0'],
      [`${b}/$implementation`, 'smart-meter-interop'],
      [`${b}/meter/$name`, 'Electricity meter'],
      [`${b}/meter/$type`, 'electricity'],
      [`${b}/meter/$properties`, 'energy-import-tariff-1,tariff,power-failures'],
      [`${b}/meter/energy-import-tariff-1/$name`, 'Energy import tariff 1'],
      [`${b}/meter/energy-import-tariff-1/$datatype`, 'float'],
      [`${b}/meter/energy-import-tariff-1/$unit`, 'kWh'],
      [`${b}/meter/energy-import-tariff-1/$settable`, 'false'],
      [`${b}/meter/energy-import-tariff-1/$retained`, 'true'],
      [`${b}/meter/tariff/$name`, 'Tariff'],
      [`${b}/meter/tariff/$datatype`, 'enum'],
      [`${b}/meter/tariff/$format`, '0,1,2,3,4'],
      [`${b}/meter/tariff/$settable`, 'false'],
      [`${b}/meter/tariff/$retained`, 'true'],
      [`${b}/meter/power-failures/$name`, 'Power failures'],
      [`${b}/meter/power-failures/$datatype`, 'integer'],
      [`${b}/meter/power-failures/$unit`, '#'],
      [`${b}/meter/power-failures/$settable`, 'false'],
      [`${b}/meter/power-failures/$retained`, 'true'],
      [`${b}/channel-1/$name`, 'Gas meter (channel 1)'],
      [`${b}/channel-1/$type`, 'gas'],
      [`${b}/channel-1/$properties`, 'gas-volume'],
      [`${b}/channel-1/gas-volume/$name`, 'Gas volume'],
      [`${b}/channel-1/gas-volume/$datatype`, 'float'],
      [`${b}/channel-1/gas-volume/$unit`, 'm³'],
      [`${b}/channel-1/gas-volume/$settable`, 'false'],
      [`${b}/channel-1/gas-volume/$retained`, 'true'],
      [`${b}/meter/energy-import-tariff-1`, '1234.567'],
      [`${b}/meter/tariff`, '2'],
      [`${b}/meter/power-failures`, '4'],
      [`${b}/channel-1/gas-volume`, '4567.891'],
      [`${b}/$state`, 'ready'],
    ]);
    expect(out.every((m) => m.retain && m.qos === 1)).toBe(true);
  });

  it('uses Homie ids for every topic level and lists every node and property', () => {
    for (const snapshot of [DSMR_SNAPSHOT, HEAT_SNAPSHOT]) {
      const out = homieDevice(snapshot);
      for (const m of out) {
        const levels = m.topic
          .split('/')
          .slice(1)
          .filter((l) => !l.startsWith('$'));
        for (const level of levels) expect([m.topic, HOMIE_ID.test(level)]).toEqual([m.topic, true]);
      }
      const nodes = out.find((m) => m.topic.endsWith('/$nodes'))?.payload.split(',') ?? [];
      const props = out.filter((m) => m.topic.endsWith('/$properties')).flatMap((m) => m.payload.split(','));
      expect(nodes.length).toBeGreaterThan(0);
      expect(props).toHaveLength(snapshot.readings.length);
      expect(out.at(-1)?.payload).toBe('ready');
    }
  });

  it('honours root, device id and name options and skips empty values', () => {
    const snapshot: MeterSnapshot = {
      ...HEAT_SNAPSHOT,
      readings: [{ key: 'heat_energy', name: 'Heat energy', quantity: 'heat_energy', value: null, unit: 'kWh' }],
    };
    const out = homieDevice(snapshot, { root: 'devices', deviceId: () => 'Heat_Main', name: () => 'Heating', implementation: 'smi' });
    expect(out.slice(0, 3).map((m) => m.topic)).toEqual(['devices/heat-main/$state', 'devices/heat-main/$homie', 'devices/heat-main/$name']);
    expect(out.find((m) => m.topic === 'devices/heat-main/$name')?.payload).toBe('Heating');
    expect(out.find((m) => m.topic === 'devices/heat-main/$implementation')?.payload).toBe('smi');
    expect(out.some((m) => m.topic === 'devices/heat-main/meter/heat-energy')).toBe(false);
  });
});

describe('Homie 4 details', () => {
  it('announces the legacy-firmware extension with the gateway host and version', () => {
    const out = homieDevice(HEAT_SNAPSHOT, { host: { localIp: '192.168.1.20', mac: 'de:ad:be:ef:fe:ed' }, firmwareVersion: '0.4.0' });
    const attr = (name: string): string | undefined => out.find((m) => m.topic === `homie/12345678/${name}`)?.payload;
    expect([attr('$extensions'), attr('$localip'), attr('$mac'), attr('$fw/name'), attr('$fw/version')]).toEqual([
      'org.homie.legacy-firmware:0.1.1:[4.x]',
      '192.168.1.20',
      'DE:AD:BE:EF:FE:ED',
      'smart-meter-interop',
      '0.4.0',
    ]);
  });

  it('types time stamps as datetime with their ISO 8601 value', () => {
    const out = homieDevice(HEAT_SNAPSHOT);
    expect(out.find((m) => m.topic === 'homie/12345678/meter/meter-time/$datatype')?.payload).toBe('datetime');
    expect(out.find((m) => m.topic === 'homie/12345678/meter/meter-time')?.payload).toBe('2026-03-01T10:00:00+01:00');
    expect(out.find((m) => m.topic === 'homie/12345678/meter/flow-temperature/$datatype')?.payload).toBe('float');
  });

  it('types an M-Bus channel node by its medium, from the device list or from its readings', () => {
    const { devices: _devices, ...noDevices } = pick('energy_import_tariff_1', 'gas_volume');
    const out = homieDevice(noDevices);
    expect(out.find((m) => m.topic.endsWith('/channel-1/$type'))?.payload).toBe('gas');
    expect(out.find((m) => m.topic.endsWith('/channel-1/$name'))?.payload).toBe('Gas meter (channel 1)');
    const unknown: MeterSnapshot = { ...noDevices, readings: [{ key: 'x', name: 'X', quantity: 'count', value: 1, channel: 2 }] };
    expect(homieDevice(unknown).find((m) => m.topic.endsWith('/channel-2/$type'))?.payload).toBe('unknown');
  });

  it('never publishes an empty retained payload', () => {
    const empty: MeterSnapshot = { ...HEAT_SNAPSHOT, readings: [...HEAT_SNAPSHOT.readings, { key: 'note', name: 'Note', quantity: 'text', value: '' }] };
    for (const s of [DSMR_SNAPSHOT, HEAT_SNAPSHOT, empty]) expect(homieDevice(s).filter((m) => m.payload === '')).toEqual([]);
  });
});

describe('homieValues', () => {
  it('repeats exactly the value messages of homieDevice', () => {
    const device = homieDevice(HEAT_SNAPSHOT);
    const values = homieValues(HEAT_SNAPSHOT);
    expect(values).toEqual(device.slice(device.length - 1 - values.length, -1));
    expect(values.map((m) => [m.topic, m.payload])).toContainEqual(['homie/12345678/meter/flow-temperature', '55.3']);
    expect(values.map((m) => [m.topic, m.payload])).toContainEqual(['homie/12345678/meter/meter-time', '2026-03-01T10:00:00+01:00']);
  });
});

describe('Homie lifecycle', () => {
  it('uses $state lost as last will and disconnected on clean shutdown', () => {
    expect(homieLastWill('e0025000012345678')).toEqual({ topic: 'homie/e0025000012345678/$state', payload: 'lost', retain: true, qos: 1 });
    expect(homieDisconnect('E0025000012345678', 'devices')).toEqual({
      topic: 'devices/e0025000012345678/$state',
      payload: 'disconnected',
      retain: true,
      qos: 1,
    });
  });
});
