import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameEvent } from '../common';
import { randomChunks, seededRandom } from '../common/testing';
import { buildDataMessage } from './data-message';
import { createD0Decoder } from './stream-decoder';
import { D0ReadoutFramer } from './readout-framer';
import { asciiBytes } from './text';

const DIR = join(__dirname, '../../fixtures/d0');
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));

function noise(seed: number, size: number, mask: number): Uint8Array {
  const random = seededRandom(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(random() * 256) & mask;
  return out;
}

function decode(bytes: Uint8Array, chunk = 4096): FrameEvent[] {
  const d = createD0Decoder();
  const out: FrameEvent[] = [];
  for (const c of randomChunks(bytes, seededRandom(3), chunk)) out.push(...d.push(c));
  out.push(...d.flush());
  return out;
}

const MB5 = 5 * 1024 * 1024;

describe('D0: noise never becomes a meter', () => {
  it.each([
    ['8-bit', 0xff],
    ['7-bit (a 7E1 line)', 0x7f],
  ])('5 MB of seeded random bytes (%s) give zero frames and only known error kinds', (_name, mask) => {
    const events = decode(noise(20240601, MB5, mask));
    expect(events.filter((e) => e.ok)).toHaveLength(0);
    expect(events.length).toBeGreaterThan(10000);
    const kinds = new Set(events.map((e) => (e.ok ? 'ok' : e.error.kind)));
    for (const k of kinds) expect(['bad-crc', 'bad-format', 'truncated', 'too-long']).toContain(k);
  });

  it('the readout framer reports no readout from 5 MB of 7-bit noise and stays bounded', () => {
    const f = new D0ReadoutFramer();
    let frames = 0;
    let maxPending = 0;
    for (const c of randomChunks(noise(7, MB5, 0x7f), seededRandom(9), 4096)) {
      for (const e of f.push(c)) if (e.ok) frames++;
      maxPending = Math.max(maxPending, f.pendingBytes);
    }
    for (const e of f.flush()) if (e.ok) frames++;
    expect(frames).toBe(0);
    expect(f.pendingBytes).toBe(0);
    expect(f.discardedBytes).toBeGreaterThan(MB5 / 4);
    expect(maxPending).toBeLessThanOrEqual(256 * 1024 + 4096);
  });

  it('a data message without an identification is rejected (no phantom "unknown" meter)', () => {
    const events = decode(buildDataMessage('1.8.0(001234.567*kWh)\r\n'));
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['bad-format']);
  });

  it('a readout whose identification line was hit by noise is rejected, the next one decodes', () => {
    const mt174 = read('smartmeter-obis-iskra-mt174.txt');
    const hit = mt174.slice();
    hit[3] = 0x13; // a control character inside /ISk5MT174-0001
    const events = decode(new Uint8Array([...hit, ...mt174]));
    expect(events.map((e) => (e.ok ? `ok:${e.snapshot.meter.id}` : e.error.kind))).toEqual(['bad-format', 'ok:63355730']);
  });

  it.each([
    ['a control character in a data line', '1.8.0(0012\x1334.567*kWh)\r\n'],
    ['text without brackets', '1.8.0(001234.567*kWh)\r\nxx#~zz\r\n'],
    ['a bracket left open', '1.8.0(001234.567*kWh\r\n'],
    ['a closing bracket without opening', '1.8.0)001234.567*kWh)\r\n'],
  ])('a push telegram with %s is bad-format', (_name, lines) => {
    const events = decode(asciiBytes(`/EMH5----eHZ-E0018E\r\n\r\n${lines}!\r\n`));
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['bad-format']);
  });
});
