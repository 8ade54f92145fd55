/**
 * The shipped Docker image (docker/Dockerfile): embedded defaults serve the simulated meter over
 * MQTT and HTTP, the CLI works inside the image, the gateway runs as an unprivileged user that
 * reads a serial port through its group, the image's own HEALTHCHECK turns healthy, and
 * `docker stop` ends it at once with exit code 0.
 */
import { chmodSync, chownSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { validateHaSensorConfig } from '@smi/discovery';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { startPtyPair, type PtyPair } from './test-support/socat';
import { REPO_ROOT, docker, removeQuietly, waitForState } from './test-support/docker';

jest.setTimeout(120000);
const IMAGE = process.env['SMI_IMAGE'] ?? 'smart-meter-interop:test';
const SERIAL = `smi-test-serial-${process.pid}`;
const DIALOUT = 20; // Debian's and Ubuntu's dialout group, the image's smi user is a member
const FLUVIUS = readFileSync(join(REPO_ROOT, 'packages/gateway/assets/simulator/dsmr-fluvius.txt'));

describe(`Docker image ${IMAGE}`, () => {
  let container: StartedTestContainer | undefined;
  let rec: MqttRecorder | undefined;

  afterAll(async () => {
    await rec?.close();
    await container?.stop();
  });

  it('runs the embedded defaults: simulated meter, embedded broker, web page', async () => {
    container = await new GenericContainer(IMAGE)
      .withExposedPorts(1883, 8080)
      .withEnvironment({ TZ: 'Europe/Amsterdam' })
      .withWaitStrategy(Wait.forLogMessage(/web page with live values/))
      .start();
    const mqttUrl = `mqtt://${container.getHost()}:${container.getMappedPort(1883)}`;
    rec = await MqttRecorder.connect(mqttUrl, ['homeassistant/#', 'smi/#']);
    const state = await rec.next('smi/K8EG004046395507/state', 0, () => true, 20000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426, power_import: 244, gas_volume: 0.107 });
    const cfg = await rec.next('homeassistant/sensor/smi_K8EG004046395507/energy_import_tariff_1/config', 0);
    expect(validateHaSensorConfig(JSON.parse(cfg.payload), cfg.topic)).toEqual([]);
    const status = (await (await fetch(`http://${container.getHost()}:${container.getMappedPort(8080)}/api/status`)).json()) as {
      mqtt: { connected: boolean };
    };
    expect(status.mqtt.connected).toBe(true);
  });

  it('runs the CLI inside the image', async () => {
    if (!container) throw new Error('container not started');
    const r = await container.exec(['node', '/app/dist/smi.js', 'decode', '--summary', '/app/assets/simulator/dsmr-fluvius.txt']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.output.trim())).toEqual({ frames: 1, rejected: 0, readings: 36, errors: {} });
  });

  it('runs as the unprivileged user smi (uid 1000, group dialout) and keeps its state in /config', async () => {
    if (!container) throw new Error('container not started');
    const r = await container.exec([
      'node',
      '-e',
      "const fs=require('fs');process.stdout.write(JSON.stringify({uid:process.getuid(),groups:process.getgroups(),state:fs.readdirSync('/config/state')}))",
    ]);
    expect(r.exitCode).toBe(0);
    const who = JSON.parse(r.output.trim()) as { uid: number; groups: number[]; state: string[] };
    expect(who.uid).toBe(1000);
    expect(who.groups).toContain(DIALOUT);
    expect(who.state).toContain('embedded-broker-credentials.json');
  });
});

describe(`Docker image ${IMAGE}: health, stop, serial port`, () => {
  let pty: PtyPair | undefined;
  let rec: MqttRecorder | undefined;

  afterAll(async () => {
    await rec?.close();
    await removeQuietly('container', SERIAL);
    await pty?.stop();
  });

  it('declares a HEALTHCHECK on /healthz that needs no curl', async () => {
    const hc = JSON.parse(await docker(['image', 'inspect', '-f', '{{json .Config.Healthcheck}}', IMAGE])) as { Test: string[] };
    expect(hc.Test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(hc.Test[3]).toContain('/healthz');
  });

  it('starts node with the memory flags of docs/performance.md, directly (no shell)', async () => {
    const entrypoint = JSON.parse(await docker(['image', 'inspect', '-f', '{{json .Config.Entrypoint}}', IMAGE])) as string[];
    expect(entrypoint).toEqual(['node', '--max-semi-space-size=2', '--heap-growing-percent=30', '--optimize-for-size', '/app/entrypoint.js']);
  });

  it('reads a DSMR meter on a serial port owned by group dialout, turns healthy and stops with code 0', async () => {
    // A pseudo-terminal stands in for the USB adapter; like a real /dev/ttyUSB0 it is root:dialout 0660.
    pty = await startPtyPair();
    const device = realpathSync(pty.gatewaySide);
    chownSync(device, 0, DIALOUT);
    chmodSync(device, 0o660);
    const dir = mkdtempSync(join(tmpdir(), 'smi-image-serial-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'smi.yaml'), 'meters:\n  - name: p1\n    protocol: dsmr\n    transport: { type: serial, port: /dev/ttyP1 }\n');
    chmodSync(join(dir, 'smi.yaml'), 0o644);
    // Only the file is mounted: /config itself is the image's volume, owned by smi.
    // (A pty cannot be passed with --device, which re-creates the node outside its devpts; a bind
    // mount keeps it, with the same owner and mode checks as a real adapter.)
    await docker([
      'run',
      '-d',
      '--name',
      SERIAL,
      '-p',
      '127.0.0.1::1883',
      '--health-interval',
      '1s',
      '-v',
      `${device}:/dev/ttyP1`,
      '-v',
      `${join(dir, 'smi.yaml')}:/config/smi.yaml:ro`,
      IMAGE,
    ]);
    const mapped = (await docker(['port', SERIAL, '1883/tcp'])).split('\n')[0]?.split(':').pop();
    const meterSide = await open(pty.meterSide, 'r+');
    const feed = setInterval(() => void meterSide.write(FLUVIUS), 1000);
    try {
      await waitForState(SERIAL, 'healthy', (s) => s.Health?.Status === 'healthy', 30000);
      rec = await MqttRecorder.connect(`mqtt://127.0.0.1:${mapped}`, ['smi/#']);
      const state = await rec.next('smi/1SAG3101021605/state', 0, () => true, 20000);
      expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_2: 15.758, voltage_l1: 234.7 });
    } finally {
      clearInterval(feed);
      await meterSide.close();
    }
    const started = Date.now();
    await docker(['stop', '-t', '10', SERIAL], 20000);
    const stopped = await waitForState(SERIAL, 'exited', (s) => s.Status === 'exited', 5000);
    expect(stopped.ExitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('opens a port of another group only when that group is added (--group-add)', async () => {
    if (!pty) throw new Error('pty not started');
    const device = realpathSync(pty.gatewaySide);
    chownSync(device, 0, 4242);
    const probe = "try{require('fs').openSync('/dev/ttyP1','r+');console.log('opened')}catch(e){console.log(e.code)}";
    const run = (extra: string[]): Promise<string> =>
      docker(['run', '--rm', ...extra, '-v', `${device}:/dev/ttyP1`, '--entrypoint', 'node', IMAGE, '-e', probe]);
    expect(await run([])).toBe('EACCES');
    expect(await run(['--group-add', '4242'])).toBe('opened');
  });
});
