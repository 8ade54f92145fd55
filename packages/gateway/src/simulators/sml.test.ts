import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSmlDecoder, hexToBytes, type FrameEvent } from '@smi/decoder';
import { corruptSmlFile, smlSimulator, splitSmlFiles } from './sml';

const FIXTURES = join(__dirname, '../../../decoder/fixtures/sml');
const hex = (f: string): Uint8Array => hexToBytes(readFileSync(join(FIXTURES, f), 'latin1')) as Uint8Array;
const kinds = (events: readonly FrameEvent[]): string[] => events.map((e) => (e.ok ? 'ok' : e.error.kind));

describe('sml simulator', () => {
  it('splits captures into SML files at each start sequence', () => {
    const emh = hex('smartmeter-obis-emh-ehz.hex');
    expect(splitSmlFiles(emh)).toEqual([emh]);
    // the DNT dump: two complete files of 324 bytes and one cut off after 88
    expect(splitSmlFiles(hex('smartmeter-obis-ttyUSB0-2-dump.hex')).map((f) => f.length)).toEqual([324, 324, 88]);
    expect(splitSmlFiles(new Uint8Array(0))).toEqual([]);
  });

  it('pushes the real EMH file (9600 8N1) and the decoder reads 15338.5557 kWh from it', () => {
    const sim = smlSimulator({ settings: {} });
    expect(sim.line).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    const file = sim.push?.() as Uint8Array;
    expect(Buffer.from(file).equals(Buffer.from(hex('smartmeter-obis-emh-ehz.hex')))).toBe(true);
    const events = createSmlDecoder().push(file);
    const s = events[0]?.ok ? events[0].snapshot : undefined;
    expect(s?.meter.id).toBe('0901454D48000041F045');
    expect(s?.readings.find((r) => r.obis === '1-0:1.8.1')).toMatchObject({ value: 15338.5557, unit: 'kWh' });
  });

  it('corrupt=N flips a byte in every Nth file; the decoder rejects it as bad-crc', () => {
    const sim = smlSimulator({ settings: { corrupt: '3' } });
    const decoder = createSmlDecoder();
    const events = Array.from({ length: 6 }, () => decoder.push(sim.push?.() as Uint8Array)).flat();
    expect(kinds(events)).toEqual(['ok', 'ok', 'bad-crc', 'ok', 'ok', 'bad-crc']);
    const original = hex('smartmeter-obis-emh-ehz.hex');
    expect(kinds(createSmlDecoder().push(corruptSmlFile(original)))).toEqual(['bad-crc']);
    expect(original).toEqual(hex('smartmeter-obis-emh-ehz.hex')); // the original is not touched
  });

  it('plays other captures from a file (hex text), in turn', () => {
    const sim = smlSimulator({ settings: { file: join(FIXTURES, 'smartmeter-obis-ttyUSB0-2-dump.hex') } });
    const decoder = createSmlDecoder();
    const events = [0, 1, 2].flatMap(() => decoder.push(sim.push?.() as Uint8Array));
    expect(events.filter((e) => e.ok).map((e) => (e.ok ? e.snapshot.meter.id : ''))).toEqual(['0901444E540100002030', '0901444E540100002030']);
  });

  it.each([[{ corrupt: '-1' }], [{ baudRate: 'x' }], [{ recording: 'nope' }]])('refuses bad settings %j', (settings) => {
    expect(() => smlSimulator({ settings })).toThrow();
  });
});
