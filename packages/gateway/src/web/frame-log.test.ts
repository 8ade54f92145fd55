/** The diagnostics frame log: bounded, records what a decoder returns, masks identifiers in captures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import { assetsDir } from '../assets';
import { FrameLog, frameText, identifiersOf, maskIdentifiers } from './frame-log';

const ISKRA = Uint8Array.from(readFileSync(join(assetsDir(), 'simulator', 'dsmr-v5-iskra.txt')));
const asset = (name: string): Uint8Array => Uint8Array.from(readFileSync(join(assetsDir(), 'simulator', name)));
const V3 = readFileSync(join(__dirname, '../../../decoder/fixtures/dsmr/v3-iskra-mt382.txt'), 'latin1');
/** The DSMR 3 telegram (no CRC) with other register values: same layout, other values. */
const v3With = (import1: string, power: string): Uint8Array =>
  Uint8Array.from(
    Buffer.from(V3.replace('1-0:1.8.1(12345.678*kWh)', `1-0:1.8.1(${import1}*kWh)`).replace('1-0:1.7.0(001.19*kW)', `1-0:1.7.0(${power}*kW)`), 'latin1'),
  );

function dsmr(): ReturnType<typeof createDecoder> & { ok: true } {
  const d = createDecoder('dsmr');
  if (!d.ok) throw new Error(d.error);
  return d;
}

