import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameSource, MBUS_GEN_FIXTURES } from '../../bench/gen';
import { hexToBytes } from '../common';
import { createMbusDecoder, createMbusFrameDecoder, decodeMbusFrame, parseMbusFrame, parseMbusFrameView } from './index';

const FIXTURES = join(__dirname, '../../fixtures');
const names = readdirSync(join(FIXTURES, 'mbus'))
  .filter((f) => f.endsWith('.hex'))
  .sort();
const frames = names.map((f) => hexToBytes(readFileSync(join(FIXTURES, 'mbus', f), 'utf8')) as Uint8Array);

/** JSON with the field order: the memos must build the very same objects. */
const text = (v: unknown): string => JSON.stringify(v);

describe('M-Bus decoder memos (record shapes, reading templates, meter info)', () => {
  it('give every fixture the snapshot decodeMbusFrame gives, the first time and again', () => {
    const decode = createMbusFrameDecoder();
    const differ = frames.filter((f) => {
      const plain = text(decodeMbusFrame(f));
      return text(decode(f)) !== plain || text(decode(f)) !== plain;
    });
    expect(differ).toEqual([]);
    expect(frames).toHaveLength(76);
  });

  it('give changed values, not the remembered ones: 40 generated frames of every generator meter', () => {
    const differ = MBUS_GEN_FIXTURES.filter((fixture) => {
      const decode = createMbusFrameDecoder({ idWithManufacturer: true });
      const src = frameSource('mbus', fixture, 3, FIXTURES);
      return Array.from({ length: 40 }, () => src.next().bytes).some((f) => text(decode(f)) !== text(decodeMbusFrame(f, { idWithManufacturer: true })));
    });
    expect(differ).toEqual([]);
  });

  it('keep a value that changes back and forth and a record whose bytes return', () => {
    const src = frameSource('mbus', 'kamstrup_multical_601', 5, FIXTURES);
    const [ga, gb] = [src.next(), src.next()];
    const [a, b] = [ga.bytes, gb.bytes];
    const counter = ga.expected[0]?.cde ?? '';
    const decode = createMbusFrameDecoder();
    const seq = [a, b, a, a, b, b, a].map((f) => decode(f));
    expect(seq.map(text)).toEqual([a, b, a, a, b, b, a].map((f) => text(decodeMbusFrame(f))));
    const energy = seq.map((r) => (r.ok ? r.value.readings.find((x) => x.key === counter)?.value : undefined));
    expect([energy[0], energy[1]]).toEqual([ga.expected[0]?.value, gb.expected[0]?.value]);
    expect(energy[0]).not.toBe(energy[1]);
    expect(energy).toEqual([energy[0], energy[1], energy[0], energy[0], energy[1], energy[1], energy[0]]);
  });

  it('make the stream decoder emit what decodeMbusFrame gives, over all fixtures in one stream', () => {
    const d = createMbusDecoder({ mergeTelegrams: false });
    const events = [...d.push(Buffer.concat(frames)), ...d.push(Buffer.concat(frames)), ...d.flush()];
    const expected = [...frames, ...frames].map((f) => decodeMbusFrame(f)).filter((r) => r.ok);
    expect(events.map((e) => (e.ok ? text(e.snapshot) : e.error.kind))).toEqual(expected.map((r) => (r.ok ? text(r.value) : '')));
  });

  it('parseMbusFrameView reads what parseMbusFrame reads, as views of the input', () => {
    expect(frames.map((f) => text(parseMbusFrameView(f)))).toEqual(frames.map((f) => text(parseMbusFrame(f))));
    const f = frames[0] as Uint8Array;
    const view = parseMbusFrameView(f);
    const copy = parseMbusFrame(f);
    expect([view.ok && view.value.bytes.buffer === f.buffer, copy.ok && copy.value.bytes.buffer === f.buffer]).toEqual([true, false]);
  });
});
