import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameEvent } from '../common';
import { randomChunks, seededRandom } from '../common/testing';
import { buildDataMessage } from './data-message';
import { createD0Decoder, type D0DecoderOptions } from './stream-decoder';
import { D0Framer, type D0FramerEvent } from './framer';
import { asciiBytes } from './text';

const DIR = join(__dirname, '../../fixtures/d0');
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? asciiBytes(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function decode(bytes: Uint8Array, options: D0DecoderOptions = {}, chunks: readonly Uint8Array[] = [bytes]): FrameEvent[] {
  const d = createD0Decoder(options);
  const out: FrameEvent[] = [];
  for (const c of chunks) out.push(...d.push(c));
  out.push(...d.flush());
  return out;
}

const outcome = (events: readonly FrameEvent[]): string[] => events.map((e) => (e.ok ? `ok:${e.snapshot.meter.id}` : e.error.kind));
const types = (events: readonly D0FramerEvent[]): string[] => events.map((e) => (e.type === 'error' ? `error:${e.error.kind}` : e.type));

const MT174 = read('smartmeter-obis-iskra-mt174.txt');
const EHZ = read('smartmeter-obis-emh-ehz-d0.txt');
const EHZ_ONE = EHZ.subarray(0, EHZ.indexOf(0x21) + 3);
const ITRON = read('smartmeter-obis-itron-em214.txt');
const WR5 = read('smartmeter-obis-siemens-2wr5-modeD-noSTX.txt');
const ident = '/ISk5MT174-0001\r\n';
const block = '1.8.0(001234.567*kWh)\r\n0.0.0(12345678)\r\n';

describe('D0 resynchronisation: a readout cut short does not swallow the next one', () => {
  it.each([
    ['STX readout cut mid-value', MT174.subarray(0, 700)],
    ['STX readout cut right after ETX (no BCC)', MT174.subarray(0, MT174.length - 1)],
    ['push telegram cut mid-value', EHZ_ONE.subarray(0, 60)],
    ['push telegram cut inside its identification', EHZ_ONE.subarray(0, 8)],
    ['push telegram cut at a line end', EHZ_ONE.subarray(0, EHZ_ONE.indexOf(0x0a, 40) + 1)],
  ])('%s, then the MT174 readout', (_name, cut) => {
    const bytes = concat(cut, MT174);
    const expected = ['truncated', 'ok:63355730'];
    expect(outcome(decode(bytes))).toEqual(expected);
    expect(outcome(decode(bytes, {}, randomChunks(bytes, seededRandom(11), 7)))).toEqual(expected);
  });

  it('a cut STX readout followed by a 2WR5 push telegram and an eHZ telegram', () => {
    expect(outcome(decode(concat(MT174.subarray(0, 3000), WR5, EHZ_ONE)))).toEqual(['truncated', 'ok:00010213', 'ok:0000680476']);
  });

  it('a new STX inside an STX block starts a new block (framer)', () => {
    const f = new D0Framer();
    const ev = [...f.pushEvents(concat(ident, '\x021.8.0(0012', buildDataMessage(block))), ...f.flushEvents()];
    expect(types(ev)).toEqual(['identification', 'error:truncated', 'data']);
  });

  it('a start marker where the BCC should be ends the block as truncated and is read again (framer)', () => {
    const good = buildDataMessage(block);
    const ev = new D0Framer().pushEvents(concat(ident, good.subarray(0, good.length - 1), ident, good));
    expect(types(ev)).toEqual(['identification', 'error:truncated', 'identification', 'data']);
  });

  it('a / inside a value is no restart', () => {
    const bytes = concat(ident, buildDataMessage('0.9.2(17/03/18)\r\n1.8.0(1*kWh)\r\n'));
    const [e] = decode(bytes, { pushWithoutIdentification: false });
    expect(e?.ok && e.snapshot.readings.map((r) => r.raw)).toEqual(['17/03/18', '1*kWh']);
  });

  it('loses no intact readout in a stream of cut readouts and line noise', () => {
    const random = seededRandom(62056);
    const goods = [MT174, EHZ_ONE, ITRON, WR5];
    const ids = ['63355730', '0000680476', '53965555', '00010213'];
    const parts: Uint8Array[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      const k = Math.floor(random() * goods.length);
      const g = goods[k] as Uint8Array;
      const r = random();
      if (r < 0.3) {
        // cut short: at least the identification's first byte, never the whole readout
        parts.push(g.subarray(0, 1 + Math.floor(random() * (g.length - 3))));
      } else if (r < 0.45) {
        const noise = new Uint8Array(1 + Math.floor(random() * 40));
        for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(random() * 256);
        parts.push(noise);
      } else {
        parts.push(g);
        expected.push(`ok:${ids[k] as string}`);
      }
    }
    const bytes = concat(...parts);
    for (const seed of [1, 2]) {
      const got = outcome(decode(bytes, {}, randomChunks(bytes, seededRandom(seed), 97))).filter((o) => o.startsWith('ok:'));
      expect(got).toEqual(expected);
    }
    expect(expected.length).toBeGreaterThan(150);
  });
});

describe('D0 well-formedness found by the fuzzer (npm run fuzz)', () => {
  it('does not take garbage ending in "/ntN" as the manufacturer of the sign-on right after it (seed 2887463175)', () => {
    const events = decode(concat('\x02/ntN', MT174));
    const s = events.find((e) => e.ok);
    expect(outcome(events).filter((o) => o.startsWith('ok'))).toEqual([
      'ok:' + (decode(MT174).find((e) => e.ok) as { snapshot: { meter: { id: string } } }).snapshot.meter.id,
    ]);
    expect(s?.ok && s.snapshot.meter).toMatchObject({ manufacturerId: 'ISk', model: 'MT174-0001' });
  });

  it('rejects a data line with ")" before any "(" (a cut line whose BCC still matches)', () => {
    const events = decode(asciiBytes('/EMH5----eHZ-E0018E\r\n1.8.0(001234.5*kWh)\r\n0*m)6.6(0017.2*kW)\r\n!\r\n'));
    expect(outcome(events)).toEqual(['bad-format']);
  });
});
