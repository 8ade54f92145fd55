import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeMbusLongFrame,
  hexToBytes,
  INITIAL_MBUS_SLAVE_STATE,
  mbusSlaveRespond,
  parseMbusFrame,
  type FrameEvent,
  type MbusSlaveConfig,
  type MbusSlaveState,
} from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { validateConfig } from '../config/load';
import type { Logger } from '../log';
import { createMeterDecoder } from '../meter-decoder';
import type { SessionIo } from '../session';
import { isSession } from '../session';
import { MbusPollingSession, type MbusPollingOptions } from './mbus-session';

const FIXTURES = join(__dirname, '../../../decoder/fixtures/mbus');
const fixture = (name: string): Uint8Array => {
  const b = hexToBytes(readFileSync(join(FIXTURES, `${name}.hex`), 'latin1'));
  if (!b) throw new Error(name);
  return b;
};
/** Kamstrup Multical 601 heat meter, libmbus test frame: id 06855817, KAM, version 8, medium 04 (heat). */
const KAMSTRUP = fixture('kamstrup_multical_601');
/** Itron CYBLE water meter, libmbus test frame. */
const CYBLE = fixture('itron_cyble_m-bus_v1.4_water');

/** The Kamstrup frame as a two-telegram readout: its real records split after the volume record, DIF 1F in the first. */
function splitKamstrup(): Uint8Array[] {
  const f = parseMbusFrame(KAMSTRUP);
  if (!f.ok || f.value.type !== 'long') throw new Error('fixture');
  const data = f.value.data;
  const header = data.subarray(0, 12);
  const cut = 12 + 6 + 6; // fabrication number (0C 78 + 4) and energy (04 06 + 4): the next record is the volume
  return [
    encodeMbusLongFrame(0x08, 1, 0x72, Uint8Array.from([...header, ...data.subarray(12, cut), 0x1f])),
    encodeMbusLongFrame(0x08, 1, 0x72, Uint8Array.from([...header, ...data.subarray(cut)])),
  ];
}

interface BusOptions {
  /** Bytes the slave answers come in chunks of this size, `gapMs` apart (2400 Bd is slow). */
  readonly chunk?: number;
  readonly gapMs?: number;
  /** The level converter echoes the master's requests. */
  readonly echo?: boolean;
  /** Reply delay of the slaves. */
  readonly replyMs?: number;
  /** Replies (counted from 0) lost on the line. */
  readonly lose?: readonly number[];
}

/** A wired M-Bus on jest's fake clock: the session as master, pure slave simulators as the meters. */
function bus(slaves: MbusSlaveConfig[], options: Partial<MbusPollingOptions>, o: BusOptions = {}) {
  const session = new MbusPollingSession({
    label: 'test',
    primaryAddresses: [],
    secondaryAddresses: [],
    pollIntervalMs: 60000,
    responseTimeoutMs: 500,
    retries: 2,
    ...options,
  });
  const states: MbusSlaveState[] = slaves.map(() => INITIAL_MBUS_SLAVE_STATE);
  const written: string[] = [];
  const events: FrameEvent[] = [];
  const warnings: string[] = [];
  let replyCount = 0;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const deliver = async (bytes: Uint8Array): Promise<void> => {
    const size = o.chunk ?? bytes.length;
    for (let i = 0; i < bytes.length; i += size) {
      if (i > 0 && o.gapMs) await sleep(o.gapMs);
      events.push(...session.push(bytes.subarray(i, i + size)));
    }
  };
  const log: Logger = { error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info() {}, debug() {}, trace() {} };
  const io: SessionIo = {
    write: async (bytes) => {
      written.push(Buffer.from(bytes).toString('hex'));
      if (o.echo) queueMicrotask(() => events.push(...session.push(bytes)));
      const replies: Uint8Array[] = [];
      slaves.forEach((cfg, i) => {
        const step = mbusSlaveRespond(cfg, states[i] as MbusSlaveState, bytes);
        states[i] = step.state;
        if (step.reply) replies.push(step.reply);
      });
      if (replies.length === 0) return;
      if (o.lose?.includes(replyCount++)) return;
      // Several slaves answering at once: the bits collide on the bus and the first byte is garbled.
      const reply = (replies[0] as Uint8Array).slice();
      if (replies.length > 1) reply[0] = (reply[0] as number) ^ 0x80;
      setTimeout(() => void deliver(reply), o.replyMs ?? 30);
    },
    setBaudRate: undefined,
    log,
    emit: (found) => void events.push(...found),
  };
  const snapshots = (): MeterSnapshot[] => events.flatMap((e) => (e.ok ? [e.snapshot] : []));
  const errors = (): string[] => events.flatMap((e) => (e.ok ? [] : [e.error.kind]));
  return { session, io, written, snapshots, errors, warnings };
}

