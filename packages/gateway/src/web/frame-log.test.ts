/** The diagnostics frame log: bounded, records what a decoder returns, masks identifiers in captures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import { assetsDir } from '../assets';
import { FrameLog, frameText, identifiersOf, maskIdentifiers } from './frame-log';

const ISKRA = Uint8Array.from(readFileSync(join(assetsDir(), 'simulator', 'dsmr-v5-iskra.txt')));

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
