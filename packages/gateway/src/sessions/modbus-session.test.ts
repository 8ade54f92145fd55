import {
  EASTRON_SDM120,
  EASTRON_SDM630,
  encodeModbusRtu,
  encodeModbusTcp,
  ModbusRtuFramer,
  ModbusTcpFramer,
  type FrameEvent,
  type ModbusMeterProfile,
} from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import type { Logger } from '../log';
import { createMeterDecoder } from '../meter-decoder';
import { isSession, type SessionIo } from '../session';
import { profileSlave, sunSpecInverterSlave, type ModbusSlave } from '../simulators/modbus';
import { ModbusPollingSession, type ModbusPollingOptions } from './modbus-session';

interface LineOptions {
  /** Answers come in chunks of this size, `gapMs` apart. */
  readonly chunk?: number;
  readonly gapMs?: number;
  /** The RS-485 converter echoes every request. */
  readonly echo?: boolean;
  /** Answers (counted from 0) lost on the line. */
  readonly lose?: readonly number[];
  /** Registers answering exception 2 (ILLEGAL DATA ADDRESS). */
  readonly missing?: readonly number[];
  /** Another device on the line than the profile's. */
  readonly slave?: ModbusSlave;
}

/** A Modbus line on jest's fake clock: the session as client, `ModbusSlave`s (the simulator's meters) as servers. */
function line(profile: ModbusMeterProfile | 'sunspec', slaveUnits: number[], options: Partial<ModbusPollingOptions>, o: LineOptions = {}) {
  const framing = options.framing ?? 'rtu';
  const session = new ModbusPollingSession({
    label: 'test',
    profile,
    unitIds: [1],
    framing,
    pollIntervalMs: 60000,
    timeoutMs: 300,
    retries: 2,
    silenceMs: 4,
    ...options,
  });
  const slave: ModbusSlave = o.slave ?? (profile === 'sunspec' ? sunSpecInverterSlave(slaveUnits) : profileSlave(profile, slaveUnits, o.missing ?? []));
  const written: Uint8Array[] = [];
  const events: FrameEvent[] = [];
  const warnings: string[] = [];
  let answers = 0;
  const deliver = async (bytes: Uint8Array): Promise<void> => {
    const size = o.chunk ?? bytes.length;
    for (let i = 0; i < bytes.length; i += size) {
      if (i > 0 && o.gapMs) await new Promise((r) => setTimeout(r, o.gapMs));
      events.push(...session.push(bytes.subarray(i, i + size)));
    }
  };
  const log: Logger = { error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info() {}, debug() {}, trace() {} };
  const io: SessionIo = {
    write: async (bytes) => {
      written.push(bytes);
      if (o.echo) queueMicrotask(() => events.push(...session.push(bytes)));
      let reply: Uint8Array | undefined;
      if (framing === 'rtu') {
        const f = new ModbusRtuFramer({ kind: 'request' }).push(bytes)[0];
        const pdu = f?.ok ? slave.answer(f.frame.unitId, f.frame.pdu) : undefined;
        reply = f?.ok && pdu ? encodeModbusRtu(f.frame.unitId, pdu) : undefined;
      } else {
        const f = new ModbusTcpFramer().push(bytes)[0];
        const pdu = f?.ok ? slave.answer(f.frame.unitId, f.frame.pdu) : undefined;
        reply = f?.ok && pdu ? encodeModbusTcp(f.frame.transactionId, f.frame.unitId, pdu) : undefined;
      }
      if (!reply || o.lose?.includes(answers++)) return;
      const r = reply;
      setTimeout(() => void deliver(r), 20);
    },
    setBaudRate: undefined,
    log,
    emit: (found) => void events.push(...found),
  };
  const snapshots = (): MeterSnapshot[] => events.flatMap((e) => (e.ok ? [e.snapshot] : []));
  const errors = (): string[] => events.flatMap((e) => (e.ok ? [] : [`${e.error.kind} ${e.error.layer}`]));
  const requests = (): string[] => written.map((b) => Buffer.from(b).toString('hex'));
  return { session, io, snapshots, errors, warnings, requests };
}

const value = (s: MeterSnapshot | undefined, key: string): unknown => s?.readings.find((r) => r.key === key)?.value;

