import { Socket } from 'node:net';
import {
  EASTRON_SDM630,
  SCHNEIDER_IEM3000,
  encodeModbusRtu,
  encodeModbusTcp,
  modbusSnapshot,
  parseModbusReadResponsePdu,
  planModbusReads,
  type ModbusMeterProfile,
  type ModbusRegisterBlock,
} from '@smi/decoder';
import { silentLogger } from '../log';
import { SIMULATORS } from './index';
import { modbusSlaveFromSettings, profileSlave, runModbusTcpServer } from './modbus';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The SDM630 register list without an identify register: a device with input registers only. */
const INPUT_ONLY: ModbusMeterProfile = { ...EASTRON_SDM630, modbus: { function: 4, registers: EASTRON_SDM630.modbus.registers } };

describe('Modbus simulator', () => {
  const slave = profileSlave(INPUT_ONLY, [1, 2], [0x156]);

  it('answers the reads the profile plans with registers that decode to the simulated values', () => {
    const blocks: ModbusRegisterBlock[] = planModbusReads(EASTRON_SDM630.modbus)
      .slice(0, 2)
      .map((span) => {
        const pdu = slave.answer(2, Uint8Array.of(4, span.address >> 8, span.address & 0xff, 0, span.count));
        const regs = pdu ? parseModbusReadResponsePdu(pdu, 4, span.count) : undefined;
        return { address: span.address, registers: regs?.ok ? regs.value : new Uint16Array(0) };
      });
    const s = modbusSnapshot(EASTRON_SDM630, 2, blocks).snapshot;
    const v = (key: string): unknown => s?.readings.find((r) => r.key === key)?.value;
    expect([v('voltage_l1'), v('voltage_l3'), v('power_l2'), v('power_factor_l2'), v('frequency'), v('energy_export_total'), v('current_neutral')]).toEqual([
      230.1, 229.8, -100, -0.9, 50, 1234.5, 1.25,
    ]);
  });

  it('converts the simulated values into the unit a profile register holds (iEM3000: power in kW, energy in Wh)', () => {
    const iem = profileSlave(SCHNEIDER_IEM3000, [1]);
    const blocks: ModbusRegisterBlock[] = planModbusReads(SCHNEIDER_IEM3000.modbus).map((span) => {
      const pdu = iem.answer(1, Uint8Array.of(3, span.address >> 8, span.address & 0xff, 0, span.count));
      const regs = pdu ? parseModbusReadResponsePdu(pdu, 3, span.count) : undefined;
      return { address: span.address, registers: regs?.ok ? regs.value : new Uint16Array(0) };
    });
    const s = modbusSnapshot(SCHNEIDER_IEM3000, 1, blocks).snapshot;
    const v = (key: string): unknown => s?.readings.find((r) => r.key === key)?.value;
    expect([v('power_l1'), v('power_l2'), v('power'), v('energy_import_total'), v('voltage_l1')]).toEqual([345, -100, 360, 12345.67, 230.1]);
  });

  it('answers exceptions 1 (other function) and 2 (no register there, or a missing one) and ignores other units', () => {
    expect(hex(slave.answer(1, Uint8Array.of(3, 0, 0, 0, 2)) ?? new Uint8Array(0))).toBe('8301');
    expect(hex(slave.answer(1, Uint8Array.of(4, 0x10, 0, 0, 2)) ?? new Uint8Array(0))).toBe('8402');
    expect(hex(slave.answer(1, Uint8Array.of(4, 1, 0x56, 0, 2)) ?? new Uint8Array(0))).toBe('8402');
    expect(slave.answer(3, Uint8Array.of(4, 0, 0, 0, 2))).toBeUndefined();
  });

  it('plays an RTU meter for smi simulate: a request in two chunks, the CRC-checked answer 5 ms later', () => {
    const sim = SIMULATORS.modbus.create({ settings: { profile: 'eastron-sdm120', unit: '7', baud: '19200' } });
    expect([sim.line, sim.description]).toEqual([{ baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 }, 'Modbus RTU Eastron SDM120 (unit 7)']);
    const req = encodeModbusRtu(7, Uint8Array.of(4, 0, 0x46, 0, 2));
    expect(sim.receive?.(req.subarray(0, 3))).toEqual([]);
    // 50 Hz as float32 0x42480000
    expect(sim.receive?.(req.subarray(3))).toEqual([{ send: encodeModbusRtu(7, Uint8Array.of(4, 4, 0x42, 0x48, 0, 0)), afterMs: 5 }]);
    expect(sim.receive?.(encodeModbusRtu(1, Uint8Array.of(4, 0, 0x46, 0, 2)))).toEqual([]);
  });

  it('plays a SunSpec inverter: SunS at 40000, model 1 then model 103, end marker', () => {
    const sun = modbusSlaveFromSettings({ profile: 'sunspec', unit: '3' });
    const regs = (address: number, count: number): string => hex(sun.answer(3, Uint8Array.of(3, address >> 8, address & 0xff, 0, count)) ?? new Uint8Array(0));
    expect([regs(40000, 2), regs(40002, 2), regs(40070, 2), regs(40122, 2), regs(0, 2)]).toEqual([
      '030453756e53',
      '030400010042',
      '030400670032',
      '0304ffff0000',
      '8302',
    ]);
  });

  it('refuses unknown settings values by name', () => {
    expect(() => modbusSlaveFromSettings({ profile: 'acme-x1' })).toThrow(
      /^profile must be one of eastron-sdm630, eastron-sdm120, .*, sunspec, or a .json profile file, got 'acme-x1'$/,
    );
    expect(() => modbusSlaveFromSettings({ unit: '0' })).toThrow("unit must be whole numbers 1-247, comma-separated, got '0'");
    expect(() => modbusSlaveFromSettings({ profile: 'eastron-sdm630,sunspec', unit: '1' })).toThrow(
      'profile lists 2 profiles for 1 unit: give one unit per profile (unit=1,2 with profile=A,B)',
    );
  });

  it('holds the identify register of the profile (first value, or the text), so that smi detect recognises the model', () => {
    const coded = profileSlave(
      { ...INPUT_ONLY, modbus: { ...INPUT_ONLY.modbus, identify: { function: 3, address: 0xfc02, type: 'uint16', values: [112, 121] } } },
      [1],
    );
    expect(hex(coded.answer(1, Uint8Array.of(3, 0xfc, 0x02, 0, 1)) ?? new Uint8Array(0))).toBe('03020070');
    // the measurements stay input registers; holding registers elsewhere are not there
    expect(hex(coded.answer(1, Uint8Array.of(3, 0, 0, 0, 2)) ?? new Uint8Array(0))).toBe('8302');
    expect(hex(coded.answer(1, Uint8Array.of(4, 0, 0x46, 0, 2)) ?? new Uint8Array(0))).toBe('040442480000');
    const named = profileSlave(
      { ...INPUT_ONLY, modbus: { ...INPUT_ONLY.modbus, identify: { function: 4, address: 0x500, registers: 3, textPrefix: 'B23' } } },
      [1],
    );
    // "B2", "3\0", "\0\0"
    expect(hex(named.answer(1, Uint8Array.of(4, 5, 0, 0, 3)) ?? new Uint8Array(0))).toBe('0406423233000000');
  });

  it('plays several profiles on one bus, one per unit', () => {
    const bus = modbusSlaveFromSettings({ profile: 'eastron-sdm630,sunspec', unit: '1,2' });
    expect([bus.name, bus.unitIds]).toEqual(['Eastron SDM630, SunSpec inverter (model 103)', [1, 2]]);
    expect(hex(bus.answer(2, Uint8Array.of(3, 0x9c, 0x40, 0, 2)) ?? new Uint8Array(0))).toBe('030453756e53');
    expect(hex(bus.answer(1, Uint8Array.of(4, 0, 0x46, 0, 2)) ?? new Uint8Array(0))).toBe('040442480000');
    expect(bus.answer(3, Uint8Array.of(4, 0, 0x46, 0, 2))).toBeUndefined();
  });

  it('serves Modbus TCP: the answer carries the request transaction id; unknown units get exception 11', async () => {
    const server = await runModbusTcpServer(slave, 0, '127.0.0.1', silentLogger);
    const socket = new Socket();
    const received: Buffer[] = [];
    try {
      await new Promise<void>((resolve) => socket.connect(server.port, '127.0.0.1', resolve));
      socket.on('data', (d: Buffer) => received.push(d));
      socket.write(Uint8Array.of(...encodeModbusTcp(0x1234, 1, Uint8Array.of(4, 0, 0x46, 0, 2)), ...encodeModbusTcp(0x1235, 9, Uint8Array.of(4, 0, 0, 0, 2))));
      const deadline = Date.now() + 3000;
      while (Buffer.concat(received).length < 13 + 9 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(hex(Buffer.concat(received))).toBe(
        `${hex(encodeModbusTcp(0x1234, 1, Uint8Array.of(4, 4, 0x42, 0x48, 0, 0)))}${hex(encodeModbusTcp(0x1235, 9, Uint8Array.of(0x84, 11)))}`,
      );
    } finally {
      socket.destroy();
      await server.stop();
    }
  });
});
