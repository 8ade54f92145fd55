import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from './config/load';
import type { MeterConfig } from './config/schema';
import { createMeterDecoder } from './meter-decoder';

const EMH = Buffer.from(readFileSync(join(__dirname, '../../decoder/fixtures/sml/smartmeter-obis-emh-ehz.hex'), 'latin1').replace(/\s+/g, ''), 'hex');

function meter(doc: Record<string, unknown>): MeterConfig {
  const r = validateConfig({ meters: [{ transport: { type: 'tcp', host: 'h', port: 1 }, ...doc }] });
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.config.meters[0] as MeterConfig;
}

/** The EMH file with its file CRC broken (last two bytes) and its message CRCs intact. */
function badFileCrc(): Buffer {
  const b = Buffer.from(EMH);
  b[b.length - 1] = (b[b.length - 1] as number) ^ 0xff;
  return b;
}

describe('meter decoders from configuration', () => {
  it('rejects an SML file with a broken file CRC unless the meter allows it', () => {
    const strict = createMeterDecoder(meter({ protocol: 'sml' }));
    if (!strict.ok) throw new Error(strict.error);
    expect(strict.value.push(badFileCrc())).toMatchObject([{ ok: false, error: { kind: 'bad-crc' } }]);

    const lenient = createMeterDecoder(meter({ protocol: 'sml', sml: { acceptBadFileCrc: true } }));
    if (!lenient.ok) throw new Error(lenient.error);
    const events = lenient.value.push(badFileCrc());
    expect(events).toMatchObject([
      { ok: true, snapshot: { readings: expect.arrayContaining([expect.objectContaining({ obis: '1-0:1.8.1', value: 15338.5557 })]) } },
    ]);
  });

  it('passes the configured model through to the snapshot', () => {
    const d = createMeterDecoder(meter({ protocol: 'sml', sml: { model: 'eHZ-IW8E2A', quirks: { powerSignFix: 'none' } } }));
    if (!d.ok) throw new Error(d.error);
    const [ev] = d.value.push(EMH);
    expect(ev?.ok && ev.snapshot.meter.model).toBe('eHZ-IW8E2A');
  });

  it('hands the SML profiles of meters[].profiles to the decoder', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'smi-profiles-')), 'emh.json');
    writeFileSync(
      file,
      JSON.stringify({ id: 'emh-ehz', protocol: 'sml', match: { manufacturerId: 'EMH' }, meter: { model: 'eHZ' }, provenance: ['test'], sml: { quirks: {} } }),
    );
    const d = createMeterDecoder(meter({ protocol: 'sml', profiles: [file] }));
    if (!d.ok) throw new Error(d.error);
    expect(d.value.push(EMH)).toMatchObject([{ ok: true, snapshot: { meter: { manufacturerId: 'EMH', model: 'eHZ' } } }]);
  });

  it('hands the D0 profiles of meters[].profiles to the decoder: the value group A of short codes', () => {
    // The Itron EM214 is an electricity meter; a profile that says value group 6 makes the
    // profile's effect visible on the real readout (1.8.1 = 22108.7 kWh becomes 6-0:1.8.1).
    const file = join(mkdtempSync(join(tmpdir(), 'smi-profiles-')), 'em214.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'em214-as-a',
        protocol: 'iec62056-21',
        match: { manufacturerId: 'ITR', identification: '^EM214$' },
        provenance: ['test'],
        d0: { valueGroupA: 6 },
      }),
    );
    const capture = join(__dirname, '../../decoder/fixtures/d0/smartmeter-obis-itron-em214.txt');
    const readings = (profiles: string[]): unknown => {
      const d = createMeterDecoder(meter({ protocol: 'iec62056-21', profiles, transport: { type: 'file', path: capture } }));
      if (!d.ok) throw new Error(d.error);
      const events = [...d.value.push(new Uint8Array(readFileSync(capture))), ...(d.value.flush?.() ?? [])];
      return events.flatMap((e) => (e.ok ? e.snapshot.readings.filter((r) => r.raw === '022108.7*kWh').map((r) => [r.obis, r.value]) : []));
    };
    expect(readings([])).toEqual([['1-0:1.8.1', 22108.7]]);
    expect(readings([file])).toEqual([['6-0:1.8.1', 22108.7]]);
  });

  it('refuses SML settings on a meter of another protocol', () => {
    expect(createMeterDecoder(meter({ protocol: 'dsmr', sml: { model: 'x' } }))).toMatchObject({ ok: false });
  });
});