describe('Modbus polling session', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads an SDM630 over RTU: three reads (FC 4) with CRC, one snapshot with the profile values', async () => {
    const l = line(EASTRON_SDM630, [1], {}, { chunk: 7, gapMs: 2 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(2000);
    // 0x0000 × 80, 0x00E0 × 2, 0x0156 × 2 (CRC low byte first)
    expect(l.requests()).toEqual(
      [
        encodeModbusRtu(1, Uint8Array.of(4, 0, 0, 0, 80)),
        encodeModbusRtu(1, Uint8Array.of(4, 0, 0xe0, 0, 2)),
        encodeModbusRtu(1, Uint8Array.of(4, 1, 0x56, 0, 2)),
      ].map((b) => Buffer.from(b).toString('hex')),
    );
    expect(l.requests()[0]).toBe('010400000050f036');
    const [s] = l.snapshots();
    expect(l.snapshots()).toHaveLength(1);
    expect([s?.protocol, s?.meter]).toEqual(['modbus', { id: 'eastron-sdm630-1', model: 'Eastron SDM630' }]);
    expect([
      value(s, 'voltage_l1'),
      value(s, 'current_l2'),
      value(s, 'power_l2'),
      value(s, 'frequency'),
      value(s, 'energy_import_total'),
      value(s, 'current_neutral'),
    ]).toEqual([230.1, 2.25, -100, 50, 12345.67, 1.25]);
    expect(l.errors()).toEqual([]);
    l.session.stop();
  });

  it('polls several units in turn over TCP with a new transaction id per request', async () => {
    const l = line(EASTRON_SDM120, [1, 2], { framing: 'tcp', unitIds: [1, 2], pollIntervalMs: 5000 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(6000);
    expect(l.snapshots().map((s) => s.meter.id)).toEqual(['eastron-sdm120-1', 'eastron-sdm120-2', 'eastron-sdm120-1', 'eastron-sdm120-2']);
    // SDM120: three reads per unit (0…31, 70…79, 342…343); MBAP transaction ids 1, 2, 3 … and the unit id in byte 6
    expect(
      l
        .requests()
        .map((h) => `${h.slice(0, 4)}/${h.slice(12, 14)}`)
        .join(' '),
    ).toBe('0001/01 0002/01 0003/01 0004/02 0005/02 0006/02 0007/01 0008/01 0009/01 000a/02 000b/02 000c/02');
    expect(value(l.snapshots()[1], 'voltage')).toBe(230.1);
    l.session.stop();
  });

  it('repeats a read whose answer was lost, and logs a unit that stays silent', async () => {
    const l = line(EASTRON_SDM120, [1], { unitIds: [1, 7] }, { lose: [0] });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(3000);
    expect(l.snapshots().map((s) => s.meter.id)).toEqual(['eastron-sdm120-1']);
    // unit 1: lost, repeated, two more reads; unit 7: three attempts of its first read, then given up
    expect(l.requests()).toHaveLength(7);
    expect(l.warnings).toEqual(['test: Modbus unit 7: no answer to the read of 32 registers at 0; trying again next round']);
    l.session.stop();
  });

  it('turns an exception response into an error event of its kind and keeps the other registers', async () => {
    const l = line(EASTRON_SDM630, [1], {}, { missing: [0xe0] });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(2000);
    // exception 2 (ILLEGAL DATA ADDRESS) for the neutral current read; its register is then missing from the snapshot
    expect(l.errors()).toEqual(['unsupported modbus-exception', 'truncated modbus']);
    expect(l.snapshots()).toHaveLength(1);
    expect([value(l.snapshots()[0], 'current_neutral'), value(l.snapshots()[0], 'energy_absolute_total')]).toEqual([undefined, 13580.17]);
    l.session.stop();
  });

  it('ignores the echo of its own request (RS-485 converters without echo suppression)', async () => {
    const l = line(EASTRON_SDM120, [1], {}, { echo: true });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(2000);
    expect([l.snapshots().length, l.errors(), l.requests().length]).toEqual([1, [], 3]);
    l.session.stop();
  });

  it('keeps t3.5 of silence before each request', async () => {
    const l = line(EASTRON_SDM630, [1], { silenceMs: 50 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(15);
    expect(l.requests()).toHaveLength(1); // the line was idle: the first request goes out at once
    await jest.advanceTimersByTimeAsync(54); // the answer ends at 20 ms; 69 ms is still within its 50 ms of silence
    expect(l.requests()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2);
    expect(l.requests()).toHaveLength(2);
    l.session.stop();
  });
});

describe('SunSpec discovery (profile: sunspec)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('finds SunS at 40000, walks the models, reads model 1 and maps model 103 without a device profile', async () => {
    const l = line('sunspec', [3], { framing: 'tcp', unitIds: [3], pollIntervalMs: 5000 });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(6000);
    // marker, header of model 1, model 1 data, header of 103, end marker; then one read of model 103 per round
    expect(l.requests().map((h) => `${parseInt(h.slice(16, 20), 16)}+${parseInt(h.slice(20, 24), 16)}`)).toEqual([
      '40000+2',
      '40002+2',
      '40004+66',
      '40070+2',
      '40122+2',
      '40072+25',
      '40072+25',
    ]);
    const [s] = l.snapshots();
    expect(l.snapshots()).toHaveLength(2);
    expect(s?.meter).toEqual({ id: 'SIM00042', manufacturer: 'SMI', model: 'SMI Simulated Inverter 3P' });
    expect(s?.readings.map((r) => [r.key, r.value])).toEqual([
      ['current', 21.3],
      ['current_l1', 7.1],
      ['current_l2', 7.12],
      ['current_l3', 7.08],
      ['voltage_l1', 230.1],
      ['voltage_l2', 231.2],
      ['voltage_l3', 229.8],
      ['power', 4850],
      ['frequency', 50.01],
      ['apparent_power_import', 4900],
      ['power_factor', 0.99],
      ['energy_export_total', 1000],
    ]);
    expect(l.errors()).toEqual([]);
    l.session.stop();
  });

  it('logs a device without the marker (an Eastron meter answers exception 1 to FC 3) and asks again next round', async () => {
    const l = line('sunspec', [], { unitIds: [1], pollIntervalMs: 5000 }, { slave: profileSlave(EASTRON_SDM630, [1]) });
    l.session.start(l.io);
    await jest.advanceTimersByTimeAsync(6000);
    expect(l.snapshots()).toEqual([]);
    expect(l.requests()).toHaveLength(6); // 40000, 0, 50000 in each of two rounds
    expect(l.warnings).toEqual(['test: Modbus unit 1: no SunSpec marker (SunS) at 40000, 0, 50000; trying again next round']);
    l.session.stop();
  });
});