describe('FrameLog', () => {
  it('records decoded and refused frames through the wrapped decoder, at most N per meter', () => {
    const log = new FrameLog(3, () => 1_700_000_000_000);
    const decoder = log.wrap('p1', dsmr().value);
    expect(decoder.protocol).toBe('dsmr');
    const broken = ISKRA.slice();
    broken[200] = 0x39; // one digit changed: the CRC no longer matches
    for (const frame of [ISKRA, broken, ISKRA, ISKRA]) decoder.push(frame);
    const recent = log.recent('p1');
    expect(recent.map((f) => (f.snapshot ? 'ok' : f.error?.kind))).toEqual(['bad-crc', 'ok', 'ok']);
    expect(recent[2]?.snapshot?.meter.id).toBe('K8EG004046395507');
    expect(log.identifiersOf('p1')).toEqual([
      'K8EG004046395507',
      '4B384547303034303436333935353037',
      '2222ABCD123456789',
      '3232323241424344313233343536373839',
    ]);
    expect(log.recent('other')).toEqual([]);
  });

  it('gives back every frame and snapshot exactly as recorded while layouts and values change', () => {
    const log = new FrameLog(20, () => 1_700_000_000_000);
    const decoder = log.wrap('p1', dsmr().value);
    const telegrams = [
      v3With('12345.678', '001.19'),
      v3With('12345.679', '001.19'),
      v3With('12345.701', '002.50'),
      ISKRA,
      asset('dsmr-fluvius.txt'),
      v3With('12345.702', '000.07'),
      asset('dsmr-v4-kaifa.txt'),
      asset('dsmr-sagemcom-t210-d-r.txt'),
      ISKRA,
      ISKRA, // the same layout again: its power-failure log entries are new objects in every frame
    ];
    const events = telegrams.flatMap((t) => decoder.push(t));
    expect(events.map((e) => e.ok)).toEqual(telegrams.map(() => true));
    const recent = log.recent('p1');
    expect(recent.map((f) => f.snapshot)).toStrictEqual(events.map((e) => (e.ok ? e.snapshot : undefined)));
    const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
    expect(recent.map((f) => hex(f.bytes))).toEqual(events.map((e) => hex(e.frame)));
    expect(recent.map((f) => f.length)).toEqual(events.map((e) => e.frame?.length));
    expect(recent[3]?.length).toBe(ISKRA.length - 2); // the telegram without the line break after its CRC
    // the values of the changed telegrams, read back from the compact record
    const valueOf = (i: number, key: string): unknown => recent[i]?.snapshot?.readings.find((r) => r.key === key)?.value;
    expect([0, 1, 2, 5].map((i) => valueOf(i, 'energy_import_tariff_1'))).toEqual([12345.678, 12345.679, 12345.701, 12345.702]);
    expect([0, 1, 2, 5].map((i) => valueOf(i, 'power_import'))).toEqual([1190, 1190, 2500, 70]);
    // bytes are copies: changing what the view got changes nothing in the log
    const first = recent[0]?.bytes;
    if (first) first[0] = 0;
    expect(recent[0]?.bytes[0]).toBe(0x2f);
  });

  it('shares FRAMES_IN_ALL among the meters: fewer frames each beyond its share, never fewer than MIN_FRAMES_PER_METER', () => {
    const log = new FrameLog(20, () => 1_700_000_000_000, 40);
    const events = dsmr().value.push(ISKRA);
    const event = events[0];
    if (event === undefined) throw new Error('no event');
    const fill = (meter: string, n: number): void => {
      for (let i = 0; i < n; i++) log.record(meter, event);
    };
    fill('m0', 25);
    expect(log.framesPerMeter).toBe(20);
    expect(log.recent('m0')).toHaveLength(20);
    fill('m1', 25);
    fill('m2', 1);
    fill('m3', 25);
    // 40 frames among 4 meters: 10 each; m0 keeps its 20 until its next frame
    expect(log.framesPerMeter).toBe(10);
    expect(log.recent('m3')).toHaveLength(10);
    expect(log.recent('m0')).toHaveLength(20);
    fill('m0', 1);
    expect(log.recent('m0')).toHaveLength(10);
    expect(log.recent('m0')[9]?.snapshot?.meter.id).toBe('K8EG004046395507');
    for (let k = 4; k < 12; k++) fill(`m${k}`, 8);
    // 40 among 12 would be 3: the floor is 5
    expect(log.framesPerMeter).toBe(5);
    expect(log.recent('m11')).toHaveLength(5);
    expect(new FrameLog(1).framesPerMeter).toBe(1);
    const one = new FrameLog(1);
    one.record('a', event);
    one.record('a', event);
    expect(one.recent('a')).toHaveLength(1);
  });

  it('keeps at most 64 KiB of frames per meter, the newest always', () => {
    const log = new FrameLog();
    const big = { ok: false as const, error: { kind: 'too-long' as const, message: 'long', layer: 'dsmr' }, frame: new Uint8Array(20 * 1024) };
    for (let i = 0; i < 5; i++) log.record('p1', big);
    expect(log.recent('p1').map((f) => f.bytes.length)).toEqual([16384, 16384, 16384, 16384]);
    log.record('p1', { ok: true, snapshot: { protocol: 'dsmr', meter: { id: 'x' }, readings: [] }, frame: ISKRA });
    expect(log.recent('p1').map((f) => f.length)).toEqual([20480, 20480, 20480, ISKRA.length]);
  });

  it('masks the serial numbers wherever they appear (text and hex-encoded text) and keeps the values', () => {
    const [event] = dsmr().value.push(ISKRA);
    if (event?.ok !== true) throw new Error('the Iskra telegram did not decode');
    const ids = identifiersOf(event.snapshot);
    const text = Buffer.from(maskIdentifiers(ISKRA, ids)).toString('latin1');
    expect(text).toContain('0-0:96.1.1(58585858585858585858585858585858)');
    expect(text).toContain('0-1:96.1.0(5858585858585858585858585858585858)');
    expect(text).not.toMatch(/K8EG|4B38454730|2222ABCD/);
    expect(text).toContain('1-0:1.8.1(000004.426*kWh)');
    expect(text.length).toBe(ISKRA.length);
    expect(frameText(Uint8Array.from([0x2f, 0x41, 0x00, 0x0d, 0x0a, 0xff]))).toBe('/A·\n·');
  });
});