const value = (s: MeterSnapshot | undefined, key: string): unknown => s?.readings.find((r) => r.key === key)?.value;

describe('M-Bus polling session', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads a heat meter by primary address: SND_NKE → E5, REQ_UD2 (FCB 1) → the real Kamstrup telegram', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: [KAMSTRUP] }], { primaryAddresses: [1] }, { chunk: 16, gapMs: 5 });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(2000);
    expect(b.written).toEqual(['1040014116', '107b017c16']);
    const [s] = b.snapshots();
    expect(b.snapshots()).toHaveLength(1);
    expect(s?.meter).toMatchObject({ id: '06855817', manufacturerId: 'KAM', medium: 'heat' });
    expect(value(s, 'energy')).toBe(37351); // kWh (libmbus: 37351 Energy (kWh))
    expect(value(s, 'volume')).toBe(561.08); // m³
    expect(value(s, 'flow_temperature')).toBe(101.69); // °C
    expect(value(s, 'return_temperature')).toBe(46.16);
    expect(value(s, 'power')).toBe(34700); // W (347 × 100 W)
    expect(value(s, 'volume_flow')).toBe(0.543); // m³/h
    expect(b.errors()).toEqual([]);
    b.session.stop();
  });

  it('polls again every interval, toggling FCB only within a readout (SND_NKE resets it)', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: [KAMSTRUP] }], { primaryAddresses: [1], pollIntervalMs: 10000 });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(25000);
    expect(b.snapshots()).toHaveLength(3);
    expect(b.written).toEqual(['1040014116', '107b017c16', '1040014116', '107b017c16', '1040014116', '107b017c16']);
    b.session.stop();
  });

  it('collects a multi-telegram readout (DIF 1F → REQ_UD2 with toggled FCB) into one snapshot', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: splitKamstrup() }], { primaryAddresses: [1] }, { chunk: 7 });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(3000);
    expect(b.written).toEqual(['1040014116', '107b017c16', '105b015c16']);
    expect(b.snapshots()).toHaveLength(1);
    const s = b.snapshots()[0];
    expect(value(s, 'energy')).toBe(37351); // from the first telegram
    expect(value(s, 'volume')).toBe(561.08); // from the second
    expect(value(s, 'flow_temperature')).toBe(101.69);
    b.session.stop();
  });

  it('reports what a multi-telegram readout brought when its next telegram never comes (issue 7)', async () => {
    // replies: 0 = E5, 1 = telegram 1 (DIF 1F), 2…4 = telegram 2 and both repetitions, all lost
    const b = bus([{ primaryAddress: 1, telegrams: splitKamstrup() }], { primaryAddresses: [1] }, { lose: [2, 3, 4] });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(5000);
    expect(b.written).toEqual(['1040014116', '107b017c16', '105b015c16', '105b015c16', '105b015c16']);
    expect(b.snapshots()).toHaveLength(1);
    const s = b.snapshots()[0];
    expect(value(s, 'energy')).toBe(37351); // the first telegram's records are real
    expect(value(s, 'volume')).toBeUndefined(); // the second never came
    expect(b.warnings).toEqual([expect.stringContaining('primary address 1: no telegram 2 of a multi-telegram readout')]);
    b.session.stop();
  });

  it('selects by secondary address (SND_UD CI 52 to FD) and reads through address 253', async () => {
    const slaves = [
      { primaryAddress: 1, telegrams: [KAMSTRUP] },
      { primaryAddress: 2, telegrams: [CYBLE] },
    ];
    const b = bus(slaves, { secondaryAddresses: ['06855817FFFFFFFF'], pollIntervalMs: 5000 });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(7000);
    // deselect (SND_NKE FD), select 06855817 (BCD LSB first, wildcards), REQ_UD2 FD with FCB 1, then the next round with FCB 0
    expect(b.written.slice(0, 3)).toEqual(['1040fd3d16', '680b0b6853fd5217588506ffffffff9816', '107bfd7816']);
    expect(b.written[5]).toBe('105bfd5816');
    expect(b.snapshots().map((s) => s.meter.id)).toEqual(['06855817', '06855817']);
    b.session.stop();
  });

  it('logs a missing slave, retries it next round and still reads the others', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: [KAMSTRUP] }], { primaryAddresses: [5, 1], pollIntervalMs: 10000 });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(12000);
    // three SND_NKE to the absent address 5 (first try + 2 retries), then address 1 is read
    expect(b.written.slice(0, 5)).toEqual(['1040054516', '1040054516', '1040054516', '1040014116', '107b017c16']);
    expect(b.snapshots()).toHaveLength(2);
    expect(b.warnings.filter((w) => /primary address 5: no answer to SND_NKE/.test(w))).toHaveLength(1); // warned once, not every round
    b.session.stop();
  });

  it('repeats REQ_UD2 with the same FCB when an answer is lost', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: [KAMSTRUP] }], { primaryAddresses: [1] }, { lose: [0, 2] });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(5000);
    // SND_NKE lost once, then E5; REQ_UD2 (FCB 1) lost once, repeated with FCB 1
    expect(b.written).toEqual(['1040014116', '1040014116', '107b017c16', '107b017c16']);
    expect(b.snapshots()).toHaveLength(1);
    b.session.stop();
  });

  it('ignores its own requests echoed by the level converter', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: [KAMSTRUP] }], { primaryAddresses: [1] }, { echo: true });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(2000);
    expect(b.snapshots()).toHaveLength(1);
    expect(b.errors()).toEqual([]);
    b.session.stop();
  });

  it('reports a collision on a secondary selection instead of reading a garbled answer', async () => {
    const twins = [
      { primaryAddress: 1, telegrams: [KAMSTRUP] },
      { primaryAddress: 2, telegrams: [KAMSTRUP] },
    ];
    const b = bus(twins, { secondaryAddresses: ['FFFFFFFFFFFFFFFF'] });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(5000);
    expect(b.snapshots()).toHaveLength(0);
    expect(b.warnings.some((w) => /collision/.test(w))).toBe(true);
    b.session.stop();
  });

  it('stops cleanly: no request after stop, and start() begins a fresh round', async () => {
    const b = bus([{ primaryAddress: 1, telegrams: [KAMSTRUP] }], { primaryAddresses: [1], pollIntervalMs: 10000 });
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(10);
    b.session.stop();
    const sent = b.written.length;
    await jest.advanceTimersByTimeAsync(30000);
    expect(b.written).toHaveLength(sent);
    expect(jest.getTimerCount()).toBe(0);
    b.session.start(b.io);
    await jest.advanceTimersByTimeAsync(2000);
    expect(b.snapshots()).toHaveLength(1);
    b.session.stop();
  });

  it('rejects a corrupted answer by error kind and reads the retransmission', async () => {
    const corrupt = KAMSTRUP.slice();
    corrupt[30] = (corrupt[30] as number) ^ 0xff;
    let first = true;
    const slaves: MbusSlaveConfig[] = [{ primaryAddress: 1, telegrams: [KAMSTRUP] }];
    const b = bus(slaves, { primaryAddresses: [1] });
    const write = b.io.write;
    // the first RSP_UD is damaged on the line; the repeated REQ_UD2 (same FCB) gets a clean copy
    const io: SessionIo = {
      ...b.io,
      write: async (bytes) => {
        if (bytes[1] === 0x7b && first) {
          first = false;
          setTimeout(() => b.session.push(corrupt), 30);
          return;
        }
        await write(bytes);
      },
    };
    const events: FrameEvent[] = [];
    const push = b.session.push.bind(b.session);
    b.session.push = (c) => {
      const e = push(c);
      events.push(...e);
      return e;
    };
    b.session.start(io);
    await jest.advanceTimersByTimeAsync(3000);
    expect(events.filter((e) => !e.ok).map((e) => (e.ok ? '' : e.error.kind))).toEqual(['bad-crc']);
    expect(events.filter((e) => e.ok)).toHaveLength(1);
    b.session.stop();
  });
});

