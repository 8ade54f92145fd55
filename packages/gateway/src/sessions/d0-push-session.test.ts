import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameEvent } from '@smi/decoder';
import { silentLogger } from '../log';
import { D0PushSession } from './d0-push-session';

const FIXTURES = join(__dirname, '../../../decoder/fixtures/d0');
const read = (f: string): Buffer => readFileSync(join(FIXTURES, f));

function chunks(bytes: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = seed;
  for (let i = 0; i < bytes.length;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const n = 1 + (x % 40);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('D0PushSession (mode D)', () => {
  function run(bytes: Uint8Array, seed: number, maskParity = false) {
    const session = new D0PushSession({ maskParity });
    const emitted: FrameEvent[] = [];
    session.start({ write: async () => undefined, setBaudRate: undefined, log: silentLogger, emit: (e) => emitted.push(...e) });
    const pushed: FrameEvent[] = [];
    for (const c of chunks(bytes, seed)) pushed.push(...session.push(c));
    return { session, pushed, emitted };
  }

  it.each([1, 7, 42])('EMH eHZ push telegrams (no STX) decode as they arrive (chunking seed %i)', (seed) => {
    const r = run(read('smartmeter-obis-emh-ehz-d0.txt'), seed);
    const ok = r.pushed.filter((e): e is Extract<FrameEvent, { ok: true }> => e.ok);
    expect(ok.map((e) => e.snapshot.meter.id)).toEqual(['0000680476', '0000680476']);
    expect(ok.map((e) => e.snapshot.readings.find((x) => x.obis === '1-0:1.8.1')?.value)).toEqual([32942.0231, 32942.0234]);
    r.session.stop();
  });

  it('a readout that stops at ! CR LF without ETX is delivered after 1.5 s of silence', async () => {
    const r = run(read('smartmeter-obis-itron-em214.txt'), 3);
    expect(r.pushed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(r.emitted).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(r.emitted.map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind))).toEqual(['53965555']);
    r.session.stop();
  });

  it('the silence is counted from the last chunk: bytes 1 s apart keep the readout open', async () => {
    const bytes = read('smartmeter-obis-itron-em214.txt');
    const r = run(bytes.subarray(0, 60), 3);
    await jest.advanceTimersByTimeAsync(1000);
    r.session.push(bytes.subarray(60));
    await jest.advanceTimersByTimeAsync(1000);
    expect(r.emitted).toEqual([]);
    await jest.advanceTimersByTimeAsync(600);
    expect(r.emitted.map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind))).toEqual(['53965555']);
    r.session.stop();
  });

  it('a telegram cut short does not swallow the next: each complete telegram comes out of push() at once', () => {
    const wr5 = read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt');
    const ehz = read('smartmeter-obis-emh-ehz-d0.txt');
    const bytes = Buffer.concat([wr5.subarray(0, 200), ehz, wr5.subarray(0, 40), wr5, wr5]);
    const r = run(bytes, 13);
    expect(r.pushed.map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind))).toEqual([
      'truncated',
      '0000680476',
      '0000680476',
      'truncated',
      '00010213',
      '00010213',
    ]);
    expect(r.emitted).toEqual([]);
    r.session.stop();
  });

  it('an STX readout that stops at ! CR LF is delivered when the next identification begins, without silence', () => {
    const itron = read('smartmeter-obis-itron-em214.txt');
    const r = run(Buffer.concat([itron, itron.subarray(5)]), 4);
    expect(r.pushed.map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind))).toEqual(['53965555']);
    expect(r.emitted).toEqual([]);
    r.session.stop();
  });

  it('line noise between telegrams creates no meter', () => {
    const ehz = read('smartmeter-obis-emh-ehz-d0.txt');
    const noise = Buffer.from('\x02\x13zz!\r\n1.8.0(5*kWh)\r\n!\r\n\x03?', 'latin1');
    const r = run(Buffer.concat([noise, ehz, noise]), 6);
    const ids = r.pushed.filter((e) => e.ok).map((e) => (e.ok ? e.snapshot.meter.id : ''));
    expect(ids).toEqual(['0000680476', '0000680476']);
    expect(r.session.flush().filter((e) => e.ok)).toEqual([]);
    r.session.stop();
  });

  it('stop() cancels the silence timer', async () => {
    const r = run(read('smartmeter-obis-itron-em214.txt'), 5);
    r.session.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(r.emitted).toEqual([]);
    expect(r.session.flush().map((e) => (e.ok ? e.snapshot.meter.id : e.error.kind))).toEqual(['53965555']);
  });

  it('reads 7E1 characters from a port opened 8N1 (parity in bit 7) with maskParity', () => {
    const bytes = read('smartmeter-obis-emh-ehz-d0.txt');
    const withParity = bytes.map((b) => {
      let ones = 0;
      for (let v = b; v; v >>= 1) ones += v & 1;
      return ones % 2 === 1 ? b | 0x80 : b;
    });
    expect(run(withParity, 9, true).pushed.filter((e) => e.ok)).toHaveLength(2);
    expect(run(withParity, 9, false).pushed.filter((e) => e.ok)).toHaveLength(0);
  });
});
