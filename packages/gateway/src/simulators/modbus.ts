import { createServer, type Server, type Socket } from 'node:net';
import {
  buildModbusExceptionPdu,
  buildModbusReadResponsePdu,
  builtinModbusProfile,
  BUILTIN_MODBUS_PROFILES,
  EASTRON_SDM630,
  encodeModbusRtu,
  encodeModbusTcp,
  encodeModbusValue,
  MODBUS_TYPE_REGISTERS,
  ModbusRtuFramer,
  ModbusTcpFramer,
  parseModbusReadPdu,
  type ModbusMeterProfile,
} from '@smi/decoder';
import { convertValue } from '@smi/model';
import type { Logger } from '../log';
import { isProfileFile, loadModbusProfile } from '../sessions/modbus-session';
import type { MeterSimulator, SimulatorAction, SimulatorFactory } from './simulator';

/**
 * What the simulated meters show, by OBIS code (per phase L1/L2/L3 and totals): values a real
 * three-phase house connection could have, chosen so that every one is distinct in tests. Units
 * are those of the SDM630 profile (V, A, W, VA, var, Hz, kWh, kvarh); a profile whose register
 * holds another unit (kW, Wh) gets the value converted.
 */
export const MODBUS_SIM_VALUES: Readonly<Record<string, number>> = {
  '1-0:32.7.0': 230.1,
  '1-0:52.7.0': 231.2,
  '1-0:72.7.0': 229.8,
  '1-0:12.7.0': 230.1,
  '1-0:31.7.0': 1.5,
  '1-0:51.7.0': 2.25,
  '1-0:71.7.0': 0.5,
  '1-0:11.7.0': 1.5,
  '1-0:91.7.0': 1.25,
  '1-0:36.7.0': 345,
  '1-0:56.7.0': -100,
  '1-0:76.7.0': 115,
  '1-0:16.7.0': 360,
  '1-0:29.7.0': 350,
  '1-0:49.7.0': 110,
  '1-0:69.7.0': 120,
  '1-0:9.7.0': 580,
  '1-0:23.7.0': 20,
  '1-0:43.7.0': -30,
  '1-0:63.7.0': 10,
  '1-0:3.7.0': 0,
  '1-0:33.7.0': 0.98,
  '1-0:53.7.0': -0.9,
  '1-0:73.7.0': 0.96,
  '1-0:13.7.0': 0.62,
  '1-0:14.7.0': 50,
  '1-0:1.8.0': 12345.67,
  '1-0:2.8.0': 1234.5,
  '1-0:3.8.0': 100.25,
  '1-0:4.8.0': 50.75,
  '1-0:15.8.0': 13580.17,
};

/** Text in registers, two characters each (high byte first), NUL-padded. */
const text = (s: string, regs: number): number[] => Array.from({ length: regs }, (_, i) => ((s.charCodeAt(2 * i) || 0) << 8) | (s.charCodeAt(2 * i + 1) || 0));

/** What answers Modbus reads on a line or behind a TCP server: one device, or several on one bus. */
export interface ModbusServerSide {
  /** What plays here, for log lines. */
  readonly name: string;
  readonly unitIds: readonly number[];
  /** The response PDU, or undefined when the unit is not one of ours (RTU: silence). */
  answer(unitId: number, pdu: Uint8Array): Uint8Array | undefined;
}

/**
 * The server side of a Modbus device: a register image per read function and the answer to a read
 * request PDU — the registers, exception 1 for a function it has no registers of, exception 2 for
 * a read that touches no register of the image or an address listed as `missing`. Unlisted
 * registers inside a read are 0.
 */
export class ModbusSlave implements ModbusServerSide {
  constructor(
    /** What the device is, for log lines. */
    readonly name: string,
    /** Registers by address, for each read function the device has. */
    private readonly images: ReadonlyMap<number, ReadonlyMap<number, number>>,
    readonly unitIds: readonly number[],
    private readonly missing: readonly number[] = [],
  ) {}

  answer(unitId: number, pdu: Uint8Array): Uint8Array | undefined {
    if (!this.unitIds.includes(unitId)) return undefined;
    const req = parseModbusReadPdu(pdu);
    const image = req.ok ? this.images.get(req.value.function) : undefined;
    if (!req.ok || !image) return buildModbusExceptionPdu(pdu[0] ?? 0, 1);
    const { address, count } = req.value;
    const regs = Array.from({ length: count }, (_, i) => image.get(address + i));
    const touches = (a: number): boolean => a >= address && a < address + count;
    if (regs.every((r) => r === undefined) || this.missing.some(touches)) return buildModbusExceptionPdu(req.value.function, 2);
    return buildModbusReadResponsePdu(
      req.value.function,
      regs.map((r) => r ?? 0),
    );
  }
}

