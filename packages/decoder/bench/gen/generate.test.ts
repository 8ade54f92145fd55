import { join } from 'node:path';
import type { MeterSnapshot, Reading } from '@smi/model';
import { createDecoder } from '../../src';
import { captureBytes, DEFAULT_FIXTURES, frameSource, type GeneratedFrame, type GenProtocol } from './index';

const FIXTURES = join(__dirname, '../../fixtures');
const N = 200;

function decodeAll(protocol: GenProtocol, bytes: Uint8Array): MeterSnapshot[] {
  const d = createDecoder(protocol === 'd0' ? 'iec62056-21' : protocol, {});
  if (!d.ok) throw new Error(d.error);
  const events = [...d.value.push(bytes), ...(d.value.flush?.() ?? [])];
  expect(events.filter((e) => !e.ok)).toEqual([]);
  return events.flatMap((e) => (e.ok ? [e.snapshot] : []));
}

function readingOf(s: MeterSnapshot, cde: string): Reading | undefined {
  return s.readings.find((r) => r.obis === cde || (r.obis?.endsWith(`:${cde}`) ?? false));
}

function frames(protocol: GenProtocol, fixture: string, seed = 1): GeneratedFrame[] {
  const src = frameSource(protocol, fixture, seed, FIXTURES);
  return Array.from({ length: N }, () => src.next());
}

const CASES: Array<[GenProtocol, string]> = [
  ['dsmr', DEFAULT_FIXTURES.dsmr],
  ['dsmr', 'v5-eon-hungary-sagemcom'],
  ['dsmr', 'fluvius-v171'],
  ['sml', DEFAULT_FIXTURES.sml],
  ['sml', 'smartmeter-obis-emh-ehz'],
  ['d0', DEFAULT_FIXTURES.d0],
  ['d0', 'smartmeter-obis-iskra-mt174'],
];

describe.each(CASES)('generated %s frames from %s', (protocol, fixture) => {
  const gen = frames(protocol, fixture);
  const snapshots = decodeAll(protocol, captureBytes(frameSource(protocol, fixture, 1, FIXTURES), N));

  it('decodes every frame of the capture, each to the values written into it', () => {
    expect(snapshots).toHaveLength(N);
    const mismatches = gen.flatMap((f, i) =>
      f.expected.filter((x) => {
        const r = readingOf(snapshots[i] as MeterSnapshot, x.cde);
        return typeof r?.value !== 'number' || Math.abs(r.value - x.value) > 1e-6 * Math.max(1, Math.abs(x.value));
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it('changes an energy register in every frame and never repeats a frame', () => {
    expect(gen[0]?.expected.length).toBeGreaterThan(0);
    const texts = new Set(gen.map((f) => Buffer.from(f.bytes).toString('latin1')));
    expect(texts.size).toBe(N);
    const energy = (gen[0] as GeneratedFrame).expected.find((x) => x.cde.split('.')[1] === '8')?.cde;
    expect(energy).toMatch(/^[12]\.8\.\d+$/);
    const values = gen.map((f) => f.expected.find((x) => x.cde === energy)?.value);
    expect(values.slice(1).every((v, i) => (v as number) > (values[i] as number))).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = frames(protocol, fixture, 1);
    const other = frames(protocol, fixture, 2);
    expect(Buffer.from(again[N - 1]?.bytes ?? []).equals(Buffer.from(gen[N - 1]?.bytes ?? []))).toBe(true);
    expect(Buffer.from(other[N - 1]?.bytes ?? []).equals(Buffer.from(gen[N - 1]?.bytes ?? []))).toBe(false);
  });
});

describe('meter time', () => {
  it('advances one second per DSMR telegram and is the decoded meter time', () => {
    const gen = frames('dsmr', DEFAULT_FIXTURES.dsmr);
    const snapshots = decodeAll('dsmr', captureBytes(frameSource('dsmr', DEFAULT_FIXTURES.dsmr, 1, FIXTURES), N));
    expect(gen[0]?.time).toBe('2017-01-02T19:20:03');
    expect(gen[N - 1]?.time).toBe('2017-01-02T19:23:22');
    expect(snapshots.map((s) => String(s.readings.find((r) => r.key === 'meter_time')?.value).slice(0, 19))).toEqual(gen.map((f) => f.time));
  });
});
