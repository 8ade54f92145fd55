import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMbusReqUd2, buildMbusSelectSecondary, buildMbusSndNke, createDecoder, hexToBytes, type FrameEvent } from '@smi/decoder';
import type { MeterSnapshot, Reading } from '@smi/model';
import { silentLogger } from '../log';
import type { SessionIo } from '../session';
import { MbusPollingSession } from '../sessions/mbus-session';
import { mbusSimulator, splitReadout } from './mbus';
import type { MeterSimulator } from './simulator';

const KAMSTRUP = hexToBytes(readFileSync(join(__dirname, '../../../decoder/fixtures/mbus/kamstrup_multical_601.hex'), 'latin1')) as Uint8Array;
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

/** What the simulated slave sends back for one request (fed to it byte by byte, as a UART would). */
function ask(sim: MeterSimulator, request: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of request) for (const a of sim.receive?.(Uint8Array.of(b)) ?? []) if ('send' in a) out.push(a.send);
  return out;
}

function decodeOne(bytes: Uint8Array[]): MeterSnapshot {
  const d = createDecoder('mbus');
  if (!d.ok) throw new Error(d.error);
  const events = bytes.flatMap((b) => d.value.push(b));
  const s = events.find((e): e is Extract<FrameEvent, { ok: true }> => e.ok);
  if (!s) throw new Error('no snapshot');
  return s.snapshot;
}

const strip = (r: readonly Reading[]): unknown[] => r.map((x) => [x.key, x.value, x.unit]);

describe('mbus simulator', () => {
  it("answers at the frame's own address (17) with E5 and the real Kamstrup telegram, byte for byte", () => {
    const sim = mbusSimulator({ settings: {} });
    expect(sim.line).toEqual({ baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 });
    expect(ask(sim, buildMbusSndNke(1))).toEqual([]);
    expect(ask(sim, buildMbusSndNke(17)).map(hex)).toEqual(['e5']);
    expect(ask(sim, buildMbusReqUd2(17, true)).map(hex)).toEqual([hex(KAMSTRUP)]);
  });

  it('takes another primary address (A field and checksum redone) and a secondary selection', () => {
    const sim = mbusSimulator({ settings: { address: '5' } });
    const [reply] = ask(sim, buildMbusReqUd2(5, true));
    expect(reply?.[5]).toBe(5);
    expect(decodeOne([reply as Uint8Array]).meter.id).toBe('06855817');
    const select = buildMbusSelectSecondary('06855817FFFFFFFF');
    expect(select.ok && ask(sim, select.value).map(hex)).toEqual(['e5']);
    const other = buildMbusSelectSecondary('12345678FFFFFFFF');
    expect(other.ok && ask(sim, other.value)).toEqual([]);
  });

  it('splits a readout into telegrams with "more records follow" whose merge equals the original', () => {
    const parts = splitReadout(KAMSTRUP, 3);
    expect(parts).toHaveLength(3);
    expect(decodeOne(parts).readings.length).toBe(decodeOne([KAMSTRUP]).readings.length);
    expect(strip(decodeOne(parts).readings)).toEqual(strip(decodeOne([KAMSTRUP]).readings));
  });

  it('serves two slaves on one bus to the polling session (primary 17 and secondary selection of the water meter)', async () => {
    jest.useFakeTimers();
    try {
      const sim = mbusSimulator({ settings: { frame: 'kamstrup-multical-601,itron-cyble-water', address: '17,2', split: '2' } });
      const session = new MbusPollingSession({
        label: 'test',
        primaryAddresses: [17],
        secondaryAddresses: ['12000071FFFFFFFF'],
        pollIntervalMs: 60000,
        responseTimeoutMs: 500,
        retries: 1,
      });
      const events: FrameEvent[] = [];
      const io: SessionIo = {
        write: async (bytes) => {
          for (const a of sim.receive?.(bytes) ?? []) if ('send' in a) setTimeout(() => events.push(...session.push(a.send)), a.afterMs ?? 0);
        },
        setBaudRate: undefined,
        log: silentLogger,
      };
      session.start(io);
      await jest.advanceTimersByTimeAsync(5000);
      session.stop();
      const snaps = events.flatMap((e) => (e.ok ? [e.snapshot] : []));
      expect(events.filter((e) => !e.ok)).toEqual([]);
      expect(snaps.map((s) => [s.meter.id, s.meter.medium])).toEqual([
        ['06855817', 'heat'],
        ['12000071', 'water'],
      ]);
      expect(snaps[0]?.readings.find((r) => r.key === 'energy')?.value).toBe(37351);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([[{ frame: 'no-such-meter' }], [{ address: '300' }], [{ secondary: 'xyz' }], [{ split: '-1' }]])('refuses bad settings %j', (settings) => {
    expect(() => mbusSimulator({ settings })).toThrow();
  });
});