describe('createMeterDecoder for protocol mbus', () => {
  const meter = (mbus?: unknown) => {
    const r = validateConfig({
      meters: [{ protocol: 'mbus', transport: { type: 'serial', port: '/dev/ttyUSB0', baudRate: 2400, parity: 'even' }, ...(mbus ? { mbus } : {}) }],
    });
    if (!r.ok) throw new Error(r.problems.join('; '));
    return r.config.meters[0] as NonNullable<(typeof r.config.meters)[number]>;
  };

  it('is a polling session when addresses are configured', () => {
    const d = createMeterDecoder(meter({ primaryAddresses: [1], pollIntervalSeconds: 30 }));
    expect(d.ok && isSession(d.value)).toBe(true);
  });

  it('stays a passive decoder without addresses (a meter or converter that pushes)', () => {
    for (const m of [meter(), meter({ pollIntervalSeconds: 30 })]) {
      const d = createMeterDecoder(m);
      expect(d.ok && !isSession(d.value) && d.value.protocol).toBe('mbus');
    }
  });

  it('refuses a secondary address that is no selection mask (id digits must be 0-9 or F)', () => {
    const d = createMeterDecoder(meter({ secondaryAddresses: ['0685581A2C2D0804'] }));
    expect(d.ok ? 'ok' : d.error).toMatch(/^mbus\.secondaryAddresses\.0: /);
  });
});
