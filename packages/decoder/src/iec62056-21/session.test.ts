import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MasterCommand, MeterCommand } from './commands';
import { NUL, TIMING } from './constants';
import { D0MasterSession, type MasterOptions } from './master';
import { D0MeterSimulator, type MeterSimulatorOptions } from './meter';
import { asciiBytes } from './text';
import { VirtualLine } from './virtual-line';
import { createD0Decoder } from './stream-decoder';

const DATA = 'F.F(00)\r\n0.0.0(12345678)\r\n1.8.0(001234.567*kWh)\r\n1.7.0(00.490*kW)\r\n';

function wire(meterOptions: Partial<MeterSimulatorOptions>, masterOptions: MasterOptions, echo = false) {
  const meter = new D0MeterSimulator({ manufacturerId: 'ISk', ident: 'MT174-0001', mode: 'C', data: DATA, ...meterOptions });
  const master = new D0MasterSession(masterOptions);
  const line = new VirtualLine<MasterCommand, MeterCommand>(master, meter, { echo });
  return { meter, master, line };
}

function run(meterOptions: Partial<MeterSimulatorOptions>, masterOptions: MasterOptions = {}, echo = false) {
  const w = wire(meterOptions, masterOptions, echo);
  w.line.schedule('master', w.master.start());
  w.line.run(() => w.master.timeout());
  const outcomes = w.line.outcomes.master;
  const done = outcomes.find((o): o is Extract<MasterCommand, { type: 'done' }> => o.type === 'done');
  return { ...w, outcomes, done };
}

const kinds = (outcomes: readonly MasterCommand[]): string[] =>
  outcomes.map((o) => (o.type === 'expect' ? `expect:${o.what}` : o.type === 'error' ? `error:${o.error.kind}` : o.type));

