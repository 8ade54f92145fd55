/**
 * The trust promises end to end, on a real Mosquitto and socat ptys, with the gateway bundle in
 * between: a value that passes its CRC but is physically impossible is held back (never reaches
 * Home Assistant), a DSMR 5 telegram without its CRC is refused, and an M-Bus readout whose last
 * telegram announced more records (DIF 1F) is published after the line falls silent instead of
 * being held forever.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc16Arc, hexToBytes } from '@smi/decoder';
import { startLineHarness, type LineHarness } from './test-support/line-harness';
import { FIXTURES, runGateway } from './test-support/gateway-process';
import { waitFor } from './test-support/ports';

jest.setTimeout(60000);

const V5 = readFileSync(join(FIXTURES, 'dsmr/v5-iskra-mt382.txt')).toString('latin1');
const METER = 'K8EG004046395507';
const STATE = `smi/${METER}/state`;

/** The real telegram with one object's value replaced and a valid CRC (a corruption the CRC cannot see). */
function withValue(obis: string, value: string): Buffer {
  const body = V5.slice(0, V5.indexOf('!') + 1).replace(new RegExp(`^(${obis.replace(/[.*]/g, '\\$&')})\\(([^*)]*)`, 'm'), `$1(${value}`);
  const crc = crc16Arc(Buffer.from(body, 'latin1')).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.from(`${body}${crc}\r\n`, 'latin1');
}

function write(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

interface Stats {
  frames: number;
  rejected: number;
  errors: Record<string, number>;
}

describe('trust: nothing implausible or unverified reaches Home Assistant', () => {
  let h: LineHarness;

  beforeAll(async () => {
    h = await startLineHarness(2);
    const [dsmr, mbus] = h.ptys;
    h.track(
      runGateway({
        meters: [
          { name: 'p1', protocol: 'dsmr', transport: { type: 'serial', port: dsmr?.gatewaySide, baudRate: 115200 } },
          // listening only (no addresses to poll): another master asks, the gateway reads along
          { name: 'heat', protocol: 'mbus', transport: { type: 'serial', port: mbus?.gatewaySide, baudRate: 2400, parity: 'even' } },
        ],
        mqtt: { url: h.broker.url, reconnectMs: 500 },
        homeassistant: { reannounceDelayMs: 300 },
        web: { enabled: false },
        logLevel: 'debug',
      }),
    );
    await h.ha.next('smi/gateway/availability', 0, (m) => m.payload === 'online', 15000);
  });

  afterAll(() => h?.stop());

  it('holds back a 999,999 kWh spike with a valid CRC, refuses a telegram without CRC, publishes the sane ones', async () => {
    const port = h.ptys[0]?.meterSide as string;
    const t0 = Date.now();
    write(port, Buffer.from(V5, 'latin1'));
    const first = await h.ha.next(STATE, t0, () => true, 15000);
    expect(JSON.parse(first.payload)).toMatchObject({ energy_import_tariff_1: 4.426 });

    const t1 = Date.now();
    write(port, withValue('1-0:1.8.1', '999999.999'));
    const stats = await h.ha.next('smi/gateway/stats', t1, (m) => ((JSON.parse(m.payload) as Stats).errors['implausible'] ?? 0) >= 1, 15000);
    expect((JSON.parse(stats.payload) as Stats).errors).toEqual({ implausible: 1 });

    // a DSMR 5 telegram whose CRC line was cut off, with a value changed: refused, never decoded
    const stripped = Buffer.from(V5.slice(0, V5.indexOf('!') + 1).replace('1-0:1.8.2(000002.399', '1-0:1.8.2(000888.399') + '\r\n', 'latin1');
    write(port, stripped);
    const later = await h.ha.next('smi/gateway/stats', t1, (m) => ((JSON.parse(m.payload) as Stats).errors['missing-crc'] ?? 0) >= 1, 15000);
    expect((JSON.parse(later.payload) as Stats).errors).toEqual({ implausible: 1, 'missing-crc': 1 });

    const t2 = Date.now();
    write(port, withValue('1-0:1.8.1', '000004.431'));
    const sane = await h.ha.next(STATE, t2, (m) => (JSON.parse(m.payload) as Record<string, unknown>)['energy_import_tariff_1'] === 4.431, 15000);
    expect(JSON.parse(sane.payload)).toMatchObject({ energy_import_tariff_1: 4.431, energy_import_tariff_2: 2.399 });

    // no state message ever carried the spike or the unverified value
    const published = h.ha.on(STATE, t0).map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    expect(published.map((s) => s['energy_import_tariff_1'])).not.toContain(999999.999);
    expect(published.map((s) => s['energy_import_tariff_2'])).not.toContain(888.399);
    // the discovery config of the held register was never removed
    expect(h.ha.on(`homeassistant/sensor/smi_${METER}/energy_import_tariff_1/config`, t0).filter((m) => m.payload === '')).toEqual([]);
  });

  it('publishes an M-Bus readout announcing more records (DIF 1F) once the line falls silent', async () => {
    // Kamstrup (SVM) heat meter, libmbus test frame: its last record is DIF 1F, no second telegram follows
    const frame = hexToBytes(readFileSync(join(FIXTURES, 'mbus/Elster-F2.hex'), 'utf8')) as Uint8Array;
    const t0 = Date.now();
    write(h.ptys[1]?.meterSide as string, frame);
    const state = await h.ha.next('smi/00802657/state', t0, () => true, 15000);
    expect(JSON.parse(state.payload)).toMatchObject({ energy: 5272, volume: 1204.27, flow_temperature: 28, return_temperature: 34 });
    // emitted by the idle flush (2 s of silence), not at once
    expect(state.at - t0).toBeGreaterThanOrEqual(1500);
    await waitFor('discovery for the heat meter', () => h.ha.on('homeassistant/sensor/smi_00802657/energy/config', t0)[0], 5000);
  });
});
