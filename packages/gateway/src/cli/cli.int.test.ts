/** The command-line contract other tools rely on: output shapes and exit codes of the bundle. */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateHaSensorConfig } from '@smi/discovery';
import { buildGateway, FIXTURES, runCli } from '../test-support/gateway-process';

jest.setTimeout(30000);

const V5 = join(FIXTURES, 'dsmr/v5-iskra-mt382.txt');
const tmp = mkdtempSync(join(tmpdir(), 'smi-cli-'));

describe('smi decode', () => {
  it('prints one JSON object per frame with numbers as numbers', () => {
    const r = runCli(['decode', V5]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const frame = JSON.parse(lines[0] as string) as {
      protocol: string;
      meter: { id: string };
      time: string;
      readings: { obis?: string; key: string; value: unknown; unit?: string }[];
    };
    expect(frame.protocol).toBe('dsmr');
    expect(frame.meter.id).toBe('K8EG004046395507');
    expect(frame.time).toBe('2017-01-02T19:20:02+01:00');
    const byObis = new Map(frame.readings.map((x) => [x.obis, x]));
    expect(byObis.get('1-0:1.8.1')).toMatchObject({ key: 'energy_import_tariff_1', value: 4.426, unit: 'kWh' });
    expect(byObis.get('1-0:1.7.0')).toMatchObject({ value: 244, unit: 'W' });
    expect(byObis.get('0-1:24.2.1')).toMatchObject({ value: 0.107, unit: 'm³', channel: 1 });
  });

  it('reads hex text from standard input with --hex, ignoring white space', () => {
    const hex = readFileSync(V5)
      .toString('hex')
      .replace(/(.{64})/g, '$1\n ');
    const r = runCli(['decode', '--hex', '--protocol', 'dsmr', '-'], Buffer.from(hex));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ meter: { id: 'K8EG004046395507' } });
  });

  it('names the error kind of each rejected frame on stderr and exits 1 when nothing decoded', () => {
    const bad = join(tmp, 'bad.txt');
    writeFileSync(bad, readFileSync(V5, 'latin1').replace('(000004.426*kWh)', '(000004.427*kWh)'), 'latin1');
    const r = runCli(['decode', bad]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.trim())).toMatchObject({ error: 'bad-crc', layer: 'dsmr' });
  });

  it('--summary prints one closing line with counts per error kind', () => {
    const mixed = join(tmp, 'mixed.txt');
    const good = readFileSync(V5, 'latin1');
    writeFileSync(mixed, good + 'garbage' + good.replace('(000004.426*kWh)', '(000004.427*kWh)') + good, 'latin1');
    const r = runCli(['decode', '--summary', mixed]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ frames: 2, rejected: 1, readings: 70, errors: { 'bad-crc': 1 } });
  });

  it.each([
    [['decode', '--protocol', 'zigbee', V5], 'zigbee'],
    [['decode', '--bogus', V5], 'unknown option'],
    [['decode', join(tmp, 'missing.bin')], 'cannot read'],
    [['decode', '--key', '0011', '--protocol', 'dlms', V5], '--key'],
    [['decode', '--hex', '--protocol', 'dsmr', V5], '--hex input must be hex digits'],
  ])('exits 2 on usage errors: %j', (args, text) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(text);
  });
});

/** The first line the child writes on stdout (rejects when it exits first or after 10 s). */
function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no line within 10 s; stdout so far: ${buf}`)), 10000);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing a line`)));
  });
}

/** Writes `mb` MiB of repeated real telegrams to a file; returns the path and the number of telegrams. */
function repeatedCapture(mb: number): { file: string; count: number } {
  const telegram = readFileSync(V5);
  const block = Buffer.concat(Array.from({ length: Math.floor(1048576 / telegram.length) }, () => telegram));
  const file = join(tmp, `repeated-${mb}.txt`);
  const fd = openSync(file, 'w');
  for (let i = 0; i < mb; i++) writeSync(fd, block);
  closeSync(fd);
  return { file, count: mb * (block.length / telegram.length) };
}

