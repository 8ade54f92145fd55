import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot, Reading } from '@smi/model';
import { createDecoder } from '../../src';
import { createMbusDecoder } from '../../src/mbus';
import { captureBytes, DEFAULT_FIXTURES, frameSource, MBUS_GEN_FIXTURES, type GeneratedFrame, type GenProtocol } from './index';

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

/** The encrypted DLMS fixtures with a published key (the generator re-encrypts with it). */
const DLMS_KEYS: Readonly<Record<string, string>> = {
  'dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample': '36C66639E48A8CA4D6BC8B282A793BBB',
  'dlms-hdlc-cii/scs-lg_e570-encrypted-valid-data': '101112131415161718191A1B1C1D1E1F',
};

function decodeBinary(protocol: 'mbus' | 'dlms', fixture: string, bytes: Uint8Array): MeterSnapshot[] {
  // Every generated M-Bus frame is its own snapshot, also one announcing more records (DIF 1F).
  const d =
    protocol === 'mbus' ? { ok: true as const, value: createMbusDecoder({ mergeTelegrams: false }) } : createDecoder(protocol, { key: DLMS_KEYS[fixture] });
  if (!d.ok) throw new Error(d.error);
  const events = [...d.value.push(bytes), ...(d.value.flush?.() ?? [])];
  expect(events.filter((e) => !e.ok)).toEqual([]);
  return events.flatMap((e) => (e.ok ? [e.snapshot] : []));
}

/** Expected values the snapshot does not carry (M-Bus `cde` is the reading key). */
function mismatches(gen: readonly GeneratedFrame[], snapshots: readonly MeterSnapshot[]): string[] {
  return gen.flatMap((f, i) =>
    f.expected.flatMap((x) => {
      const s = snapshots[i] as MeterSnapshot;
      const r = readingOf(s, x.cde) ?? s.readings.find((y) => y.key === x.cde);
      const good = typeof r?.value === 'number' && Math.abs(r.value - x.value) <= 1e-9 * Math.max(1, Math.abs(x.value));
      return good ? [] : [`frame ${i} ${x.cde}: ${String(r?.value)} ≠ ${x.value}`];
    }),
  );
}

const BINARY_CASES: Array<['mbus' | 'dlms', string]> = [
  ['mbus', DEFAULT_FIXTURES.mbus],
  ['mbus', 'EFE_Engelmann-Elster-SensoStar-2'],
  ['mbus', 'itron_cf_55'],
  ['dlms', 'dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample'],
  ['dlms', 'dlms-hdlc-cii/scs-lg_e570-encrypted-valid-data'],
];

describe.each(BINARY_CASES)('generated %s frames from %s', (protocol, fixture) => {
  const gen = frames(protocol, fixture);
  const snapshots = decodeBinary(protocol, fixture, captureBytes(frameSource(protocol, fixture, 1, FIXTURES), N));

  it('decodes every frame of the capture, each to the values written into it', () => {
    expect(snapshots).toHaveLength(N);
    expect(gen[0]?.expected.length).toBeGreaterThanOrEqual(3);
    expect(mismatches(gen, snapshots)).toEqual([]);
  });

  it('raises a counter in every frame, changes a rate and never repeats a frame', () => {
    expect(new Set(gen.map((f) => Buffer.from(f.bytes).toString('latin1'))).size).toBe(N);
    const counter = gen.map((f) => f.expected[0]?.value as number);
    expect(counter.slice(1).every((v, i) => v > (counter[i] as number))).toBe(true);
    const rate = gen.map((f) => f.expected[f.expected.length - 1]?.value);
    expect(rate.slice(1).every((v, i) => v !== rate[i])).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = frames(protocol, fixture, 1);
    const other = frames(protocol, fixture, 2);
    expect(Buffer.from(again[N - 1]?.bytes ?? []).equals(Buffer.from(gen[N - 1]?.bytes ?? []))).toBe(true);
    expect(Buffer.from(other[N - 1]?.bytes ?? []).equals(Buffer.from(gen[N - 1]?.bytes ?? []))).toBe(false);
  });
});

describe('DLMS meter time and invocation counter', () => {
  it.each(Object.keys(DLMS_KEYS))('advance one per push of %s and the decoder accepts each push as fresh', (fixture) => {
    const gen = frames('dlms', fixture);
    const snapshots = decodeBinary('dlms', fixture, captureBytes(frameSource('dlms', fixture, 1, FIXTURES), N));
    expect(snapshots.map((s) => s.time?.slice(0, 19))).toEqual(gen.map((f) => f.time));
    const [first, last] = [Date.parse(`${gen[0]?.time ?? ''}Z`), Date.parse(`${gen[N - 1]?.time ?? ''}Z`)];
    expect((last - first) / 1000).toBe(N - 1);
  });
});

describe('M-Bus frames of every fixture with a counter record', () => {
  const names = readdirSync(join(FIXTURES, 'mbus'))
    .filter((f) => f.endsWith('.hex'))
    .map((f) => f.slice(0, -4));
  const usable = names.filter((f) => {
    try {
      return frameSource('mbus', f, 1, FIXTURES).next().expected.length > 0;
    } catch {
      return false; // no counter record to change, or fixed data
    }
  });
  it('is the list the benchmarks play (51 of the 76 libmbus frames)', () => {
    expect(usable).toEqual(MBUS_GEN_FIXTURES);
    expect(usable).toHaveLength(51);
  });
  it.each(usable)('%s: 20 frames decode to the values written into them', (fixture) => {
    const src = frameSource('mbus', fixture, 7, FIXTURES);
    const gen = Array.from({ length: 20 }, () => src.next());
    const snapshots = decodeBinary('mbus', fixture, Buffer.concat(gen.map((f) => f.bytes)));
    expect(snapshots).toHaveLength(20);
    expect(mismatches(gen, snapshots)).toEqual([]);
  });
});
