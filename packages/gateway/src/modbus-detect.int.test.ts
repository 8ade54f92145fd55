/**
 * `smi detect --modbus` end to end, with the real CLI bundle as child processes: `smi simulate
 * --meter modbus` plays two Eastron SDM630 on one end of a socat pty pair (RTU, 9600 8N1), and an
 * SDM630 plus a SunSpec inverter behind its Modbus TCP server (`--tcp-port 0`). Detect must find
 * and identify them and print a configuration the gateway's loader accepts; the gateway then runs
 * with exactly the printed TCP configuration and publishes both devices to a real Mosquitto.
 *
 * A pty passes bytes at any line setting, so the units answer at 19200 8E1 as well: detect notes
 * that the line ignores its settings and keeps 9600 8N1, the first setting that answered.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EASTRON_SDM630 } from '@smi/decoder';
import { loadConfig } from './config/load';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { startPtyPair, type PtyPair } from './test-support/socat';
import { buildGateway, runGateway, type GatewayProcess } from './test-support/gateway-process';
import { runSimulatorCli, type SimulatorProcess } from './test-support/simulator-process';

jest.setTimeout(60000);

/** `smi ARGS` to completion, with both streams. */
function smi(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [buildGateway(), ...args], { encoding: 'utf8', timeout: 50000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The printed configuration through the gateway's own loader (a file, as `smi run --config` reads it). */
function load(yaml: string): ReturnType<typeof loadConfig> {
  const file = join(mkdtempSync(join(tmpdir(), 'smi-detect-')), 'config.yaml');
  writeFileSync(file, yaml);
  return loadConfig(file, {});
}

const comments = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('#'));

describe('smi detect --modbus', () => {
  let pty: PtyPair | undefined;
  let sim: SimulatorProcess | undefined;
  let broker: Mosquitto | undefined;
  let ha: MqttRecorder | undefined;
  let gw: GatewayProcess | undefined;

  afterEach(async () => {
    await gw?.stop();
    await ha?.close();
    await broker?.stop();
    await sim?.stop();
    await pty?.stop();
    gw = ha = broker = sim = pty = undefined;
  });

  it('finds the simulated SDM630 at units 1 and 2 over RTU at 9600 8N1 and prints one meter with both', async () => {
    pty = await startPtyPair();
    sim = await runSimulatorCli(['--meter', 'modbus', '--port', pty.meterSide, '--set', 'profile=eastron-sdm630', '--set', 'unit=1,2']);
    const r = smi(['detect', '--modbus', '--port', pty.gatewaySide, '--units', '1-3', '--name', 'house']);
    expect(r.status).toBe(0);
    expect(comments(r.stdout)).toEqual([
      `# smi detect: modbus on ${pty.gatewaySide} at 9600 8N1`,
      '# unit 1 at 9600 8N1: eastron-sdm630 (holding register 64514 reads 112)',
      '# unit 2 at 9600 8N1: eastron-sdm630 (holding register 64514 reads 112)',
      "# note: the units answered at 19200 8E1 as well: this line ignores its settings (pty or bridge); configured at the first setting that answered, check the meters' menus",
      '# steps:',
      '#   9600 8N1: units 1, 2 answer; 1 silent (3)',
      '#   19200 8E1: units 1, 2 answer here as well: the line ignores its settings (pty or bridge); stopped',
      '# 1 meter: eastron-sdm630 unit 1, 2',
    ]);
    expect(parse(r.stdout)).toEqual({
      meters: [
        {
          name: 'house',
          protocol: 'modbus',
          transport: { type: 'serial', port: pty.gatewaySide, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
          modbus: { unitIds: [1, 2], profile: 'eastron-sdm630' },
        },
      ],
    });
    const loaded = load(r.stdout);
    expect(loaded.ok && loaded.config.meters[0]?.modbus).toMatchObject({ unitIds: [1, 2], profile: 'eastron-sdm630', pollIntervalSeconds: 10 });
    // progress on stderr: each unit that answers, one summary per line setting, no line per silent unit
    expect(r.stderr).toMatch(/9600 8N1: asking units 1-3\n/);
    expect(r.stderr).toMatch(/9600 8N1: unit 2 answers: eastron-sdm630 \(holding register 64514 reads 112\)\n/);
    expect(r.stderr).toMatch(/9600 8N1: units 1, 2 answer; 1 silent \(3\)\n/);
    expect(r.stderr).not.toMatch(/unit 3: no answer/);
  });

  it('exits 1 and says so when no unit answers', async () => {
    pty = await startPtyPair();
    const r = smi(['detect', '--modbus', '--port', pty.gatewaySide, '--line', '9600 8N1', '--units', '1,2']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`# smi detect: no Modbus unit answered on ${pty.gatewaySide}\n# steps:\n#   9600 8N1: no unit answers; 2 silent (1, 2)\n`);
  });

  it('refuses usage mistakes with exit code 2 and one line naming them', () => {
    const usage = (args: string[]): [number | null, string] => {
      const r = smi(args);
      return [r.status, r.stderr.trim()];
    };
    expect(usage(['simulate', '--meter', 'modbus'])).toEqual([2, 'smi: give either --port PATH or --tcp-port N']);
    expect(usage(['simulate', '--meter', 'sml', '--tcp-port', '1502'])).toEqual([2, 'smi: --tcp-port serves Modbus TCP: only with --meter modbus, not sml']);
    expect(usage(['detect', '--modbus', '--port', '/dev/null', '--units', '0-3'])).toEqual([
      2,
      "smi: --units takes unit ids 1-247 like '1-10' or '1,2,5', got '0-3'",
    ]);
    expect(usage(['detect', '--modbus', '--port', '/dev/null', '--framing', 'rtu'])).toEqual([
      2,
      'smi: --framing is for --tcp (a serial port always carries RTU)',
    ]);
  });

  it('recognises a model from a profile file given with --profile and names the file in the configuration', async () => {
    // A model of the user's own: the SDM630 register list, named by the text "ACME EM3" in holding registers 4096….
    const file = join(mkdtempSync(join(tmpdir(), 'smi-profile-')), 'acme-em3.json');
    const acme = {
      id: 'acme-em3',
      protocol: 'modbus',
      meter: { model: 'ACME EM3' },
      provenance: ['made up for this test'],
      modbus: { function: 4, registers: EASTRON_SDM630.modbus.registers, identify: { function: 3, address: 4096, registers: 4, textPrefix: 'ACME EM3' } },
    };
    writeFileSync(file, JSON.stringify(acme));
    sim = await runSimulatorCli(['--meter', 'modbus', '--tcp-port', '0', '--set', `profile=${file},eastron-sdm630`, '--set', 'unit=1,2']);
    const port = Number(/on 127\.0\.0\.1:(\d+)/.exec(sim.output())?.[1]);
    const r = smi(['detect', '--modbus', '--tcp', `127.0.0.1:${port}`, '--units', '1-2', '--profile', file]);
    expect(r.status).toBe(0);
    expect(comments(r.stdout).slice(1, 3)).toEqual([
      '# unit 1: acme-em3 (holding register 4096 reads "ACME EM3")',
      '# unit 2: eastron-sdm630 (holding register 64514 reads 112)',
    ]);
    const doc = parse(r.stdout) as { meters: { modbus: unknown }[] };
    expect(doc.meters.map((m) => m.modbus)).toEqual([
      { unitId: 1, profile: file },
      { unitId: 2, profile: 'eastron-sdm630' },
    ]);
    expect(load(r.stdout).ok).toBe(true);
    expect(smi(['detect', '--modbus', '--tcp', `127.0.0.1:${port}`, '--profile', 'eastron-sdm630']).stderr.trim()).toBe(
      "smi: --profile takes a .json profile file (built-in profiles are always tried), got 'eastron-sdm630'",
    );
  });

  it('finds an SDM630 and a SunSpec inverter behind a Modbus TCP server; the gateway publishes both with the printed configuration', async () => {
    sim = await runSimulatorCli(['--meter', 'modbus', '--tcp-port', '0', '--set', 'profile=eastron-sdm630,sunspec', '--set', 'unit=1,2']);
    const port = Number(/simulating Modbus TCP Eastron SDM630, SunSpec inverter \(model 103\) \(unit 1, 2\) on 127\.0\.0\.1:(\d+)/.exec(sim.output())?.[1]);
    expect(port).toBeGreaterThan(0);
    const r = smi(['detect', '--modbus', '--tcp', `127.0.0.1:${port}`, '--units', '1-3', '--name', 'garage']);
    expect(r.status).toBe(0);
    expect(comments(r.stdout)).toEqual([
      `# smi detect: modbus on 127.0.0.1:${port}`,
      '# unit 1: eastron-sdm630 (holding register 64514 reads 112)',
      '# unit 2: sunspec (SunS at 40000, models 1, 103: SMI Simulated Inverter 3P, serial SIM00042)',
      '# steps:',
      '#   TCP: units 1, 2 answer; 1 silent (3)',
      '# 2 meters: eastron-sdm630 unit 1; sunspec unit 2',
    ]);
    expect(r.stdout).toMatch(/^ {6}profile: sunspec$/m);
    const transport = { type: 'tcp', host: '127.0.0.1', port };
    const doc = parse(r.stdout) as { meters: unknown[] };
    expect(doc.meters).toEqual([
      { name: 'garage-1', protocol: 'modbus', transport, modbus: { unitId: 1, profile: 'eastron-sdm630' } },
      { name: 'garage-2', protocol: 'modbus', transport, modbus: { unitId: 2, profile: 'sunspec' } },
    ]);
    expect(load(r.stdout).ok).toBe(true);

    broker = await startMosquitto();
    ha = await MqttRecorder.connect(broker.url, ['smi/#']);
    const t0 = Date.now();
    gw = runGateway({ ...doc, mqtt: { url: broker.url, reconnectMs: 500 }, web: { enabled: false }, logLevel: 'debug' });
    const meter = JSON.parse((await ha.next('smi/eastron-sdm630-1/state', t0, () => true, 20000)).payload) as Record<string, unknown>;
    expect(meter).toMatchObject({ voltage_l1: 230.1, energy_import_total: 12345.67 });
    const inverter = JSON.parse((await ha.next('smi/SIM00042/state', t0, () => true, 20000)).payload) as Record<string, unknown>;
    expect(inverter).toMatchObject({ power: 4850, energy_export_total: 1000 });
  });
});