/** Runs the bundle with a preload that reports the child's peak RSS (MiB) on fd 3 at exit. */
function runMeasured(args: string[]): { status: number | null; stdout: string; peakMb: number } {
  const preload = join(tmp, 'peak-rss.js');
  writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(3, String(process.resourceUsage().maxRSS / 1024)));\n");
  const r = spawnSync(process.execPath, ['--require', preload, buildGateway(), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  return { status: r.status, stdout: r.stdout, peakMb: Number(r.output[3]) };
}

/** Deterministic pseudo-random bytes (xorshift32), the same on every run. */
function randomBytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

describe('smi decode streams', () => {
  it('prints a frame as soon as it arrives on standard input, before the input ends', async () => {
    const child = spawn(process.execPath, [buildGateway(), 'decode', '--protocol', 'dsmr', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const line = firstLine(child);
    child.stdin.write(readFileSync(V5));
    // stdin is still open here: the line must come from the streaming decoder, not from EOF
    expect(JSON.parse(await line)).toMatchObject({ protocol: 'dsmr', meter: { id: 'K8EG004046395507' } });
    expect(child.exitCode).toBeNull();
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('reports a telegram cut off at the end of the input (flush) and keeps the good one', () => {
    const good = readFileSync(V5, 'latin1');
    const r = spawnSync(process.execPath, [buildGateway(), 'decode', '--protocol', 'dsmr', '-'], {
      input: Buffer.from(good + good.slice(0, 200), 'latin1'),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { meter: { id: string } }).meter.id),
    ).toEqual(['K8EG004046395507']);
    expect(JSON.parse(r.stderr.trim())).toMatchObject({ error: 'truncated', layer: 'dsmr' });
  });

  // Memory that does not grow with the input (a streaming property, not a target: the figures,
  // e.g. 1 GB through a pipe, are in `npm run bench:process` and docs/performance.md). Collecting
  // 20 MB of telegrams (23,000 snapshots of 35 readings) would take well over 100 MB more.
  const mb = Number(process.env['SMI_DECODE_MB'] ?? '20');
  it(`--summary over ${mb} MB counts every frame and needs no more memory than over 2 MB`, () => {
    const small = repeatedCapture(2);
    const base = runMeasured(['decode', '--summary', '--protocol', 'dsmr', small.file]);
    const { file, count } = repeatedCapture(mb);
    const r = runMeasured(['decode', '--summary', '--protocol', 'dsmr', file]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ frames: count, rejected: 0, readings: count * 35, errors: {} });
    expect(r.peakMb - base.peakMb).toBeLessThan(30);
  }, 600000);

  it.each(['dsmr', 'iec62056-21', 'sml', 'mbus', 'auto'])(
    '--protocol %s finds no frame in 5 MB of random bytes',
    (protocol) => {
      const file = join(tmp, 'random.bin');
      writeFileSync(file, randomBytes(5 * 1048576, 0x5eed1234));
      const r = runMeasured(['decode', '--summary', '--protocol', protocol, file]);
      expect(JSON.parse(r.stdout)).toMatchObject({ frames: 0, readings: 0 });
      expect(r.status).toBe(1);
    },
    120000,
  );
});

describe('smi discovery', () => {
  it('prints every message the gateway would publish, valid for Home Assistant', () => {
    const r = runCli(['discovery', '--platform', 'homeassistant', V5]);
    expect(r.status).toBe(0);
    const msgs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { topic: string; payload: string; retain: boolean });
    expect(msgs[0]).toEqual({ topic: 'smi/gateway/availability', payload: 'online', retain: true });
    const configs = msgs.filter((m) => m.topic.endsWith('/config'));
    expect(configs.length).toBeGreaterThan(30);
    for (const c of configs) {
      expect(c.retain).toBe(true);
      expect(validateHaSensorConfig(JSON.parse(c.payload), c.topic)).toEqual([]);
    }
    const last = msgs[msgs.length - 1];
    expect(last?.topic).toBe('smi/K8EG004046395507/state');
    expect(JSON.parse(last?.payload ?? '{}')).toMatchObject({ energy_import_tariff_1: 4.426, gas_volume: 0.107 });
    // availability of the meter comes before its state
    expect(msgs[msgs.length - 2]).toEqual({ topic: 'smi/K8EG004046395507/availability', payload: 'online', retain: true });
  });
});

describe('smi run', () => {
  it('refuses a bad configuration file with path: problem lines and exit code 2', () => {
    const cfg = join(tmp, 'bad.yaml');
    writeFileSync(cfg, 'meters:\n  - protocol: dsmr\n    transport: { type: serial }\nmqtt:\n  url: localhost\n');
    const r = runCli(['run', '--config', cfg]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('meters.0.transport.port: ');
    expect(r.stderr).toContain('mqtt.url: must be a URL like mqtt://host:1883');
  });

  it('prints help', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('decode');
    expect(r.stdout).toContain('discovery');
  });
});
