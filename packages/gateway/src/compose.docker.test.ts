/**
 * docker/compose.yaml brought up with the engine (docker-compose), as a user on a machine without
 * a serial adapter would: the default services only (openHAB sits in its profile and its image
 * cannot be pulled here), Mosquitto with the password file written from the environment, the
 * gateway on the simulated meter. The file is copied with its mosquitto/ folder to a scratch
 * folder and run from another working directory (relative paths resolve from the file); the only
 * edits are for the test machine: published ports are dropped (the test reaches the containers on
 * their network) and the health check interval is shortened. The Mosquitto image is a local
 * stand-in tagged eclipse-mosquitto:2 (docker/test/mosquitto-standin.Dockerfile).
 */
import { execFile } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { validateHaSensorConfig } from '@smi/discovery';
import { MqttRecorder } from './test-support/mqtt-recorder';
import { REPO_ROOT, docker, waitForState } from './test-support/docker';

jest.setTimeout(180000);
const IMAGE = process.env['SMI_IMAGE'] ?? 'smart-meter-interop:test';
const PROJECT = `smi-test-compose-${process.pid}`;
const PASSWORD = `pw-${process.pid}-${Date.now()}`;
const METER = 'K8EG004046395507'; // the simulated meter of the embedded defaults

function compose(file: string, args: readonly string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(
      'docker-compose',
      ['-f', file, '-p', PROJECT, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, MQTT_PASSWORD: PASSWORD }, timeout: 120000 },
      (err, stdout, stderr) => {
        if (err) rej(new Error(`docker-compose ${args.join(' ')}: ${stderr || err.message}`));
        else res(stdout.trim());
      },
    );
  });
}

interface ComposeFile {
  services: Record<string, { ports?: unknown; profiles?: string[]; healthcheck?: unknown; image?: string }>;
}

describe('docker/compose.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smi-compose-'));
  const file = join(dir, 'compose.yaml');
  let rec: MqttRecorder | undefined;

  beforeAll(async () => {
    const spec = parse(readFileSync(join(REPO_ROOT, 'docker/compose.yaml'), 'utf8')) as ComposeFile;
    for (const s of Object.values(spec.services)) delete s.ports;
    const gateway = spec.services['smart-meter-interop'];
    if (!gateway) throw new Error('no smart-meter-interop service in docker/compose.yaml');
    gateway.healthcheck = { interval: '1s' }; // the image's own test command, checked more often
    writeFileSync(file, stringify(spec));
    cpSync(join(REPO_ROOT, 'docker/mosquitto'), join(dir, 'mosquitto'), { recursive: true });
    mkdirSync(join(dir, 'config'));
    chownSync(join(dir, 'config'), 1000, 1000); // as docs/docker.md asks: the gateway's user owns ./config
    await docker(['tag', IMAGE, gateway.image ?? 'smart-meter-interop']);
    await compose(file, ['up', '-d', '--no-build']);
  });

  afterAll(async () => {
    await rec?.client.endAsync(true);
    await compose(file, ['down', '-v', '--timeout', '5']).catch(() => undefined);
  });

  async function containerOf(service: string): Promise<string> {
    return compose(file, ['ps', '-q', service]);
  }

  it('starts Mosquitto and the gateway, not openHAB (its profile is off)', async () => {
    const running = (await compose(file, ['ps', '--services', '--filter', 'status=running'])).split('\n').sort();
    expect(running).toEqual(['mosquitto', 'smart-meter-interop']);
    expect(existsSync(join(dir, 'openhab'))).toBe(false);
  });

  it('turns the gateway healthy and announces the simulated meter on the password-protected broker', async () => {
    const gateway = await containerOf('smart-meter-interop');
    await waitForState(gateway, 'healthy', (s) => s.Health?.Status === 'healthy', 60000);
    const broker = await docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', await containerOf('mosquitto')]);
    await expect(MqttRecorder.connect(`mqtt://${broker}:1883`)).rejects.toThrow(/Not authorized|Bad username or password/i);
    const url = `mqtt://smi:${encodeURIComponent(PASSWORD)}@${broker}:1883`;
    rec = await MqttRecorder.connect(url, ['smi/#']);
    const state = await rec.next(`smi/${METER}/state`, 0, () => true, 20000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy_import_tariff_1: 4.426, power_import: 244 });
    // Home Assistant subscribing now gets the discovery configuration from the retained store.
    const ha = await MqttRecorder.connect(url, ['homeassistant/#']);
    try {
      const cfg = await ha.next(`homeassistant/sensor/smi_${METER}/energy_import_tariff_1/config`, 0, () => true, 10000);
      expect(cfg.retain).toBe(true);
      expect(validateHaSensorConfig(JSON.parse(cfg.payload), cfg.topic)).toEqual([]);
    } finally {
      await ha.client.endAsync(true);
    }
  });
});