/** Several devices on one bus, each with its own unit ids: a read goes to the one that has the unit. */
export class ModbusBus implements ModbusServerSide {
  readonly name: string;
  readonly unitIds: readonly number[];

  constructor(private readonly devices: readonly ModbusServerSide[]) {
    this.name = devices.map((d) => d.name).join(', ');
    this.unitIds = devices.flatMap((d) => d.unitIds);
  }

  answer(unitId: number, pdu: Uint8Array): Uint8Array | undefined {
    return this.devices.find((d) => d.unitIds.includes(unitId))?.answer(unitId, pdu);
  }
}

const SIM_UNITS = new Map(EASTRON_SDM630.modbus.registers.map((r) => [r.obis as string, r.unit]));

/**
 * A meter of a profile: each register holds its `MODBUS_SIM_VALUES` value in the profile's type,
 * order and unit; the identify register (when the profile has one) holds its first value or its
 * text, so that `smi detect` recognises the model.
 */
export function profileSlave(profile: ModbusMeterProfile, unitIds: readonly number[], missing: readonly number[] = []): ModbusSlave {
  const image = new Map<number, number>();
  for (const r of profile.modbus.registers) {
    const shown = MODBUS_SIM_VALUES[r.obis] ?? 0;
    const from = SIM_UNITS.get(r.obis);
    const value = from !== undefined && r.unit !== undefined ? (convertValue(shown, from, r.unit) ?? shown) : shown;
    const raw = value / (r.scale ?? 1);
    const regs = encodeModbusValue(r.type.startsWith('float') ? raw : Math.round(raw), r.type, r.order);
    regs.forEach((v, i) => image.set(r.address + i, v));
    for (let a = r.address + regs.length; a < r.address + MODBUS_TYPE_REGISTERS[r.type]; a++) image.set(a, 0);
    if (r.scaleRegister !== undefined) image.set(r.scaleRegister, 0);
  }
  const images = new Map<3 | 4, Map<number, number>>([[profile.modbus.function, image]]);
  const id = profile.modbus.identify;
  if (id) {
    const regs = 'textPrefix' in id ? text(id.textPrefix, id.registers) : encodeModbusValue(id.values[0] ?? 0, id.type, id.order);
    const at = images.get(id.function) ?? new Map<number, number>();
    regs.forEach((v, i) => at.set(id.address + i, v));
    images.set(id.function, at);
  }
  return new ModbusSlave(profile.meter?.model ?? profile.id, images, unitIds, missing);
}

/**
 * A SunSpec three-phase inverter (SunSpec Information Model Reference): `SunS` at 40000, model 1
 * (L 66: SMI / Simulated Inverter 3P / serial SIM00042), model 103 (L 50) with scale factors, end
 * marker. 21.30 A, 230.1/231.2/229.8 V, 4850 W, 50.01 Hz, PF 99 %, 1 000 000 Wh produced.
 */
export function sunSpecInverterSlave(unitIds: readonly number[]): ModbusSlave {
  const common = [1, 66, ...text('SMI', 16), ...text('Simulated Inverter 3P', 16), ...text('', 8), ...text('1.0.0', 8), ...text('SIM00042', 16), 1, 0];
  const m103 = [
    103,
    50,
    2130,
    710,
    712,
    708,
    -2,
    4000,
    4001,
    3999,
    2301,
    2312,
    2298,
    -1,
    4850,
    0,
    5001,
    -2,
    4900,
    0,
    0x8000,
    0,
    9900,
    -2,
    0x000f,
    0x4240,
    0,
    ...new Array<number>(25).fill(0),
  ];
  const image = new Map<number, number>();
  [[0x5375, 0x6e53], common, m103, [0xffff, 0]].flat().forEach((v, i) => image.set(40000 + i, v & 0xffff));
  return new ModbusSlave('SunSpec inverter (model 103)', new Map([[3, image]]), unitIds);
}

/** A Modbus RTU meter on a serial line: answers each CRC-checked read request addressed to one of its units. */
export class ModbusRtuSimulator implements MeterSimulator {
  readonly description: string;
  private readonly framer = new ModbusRtuFramer({ kind: 'request' });

  constructor(
    private readonly slave: ModbusServerSide,
    readonly line: MeterSimulator['line'],
  ) {
    this.description = `Modbus RTU ${slave.name} (unit ${slave.unitIds.join(', ')})`;
  }

