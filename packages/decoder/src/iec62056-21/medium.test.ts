import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import type { FrameEvent } from '../common';
import { randomChunks, seededRandom } from '../common/testing';
import { createD0Decoder, type D0DecoderOptions } from './stream-decoder';
import { mediumOfIdentification } from './meter-profiles';
import { parseIdentification } from './identification';
import { asciiBytes } from './text';

const DIR = join(__dirname, '../../fixtures/d0');
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));

function snapshots(bytes: Uint8Array, options: D0DecoderOptions = {}): MeterSnapshot[] {
  const d = createD0Decoder(options);
  return [...d.push(bytes), ...d.flush()].flatMap((e) => (e.ok ? [e.snapshot] : []));
}

const ident = (line: string) => {
  const r = parseIdentification(asciiBytes(`${line}\r\n`));
  if (!r.ok) throw new Error(line);
  return r.value;
};

describe('D0 medium from the identification', () => {
  it('knows the Siemens 2WR5 as a heat meter, and electricity meters as electricity', () => {
    expect(mediumOfIdentification(ident('/SIE32WR5'))).toBe(6);
    expect(mediumOfIdentification(ident('/ISk5MT174-0001'))).toBeUndefined();
    expect(mediumOfIdentification(ident('/EMH5----eHZ-E0018E'))).toBeUndefined();
  });

  it('gives the 2WR5 push telegram heat-meter codes without any option (no electricity names)', () => {
    const [s] = snapshots(read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt'));
    expect(s?.meter).toMatchObject({ id: '00010213', manufacturerId: 'SIE', model: '2WR5', medium: 'heat' });
    const energy = s?.readings.find((r) => r.raw === '0029.055*MWh');
    expect(energy).toMatchObject({ obis: '6-0:6.8.0', key: 'heat_energy', name: 'Heat energy', value: 29055, unit: 'kWh', quantity: 'heat_energy' });
    expect(s?.readings.find((r) => r.raw === '01589.28*m3')).toMatchObject({
      obis: '6-0:6.26.0',
      key: 'heat_volume',
      value: 1589.28,
      unit: 'm³',
      quantity: 'water_volume',
    });
    expect(s?.readings.map((r) => r.name).filter((n) => /reactive|active|voltage|current/i.test(n))).toEqual([]);
    expect(s?.readings.every((r) => r.obis === undefined || r.obis.startsWith('6-'))).toBe(true);
  });

  it('decodes the 2WR5 the same with defaultMedium 6 given explicitly (the option wins over the profile)', () => {
    const bytes = read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt');
    expect(snapshots(bytes)).toEqual(snapshots(bytes, { defaultMedium: 6 }));
    const [forced] = snapshots(bytes, { defaultMedium: 1 });
    expect(forced?.readings.find((r) => r.raw === '0029.055*MWh')?.obis).toBe('1-0:6.8.0');
  });

  it('keeps electricity meters on medium 1 in the same stream', () => {
    const all = snapshots(new Uint8Array([...read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt'), ...read('smartmeter-obis-iskra-mt174.txt')]));
    expect(all.map((s) => s.meter.medium)).toEqual(['heat', 'electricity']);
    expect(all[1]?.readings.find((r) => r.key === 'energy_import_total')).toMatchObject({ obis: '1-0:1.8.0', value: 8048.375 });
  });
});

describe('readouts of several media in one stream', () => {
  it('each medium keeps its own interpreter: alternating readouts decode as each alone', () => {
    const heat = read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt');
    const power = read('smartmeter-obis-iskra-mt174.txt');
    const [heatAlone] = snapshots(heat);
    const [powerAlone] = snapshots(power);
    const all = snapshots(new Uint8Array([...heat, ...power, ...heat, ...power, ...heat]));
    expect(all.map((s) => s.meter.medium)).toEqual(['heat', 'electricity', 'heat', 'electricity', 'heat']);
    for (const [i, s] of all.entries()) expect(s).toEqual(i % 2 === 0 ? heatAlone : powerAlone);
  });
});

describe('D0 decoders share no state', () => {
  it('two decoders of different meters, fed chunk by chunk in turn, decode as if alone', () => {
    const a = read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt');
    const b = read('smartmeter-obis-emh-ehz-d0.txt');
    const alone = (bytes: Uint8Array): string => {
      const d = createD0Decoder();
      return JSON.stringify([...d.push(bytes), ...d.flush()].map((e: FrameEvent) => (e.ok ? e.snapshot : e.error.kind)));
    };
    const expectedA = alone(a);
    const expectedB = alone(b);
    const da = createD0Decoder();
    const db = createD0Decoder({ defaultMedium: 1 });
    const ca = randomChunks(a, seededRandom(1), 9);
    const cb = randomChunks(b, seededRandom(2), 9);
    const ea: FrameEvent[] = [];
    const eb: FrameEvent[] = [];
    for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
      if (i < ca.length) ea.push(...da.push(ca[i] as Uint8Array));
      if (i < cb.length) eb.push(...db.push(cb[i] as Uint8Array));
    }
    ea.push(...da.flush());
    eb.push(...db.flush());
    expect(JSON.stringify(ea.map((e) => (e.ok ? e.snapshot : e.error.kind)))).toBe(expectedA);
    expect(JSON.stringify(eb.map((e) => (e.ok ? e.snapshot : e.error.kind)))).toBe(expectedB);
    expect(ea.filter((e) => e.ok)).toHaveLength(1);
    expect(eb.filter((e) => e.ok)).toHaveLength(2);
  });
});
