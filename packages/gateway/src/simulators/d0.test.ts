import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createD0Decoder, D0MasterSession, type FrameEvent } from '@smi/decoder';
import { d0Simulator, parseD0Readout, SWITCH_GRACE_MS, toActions } from './d0';
import type { SimulatorAction } from './simulator';

const FIXTURE = join(__dirname, '../../../decoder/fixtures/d0/smartmeter-obis-iskra-mt174.txt');
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const sent = (actions: readonly SimulatorAction[]): Buffer => Buffer.concat(actions.flatMap((a) => ('send' in a ? [Buffer.from(a.send)] : [])));

describe('d0 simulator', () => {
  it('reads the built-in readout: the real MT174 identification and data block', () => {
    const r = parseD0Readout(readFileSync(FIXTURE));
    expect(r.manufacturerId).toBe('ISk');
    expect(r.ident).toBe('MT174-0001');
    expect(r.data.startsWith('1-0:0.9.1*255(201455)\r\n')).toBe(true);
    expect(r.data.endsWith('1-0:2.8.4*15(0000000.000*kWh)\r\n')).toBe(true);
  });

  it('mode C answers byte for byte what the real meter sent (identification, then STX…ETX BCC 0x66)', () => {
    const sim = d0Simulator({ settings: {} });
    expect(sim.line).toEqual({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 });
    const ident = sim.receive?.(ascii('/?!\r\n')) ?? [];
    const option = ascii('\x06050\r\n');
    const data = sim.receive?.(option) ?? [];
    expect(data.filter((a) => 'setBaud' in a).map((a) => ('setBaud' in a ? a.setBaud : 0))).toEqual([9600, 300]);
    const wire = Buffer.concat([sent(ident), Buffer.from(option), sent(data)]);
    expect(wire.equals(readFileSync(FIXTURE))).toBe(true);
  });

  it("folds the meter's reaction time into the next action; the drain covers most of the wire time", () => {
    expect(
      toActions([
        { type: 'wait', ms: 200 },
        { type: 'send', bytes: ascii('x') },
        { type: 'wait', ms: 50 },
        { type: 'set-baud', baud: 9600, afterMs: 10 },
        { type: 'handover', protocol: 'hdlc', baud: 9600 },
      ]),
    ).toEqual([
      { send: ascii('x'), afterMs: 200 },
      { setBaud: 9600, afterMs: 60 },
    ]);
    // the wire time after a send is mostly spent by the runner's drain: only a short grace follows
    expect(
      toActions([
        { type: 'send', bytes: ascii('x') },
        { type: 'set-baud', baud: 300, afterMs: 9900 },
      ]),
    ).toEqual([
      { send: ascii('x'), afterMs: 0 },
      { setBaud: 300, afterMs: SWITCH_GRACE_MS },
    ]);
    expect(
      toActions([
        { type: 'send', bytes: ascii('x') },
        { type: 'set-baud', baud: 300, afterMs: 100 },
      ]),
    ).toEqual([
      { send: ascii('x'), afterMs: 0 },
      { setBaud: 300, afterMs: 100 },
    ]);
  });

  it('mode D pushes identification and data at 2400 7E1; the D0 decoder reads them', () => {
    const sim = d0Simulator({ settings: { mode: 'd' } });
    expect(sim.line.baudRate).toBe(2400);
    const bytes = sim.push?.();
    expect(bytes).toBeDefined();
    const d = createD0Decoder();
    const events: FrameEvent[] = [...d.push(bytes as Uint8Array), ...d.flush()];
    const s = events[0]?.ok ? events[0].snapshot : undefined;
    expect(s?.meter).toMatchObject({ id: '63355730', manufacturerId: 'ISk' });
    expect(s?.readings.find((x) => x.key === 'energy_import_total')?.value).toBe(8048.375);
  });

  it('address, wake-up and mode settings reach the meter', () => {
    const sim = d0Simulator({ settings: { mode: 'A', address: '42', wakeUpNuls: '5' } });
    expect(sim.receive?.(ascii('/?42!\r\n'))).toEqual([]); // asleep
    expect(sim.receive?.(new Uint8Array(5))).toEqual([]);
    expect(sim.receive?.(ascii('/?43!\r\n'))).toEqual([]); // another address
    const answer = sim.receive?.(ascii('/?42!\r\n')) ?? [];
    expect(sent(answer).toString('latin1').startsWith('/ISkZMT174-0001\r\n\x02')).toBe(true);
  });

  it('is read by the master session over its actions (mode B at 4800 Bd)', () => {
    const sim = d0Simulator({ settings: { mode: 'B', maxBaud: '4800' } });
    const master = new D0MasterSession();
    const request = master.start().flatMap((c) => (c.type === 'send' ? [c.bytes] : []));
    const answer = sim.receive?.(request[0] as Uint8Array) ?? [];
    const outcomes = master.receive(sent(answer));
    expect(outcomes.map((c) => c.type)).toEqual(['set-baud', 'expect', 'done']);
  });

  it.each([[{ mode: 'F' }], [{ maxBaud: 'fast' }], [{ recording: 'no-such-recording' }]])('refuses bad settings %j', (settings) => {
    expect(() => d0Simulator({ settings })).toThrow();
  });
});
