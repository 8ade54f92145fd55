import { readFileSync } from 'node:fs';
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
    const [ev] = lenient.value.push(badFileCrc());
    expect(ev?.ok).toBe(true);
    if (ev?.ok) expect(ev.snapshot.readings.find((r) => r.obis === '1-0:1.8.1')?.value).toBe(15338.5557);
  });

  it('passes the configured model through to the snapshot', () => {
    const d = createMeterDecoder(meter({ protocol: 'sml', sml: { model: 'eHZ-IW8E2A', quirks: { powerSignFix: 'none' } } }));
    if (!d.ok) throw new Error(d.error);
    const [ev] = d.value.push(EMH);
    expect(ev?.ok && ev.snapshot.meter.model).toBe('eHZ-IW8E2A');
  });

  it('refuses SML settings on a meter of another protocol', () => {
    expect(createMeterDecoder(meter({ protocol: 'dsmr', sml: { model: 'x' } }))).toMatchObject({ ok: false });
  });
});