describe('master ↔ meter over a virtual line', () => {
  it('mode C: request, identification, option select, switch to 9600 Bd, readout', () => {
    const r = run({ mode: 'C', maxBaud: 9600 });
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    expect(r.master.mode).toBe('C');
    expect(r.master.baud).toBe(9600);
    expect(r.line.lost).toBe(0);
    expect(r.line.log.filter((l) => l.what.startsWith('baud'))).toEqual([
      expect.objectContaining({ side: 'meter', what: 'baud 9600' }),
      expect.objectContaining({ side: 'master', what: 'baud 9600' }),
      expect.objectContaining({ side: 'meter', what: 'baud 300' }),
    ]);
    const s = r.done?.snapshot;
    expect(s?.meter).toMatchObject({ id: '12345678', manufacturerId: 'ISk', model: 'MT174-0001' });
    expect(s?.readings.find((x) => x.key === 'energy_import_total')).toMatchObject({ value: 1234.567, unit: 'kWh' });
    expect(s?.readings.find((x) => x.key === 'power_import')).toMatchObject({ value: 490, unit: 'W' });
  });

  it('mode C: the master caps the baud rate and the meter follows', () => {
    const r = run({ mode: 'C', maxBaud: 19200 }, { maxBaud: 2400 });
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    expect(r.master.baud).toBe(2400);
  });

  it('mode C with an echoing optical head', () => {
    const r = run({ mode: 'C' }, {}, true);
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
  });

  it('mode A: data at 300 Bd, no baud switch', () => {
    const r = run({ mode: 'A' });
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    expect(r.master.mode).toBe('A');
    expect(r.master.baud).toBe(300);
    expect(r.line.log.some((l) => l.what.startsWith('baud'))).toBe(false);
    expect(r.done?.snapshot.meter.id).toBe('12345678');
  });

  it('mode B: both switch to the announced rate without option select', () => {
    const r = run({ mode: 'B', maxBaud: 4800 });
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    expect(r.master.mode).toBe('B');
    expect(r.master.baud).toBe(4800);
  });

  it('device address: the addressed meter answers, another stays silent', () => {
    const ok = run({ address: '87654321' }, { address: '87654321' });
    expect(kinds(ok.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    const other = run({ address: '87654321' }, { address: '11111111' });
    expect(kinds(other.outcomes)).toEqual(['expect:identification', 'error:truncated']);
  });

  it('wake-up: a battery meter answers only after the NUL train', () => {
    const asleep = run({ wakeUpNuls: 30 });
    expect(kinds(asleep.outcomes)).toEqual(['expect:identification', 'error:truncated']);
    const woken = run({ wakeUpNuls: 30 }, { wakeUp: true });
    expect(kinds(woken.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    const start = new D0MasterSession({ wakeUp: { nulCount: 50, pauseMs: 1500 } }).start();
    expect(start[0]).toEqual({ type: 'send', bytes: new Uint8Array(50).fill(NUL) });
    expect(start[1]).toEqual({ type: 'wait', ms: 1500 });
    const defaults = new D0MasterSession({ wakeUp: true }).start();
    expect(defaults[0]?.type === 'send' && defaults[0].bytes.length).toBe(TIMING.wakeUpNulCount);
  });

  it('mode E binary: option select 2 Z 2 and the HDLC hand-over', () => {
    const r = run({ mode: 'E', escape: '2', maxBaud: 9600 }, { purpose: 'binary' });
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'handover']);
    expect(r.outcomes[1]).toEqual({ type: 'handover', protocol: 'hdlc', baud: 9600 });
    expect(r.line.outcomes.meter).toEqual([{ type: 'handover', protocol: 'hdlc', baud: 9600 }]);
    expect(r.master.state).toBe('handover');
    expect(r.master.identification?.escape).toBe('2');
  });

  it('mode E readout works like mode C; binary is refused by a meter without \\2', () => {
    expect(kinds(run({ mode: 'E', escape: '2' }).outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    expect(kinds(run({ mode: 'C' }, { purpose: 'binary' }).outcomes)).toEqual(['expect:identification', 'error:unsupported']);
  });

  it('programming mode: password request, password, break', () => {
    const w = wire({ mode: 'C', operand: '1234567', password: 'secret' }, { purpose: 'programming' });
    w.line.schedule('master', w.master.start());
    let step = 0;
    w.line.run(() => {
      step++;
      if (step === 1) return w.master.command({ command: 'P', type: '1', data: '(secret)' });
      if (step === 2) return w.master.end();
      return [];
    });
    expect(kinds(w.line.outcomes.master)).toEqual(['expect:identification', 'expect:password-request', 'programming', 'expect:reply', 'reply']);
    expect(w.line.outcomes.master[2]).toEqual({ type: 'programming', operand: '(1234567)' });
    expect(w.line.outcomes.master[4]).toEqual({ type: 'reply', reply: { kind: 'ack' } });
    expect(w.master.state).toBe('done');
    expect(w.line.baudOf('master')).toBe(300);
    expect(w.line.baudOf('meter')).toBe(300);
  });

  it('a second sign-on after a readout starts again at 300 Bd', () => {
    const w = wire({ mode: 'C' }, {});
    w.line.schedule('master', w.master.start());
    w.line.run(() => w.master.timeout());
    const again = w.master.start();
    expect(again[0]).toEqual({ type: 'set-baud', baud: 300, afterMs: 0 });
    w.line.schedule('master', again);
    w.line.run(() => w.master.timeout());
    expect(kinds(w.line.outcomes.master).filter((k) => k === 'done')).toHaveLength(2);
  });

  it('reports a bad BCC from the meter', () => {
    const w = wire({ mode: 'C' }, {});
    const meter = w.meter;
    const broken = {
      receive: (bytes: Uint8Array): MeterCommand[] =>
        meter.receive(bytes).map((c) => {
          if (c.type !== 'send' || c.bytes[0] !== 0x02) return c;
          const b = c.bytes.slice();
          b[b.length - 1] = (b[b.length - 1] as number) ^ 0xff;
          return { type: 'send', bytes: b };
        }),
    };
    const line = new VirtualLine<MasterCommand, MeterCommand>(w.master, broken);
    line.schedule('master', w.master.start());
    line.run(() => w.master.timeout());
    expect(kinds(line.outcomes.master)).toEqual(['expect:identification', 'expect:data', 'error:bad-crc']);
    expect(w.master.state).toBe('failed');
  });

  it('returns the data timeout and the switch delay as data', () => {
    const m = new D0MasterSession({ maxBaud: 9600 });
    m.start();
    const cmds = m.receive(asciiBytes('/ISk5MT174\r\n'));
    expect(cmds).toEqual([
      { type: 'send', bytes: asciiBytes('\x06050\r\n') },
      { type: 'set-baud', baud: 9600, afterMs: 200 },
      { type: 'expect', what: 'data', timeoutMs: TIMING.reactionTimeMaxMs + TIMING.baudSwitchDelayMs },
    ]);
  });

  it('rejects a device address that cannot be sent', () => {
    expect(kinds(new D0MasterSession({ address: 'a!b' }).start())).toEqual(['error:bad-value']);
  });
});

describe('meter simulator', () => {
  it('pushes mode D telegrams that the stream decoder reads', () => {
    const meter = new D0MeterSimulator({ manufacturerId: 'EMH', ident: 'eHZ', mode: 'D', data: DATA, pushWithoutStx: true });
    const d = createD0Decoder();
    const events = [...d.push(meter.pushTelegram()), ...d.push(meter.pushTelegram()), ...d.flush()];
    expect(events.map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind))).toEqual(['12345678', '12345678']);
  });

  it('serves a real readout block (MT174 fixture) through mode C', () => {
    const text = readFileSync(join(__dirname, '../../fixtures/d0/smartmeter-obis-iskra-mt174.txt'), 'latin1');
    const block = text.slice(text.indexOf('\x02') + 1, text.lastIndexOf('!'));
    const r = run({ mode: 'C', data: block, maxBaud: 19200 });
    expect(kinds(r.outcomes)).toEqual(['expect:identification', 'expect:data', 'done']);
    expect(r.done?.snapshot.readings.find((x) => x.key === 'energy_import_tariff_1_f7')?.value).toBe(6334.294);
  });
});