describe('createMeterDecoder for protocol modbus', () => {
  const build = (modbus: unknown): string => {
    const r = validateConfig({
      meters: [{ name: 'heatpump', protocol: 'modbus', transport: { type: 'tcp', host: 'meter', port: 502 }, ...(modbus === undefined ? {} : { modbus }) }],
    });
    if (!r.ok) return `config: ${r.problems.join('; ')}`;
    const d = createMeterDecoder(r.config.meters[0] as NonNullable<(typeof r.config.meters)[number]>);
    return d.ok ? `${isSession(d.value) ? 'session' : 'decoder'} ${d.value.protocol}` : d.error;
  };

  it('builds a polling session from the documented example', () => {
    expect(build({ unitId: 1, profile: 'eastron-sdm630', pollIntervalSeconds: 5 })).toBe('session modbus');
    expect(build({ unitIds: [1, 2, 3], profile: 'eastron-sdm72', framing: 'rtu', timeoutMs: 500, retries: 0 })).toBe('session modbus');
  });

  it('refuses a missing block, an unknown profile, unitId with unitIds, and unit id 0 (broadcast)', () => {
    expect(build(undefined)).toBe('modbus: required for protocol modbus (unitId and profile at least)');
    expect(build({ unitId: 1, profile: 'sdm999' })).toMatch(
      /^modbus\.profile: sdm999 is neither a built-in profile \(eastron-sdm630, eastron-sdm120, eastron-sdm72[,)].*\), sunspec, nor a \.json file$/,
    );
    expect(build({ unitId: 1, unitIds: [2], profile: 'eastron-sdm630' })).toBe('config: meters.0.modbus.unitId: give either unitId or unitIds');
    expect(build({ unitId: 0, profile: 'eastron-sdm630' })).toMatch(/^config: meters\.0\.modbus\.unitId: /);
    expect(build({ unitId: 1, profile: 'sunspec' })).toBe('session modbus');
  });

  it('refuses one configured id for several units', () => {
    const r = validateConfig({
      meters: [
        {
          id: 'sdm',
          protocol: 'modbus',
          transport: { type: 'serial', port: '/dev/ttyUSB0', baudRate: 9600 },
          modbus: { unitIds: [1, 2], profile: 'eastron-sdm630' },
        },
      ],
    });
    const d = r.ok ? createMeterDecoder(r.config.meters[0] as NonNullable<(typeof r.config.meters)[number]>) : undefined;
    expect(d).toEqual({ ok: false, error: 'id: one meter id for several unit ids would merge their meters; leave id out (each unit gets its own)' });
  });
});
