import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { D0MeterSimulator, hexToBytes, type MeterCommand } from '@smi/decoder';
import { parse } from 'yaml';
import { validateConfig } from '../config/load';
import { silentLogger } from '../log';
import { parseD0Readout } from '../simulators/d0';
import { detectionYaml } from './config-yaml';
import { detectMeter, type LineOpener } from './detect';
import { DETECT_STEPS, formatLine, parseLine, sameLine, stepsFor, TCP_STEP, type LineSetting } from './line-settings';
import { ProtocolProbe } from './probe';

const FIXTURES = join(__dirname, '../../../decoder/fixtures');
const DSMR = readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt'));
const SML = hexToBytes(readFileSync(join(FIXTURES, 'sml/smartmeter-obis-emh-ehz.hex'), 'latin1')) as Uint8Array;
const HDLC = hexToBytes(readFileSync(join(FIXTURES, 'dlms-hdlc-cii/scs-lg_e450-unencrypted-valid-data1.hex'), 'latin1')) as Uint8Array;
const MT174 = parseD0Readout(readFileSync(join(FIXTURES, 'd0/smartmeter-obis-iskra-mt174.txt')));

const L = (t: string): LineSetting => parseLine(t) as LineSetting;

describe('line settings', () => {
  it('parses and formats settings', () => {
    expect(parseLine('9600 8N1')).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(parseLine('300,7e1')).toEqual({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 });
    expect(parseLine('2400-8O2')).toEqual({ baudRate: 2400, dataBits: 8, parity: 'odd', stopBits: 2 });
    expect(parseLine('fast')).toBeUndefined();
    expect(parseLine('9600 9N1')).toBeUndefined();
    expect(formatLine(L('115200 8N1'))).toBe('115200 8N1');
  });

  it('searches in the documented order, asking only at 300 7E1', () => {
    expect(DETECT_STEPS.map((s) => `${formatLine(s.line)}${s.ask ? ' ask' : ''}`)).toEqual([
      '300 7E1 ask',
      '115200 8N1',
      '9600 8N1',
      '9600 7E1',
      '2400 8E1',
      '2400 7E1',
    ]);
    const custom = stepsFor([L('9600 8N1'), L('19200 8N1')]);
    expect(custom[0]).toBe(DETECT_STEPS[2]);
    expect(custom[1]).toMatchObject({ ask: false, protocols: [] });
    expect(sameLine(L('9600 8N1'), L('9600 8E1'))).toBe(false);
  });
});

describe('ProtocolProbe', () => {
  const feed = (bytes: Uint8Array, size: number): ProtocolProbe => {
    const p = new ProtocolProbe();
    for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
    return p;
  };

  it.each([
    ['dsmr', DSMR, 'K8EG004046395507'],
    ['sml', SML, '0901454D48000041F045'],
    ['dlms', HDLC, '44337811'],
  ] as const)('recognises and confirms %s', (protocol, bytes, id) => {
    for (const size of [1, 7, 64, bytes.length]) {
      const r = feed(bytes, size).finish();
      expect(r).toMatchObject({ protocol, frames: 1, rejected: 0, bytes: bytes.length, snapshot: { meter: { id } } });
    }
  });

  it('names what it saw when nothing decodes: a corrupt SML file is bad-crc', () => {
    const broken = SML.slice();
    broken[100] = (broken[100] as number) ^ 0xff;
    const r = feed(broken, 33).finish();
    expect(r).toMatchObject({ protocol: 'sml', frames: 0, rejected: 1, errors: { 'bad-crc': 1 } });
  });

  it('finds nothing in line noise', () => {
    const noise = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) & 0x7f).map((b) =>
      b === 0x2f || b === 0x7e || b === 0x1b || b === 0x68 ? 0x20 : b,
    );
    const p = feed(noise, 100);
    expect(p.confirmed).toBe(false);
    expect(p.finish()).toMatchObject({ protocol: undefined, frames: 0, bytes: 3000 });
  });
});

/**
 * A meter on a fake line that, like a UART, only gets through when the port is opened at the
 * meter's own setting (`anySetting`: a socat pty or bridge, where settings have no effect).
 */
function fakeLine(meter: { line: LineSetting; push?: Uint8Array; d0?: D0MeterSimulator; anySetting?: boolean }) {
  const opened: string[] = [];
  const open: LineOpener = async (step, onData) => {
    opened.push(formatLine(step.line));
    const through = meter.anySetting === true || (step.line !== undefined && sameLine(step.line, meter.line));
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, f: () => void): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        f();
      }, ms);
      timers.add(t);
    };
    if (meter.push) {
      const bytes = meter.push;
      const tick = (): void => {
        if (through) onData(bytes);
        later(50, tick);
      };
      later(10, tick);
    }
    const run = (cmds: readonly MeterCommand[], at = 0): void => {
      let t = at;
      for (const c of cmds) {
        if (c.type === 'wait') t += c.ms;
        else if (c.type === 'send') {
          const b = c.bytes;
          later(t, () => onData(b));
        }
      }
    };
    return {
      write: async (bytes) => {
        if (through && meter.d0) run(meter.d0.receive(bytes));
      },
      setBaudRate: async () => undefined,
      close: async () => {
        for (const t of timers) clearTimeout(t);
      },
    };
  };
  return { open, opened };
}

/** Runs the search on jest's fake clock (listening times pass without waiting). */
async function settle<T>(p: Promise<T>): Promise<T> {
  let done = false;
  const r = p.finally(() => (done = true));
  for (let i = 0; i < 100000 && !done; i++) await jest.advanceTimersByTimeAsync(25);
  return r;
}