  receive(bytes: Uint8Array): SimulatorAction[] {
    const out: SimulatorAction[] = [];
    for (const e of this.framer.push(bytes)) {
      if (!e.ok) continue; // a garbled request gets no answer, as on a real bus
      const pdu = this.slave.answer(e.frame.unitId, e.frame.pdu);
      if (pdu) out.push({ send: encodeModbusRtu(e.frame.unitId, pdu), afterMs: 5 });
    }
    return out;
  }
}

export interface RunningModbusTcpServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A Modbus TCP server (MBAP) for the slave on `port` (0: any free port). Requests to a unit it
 * does not have get exception 11 (gateway target device failed to respond), as TCP gateways do.
 */
export async function runModbusTcpServer(slave: ModbusServerSide, port: number, host: string, log: Logger): Promise<RunningModbusTcpServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const framer = new ModbusTcpFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const e of framer.push(chunk)) {
        if (!e.ok) continue;
        const pdu = slave.answer(e.frame.unitId, e.frame.pdu) ?? buildModbusExceptionPdu(e.frame.pdu[0] ?? 0, 11);
        socket.write(encodeModbusTcp(e.frame.transactionId, e.frame.unitId, pdu));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  log.info(`simulating Modbus TCP ${slave.name} (unit ${slave.unitIds.join(', ')}) on ${host}:${bound}`);
  return {
    port: bound,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const numbers = (text: string | undefined, key: string, fallback: number[], min: number, max: number): number[] => {
  if (text === undefined) return fallback;
  const out = text.split(',').map((t) => Number(t.trim()));
  const bad = out.find((n) => !Number.isInteger(n) || n < min || n > max);
  if (bad !== undefined || out.length === 0) throw new Error(`${key} must be whole numbers ${min}-${max}, comma-separated, got '${text}'`);
  return out;
};

/**
 * The device(s) a `smi simulate --meter modbus` setting set describes: one profile for every unit,
 * or several profiles (`profile=A,B` with `unit=1,2`: unit 1 plays A, unit 2 plays B) on one bus.
 */
export function modbusSlaveFromSettings(settings: Readonly<Record<string, string>>): ModbusServerSide {
  const ids = (settings['profile'] ?? 'eastron-sdm630').split(',').map((t) => t.trim());
  const units = numbers(settings['unit'], 'unit', [1], 1, 247);
  const missing = numbers(settings['missing'], 'missing', [], 0, 65535);
  if (ids.length > 1 && ids.length !== units.length)
    throw new Error(
      `profile lists ${ids.length} profiles for ${units.length} unit${units.length === 1 ? '' : 's'}: give one unit per profile (unit=1,2 with profile=A,B)`,
    );
  if (new Set(units).size !== units.length) throw new Error(`unit lists a unit id twice: '${settings['unit'] ?? ''}'`);
  const device = (id: string, unitIds: readonly number[]): ModbusServerSide => {
    if (id === 'sunspec') return sunSpecInverterSlave(unitIds);
    if (isProfileFile(id)) {
      const file = loadModbusProfile(id);
      if (!file.ok) throw new Error(file.error.replace(/^modbus\.profile/, 'profile'));
      if (file.value !== 'sunspec') return profileSlave(file.value, unitIds, missing);
    }
    const profile = builtinModbusProfile(id);
    if (!profile)
      throw new Error(`profile must be one of ${BUILTIN_MODBUS_PROFILES.map((p) => p.id).join(', ')}, sunspec, or a .json profile file, got '${id}'`);
    return profileSlave(profile, unitIds, missing);
  };
  if (ids.length === 1) return device(ids[0] as string, units);
  return new ModbusBus(ids.map((id, i) => device(id, [units[i] as number])));
}

/**
 * Modbus RTU meter(s) on a serial line (default 9600 8N1). Settings: `profile=` a built-in
 * (default `eastron-sdm630`) or `sunspec` (a SunSpec inverter), or several (`profile=A,B` with
 * `unit=1,2`), `unit=N[,N]` (default 1), `baud=N`, `missing=ADDRESS[,…]` (reads touching these
 * registers answer exception 2). `smi simulate --tcp-port` serves the same devices over Modbus TCP.
 */
export const modbusSimulator: SimulatorFactory = ({ settings }) => {
  const slave = modbusSlaveFromSettings(settings);
  const [baudRate] = numbers(settings['baud'], 'baud', [9600], 300, 921600);
  return new ModbusRtuSimulator(slave, { baudRate: baudRate ?? 9600, dataBits: 8, parity: 'none', stopBits: 1 });
};