describe('detectMeter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const options = { steps: DETECT_STEPS, listenMs: 300 };

  it('finds an SML meter at 9600 8N1 after trying the settings before it', async () => {
    const line = fakeLine({ line: L('9600 8N1'), push: SML });
    const r = await settle(detectMeter(line.open, options, silentLogger));
    expect(line.opened).toEqual(['300 7E1', '115200 8N1', '9600 8N1']);
    expect(r.found).toMatchObject({ protocol: 'sml', line: L('9600 8N1'), plausible: true });
    expect(r.found?.report.snapshot?.meter.id).toBe('0901454D48000041F045');
    expect(r.steps.map((s) => s.detection?.protocol ?? '-')).toEqual(['-', '-', 'sml']);
  });

  it('asks /?! at 300 7E1 and reads a mode C meter', async () => {
    const d0 = new D0MeterSimulator({ manufacturerId: MT174.manufacturerId, ident: MT174.ident, mode: 'C', data: MT174.data, reactionMs: 20 });
    const line = fakeLine({ line: L('300 7E1'), d0 });
    const r = await settle(detectMeter(line.open, options, silentLogger));
    expect(line.opened).toEqual(['300 7E1']);
    expect(r.found).toMatchObject({
      protocol: 'iec62056-21',
      plausible: true,
      d0: { asked: true, identification: '/ISk5MT174-0001', mode: 'C', offeredBaud: 9600 },
    });
    expect(r.found?.report.snapshot?.readings.find((x) => x.key === 'energy_import_total')?.value).toBe(8048.375);
  });

  it('on a line that ignores its settings, passes over a DSMR telegram seen at 300 7E1 and takes 115200 8N1', async () => {
    const line = fakeLine({ line: L('115200 8N1'), push: DSMR, anySetting: true });
    const r = await settle(detectMeter(line.open, options, silentLogger));
    expect(line.opened).toEqual(['300 7E1', '115200 8N1']);
    expect(r.steps[0]?.detection).toMatchObject({ protocol: 'dsmr', plausible: false });
    expect(r.found).toMatchObject({ protocol: 'dsmr', line: L('115200 8N1'), plausible: true });
  });

  it('finds nothing when no meter talks; every step is reported', async () => {
    const line = fakeLine({ line: L('9600 8N1') });
    const r = await settle(detectMeter(line.open, { ...options, listenMs: 50 }, silentLogger));
    expect(r.found).toBeUndefined();
    expect(r.steps).toHaveLength(DETECT_STEPS.length);
  });

  it('falls back to an implausible find when nothing better turns up (TCP-like line, custom steps)', async () => {
    const line = fakeLine({ line: L('9600 8N1'), push: SML, anySetting: true });
    const r = await settle(detectMeter(line.open, { steps: [DETECT_STEPS[0] as (typeof DETECT_STEPS)[number]], listenMs: 200 }, silentLogger));
    expect(r.found).toMatchObject({ protocol: 'sml', plausible: false });
  });

  it('on TCP asks and listens in one step', async () => {
    const line = fakeLine({ line: L('9600 8N1'), push: SML, anySetting: true });
    const r = await settle(detectMeter(line.open, { steps: [TCP_STEP], listenMs: 500 }, silentLogger));
    expect(r.found).toMatchObject({ protocol: 'sml', line: undefined, plausible: true });
  });
});

describe('detectionYaml', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  it('prints a configuration the gateway accepts, with what was seen as comments', async () => {
    const sml = await settle(detectMeter(fakeLine({ line: L('9600 8N1'), push: SML }).open, { steps: DETECT_STEPS, listenMs: 300 }, silentLogger));
    const text = detectionYaml(sml, { type: 'serial', port: '/dev/ttyUSB0' }, { name: 'eHZ' });
    expect(text).toMatch(/^# smi detect: sml on \/dev\/ttyUSB0 at 9600 8N1$/m);
    expect(text).toMatch(/^# meter 0901454D48000041F045 \(EMH Metering\): 1 frame decoded, 0 rejected, 7 values in the last one$/m);
    const doc = parse(text) as unknown;
    expect(doc).toEqual({
      meters: [{ name: 'eHZ', protocol: 'sml', transport: { type: 'serial', port: '/dev/ttyUSB0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } }],
    });
    expect(validateConfig(doc).ok).toBe(true);

    const d0 = new D0MeterSimulator({ manufacturerId: 'ISk', ident: MT174.ident, mode: 'C', data: MT174.data, reactionMs: 20, maxBaud: 19200 });
    const found = await settle(detectMeter(fakeLine({ line: L('300 7E1'), d0 }).open, { steps: DETECT_STEPS, listenMs: 300 }, silentLogger));
    const d0Doc = parse(detectionYaml(found, { type: 'serial', port: '/dev/ttyUSB1' }, { name: 'mt174', address: '' })) as { meters: unknown[] };
    expect(d0Doc.meters[0]).toEqual({
      name: 'mt174',
      protocol: 'iec62056-21',
      transport: { type: 'serial', port: '/dev/ttyUSB1', baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 },
      iec62056: { mode: 'request', readoutIntervalSeconds: 60, maxBaudRate: 9600 },
    });
    expect(validateConfig(d0Doc).ok).toBe(true);
  });

  it('prints only comments when nothing was found', () => {
    const text = detectionYaml(
      {
        found: undefined,
        steps: [{ step: DETECT_STEPS[1] as (typeof DETECT_STEPS)[number], summary: 'nothing decoded (0 bytes received)', detection: undefined }],
      },
      { type: 'tcp', host: 'bridge', port: 23 },
      { name: 'm' },
    );
    expect(text).toBe('# smi detect: no meter recognised on bridge:23\n# steps:\n#   115200 8N1: nothing decoded (0 bytes received)\n');
    expect(parse(text)).toBeNull();
  });
});
