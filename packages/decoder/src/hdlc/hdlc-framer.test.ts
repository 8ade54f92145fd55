import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { buildHdlcFrame } from './hdlc-frame';
import { createHdlcFramer, type HdlcPushResult } from './hdlc-framer';

const dir = join(__dirname, '../../fixtures/dlms-hdlc-cii');
const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
const load = (f: string): Uint8Array => hexBytes(readFileSync(join(dir, f), 'utf8'));

function feed(bytes: Uint8Array, seed: number): { frames: HdlcPushResult['frames']; discarded: number; errors: HdlcPushResult['errors'] } {
  const framer = createHdlcFramer();
  const out = { frames: [] as HdlcPushResult['frames'], discarded: 0, errors: [] as HdlcPushResult['errors'] };
  for (const chunk of randomChunks(bytes, seededRandom(seed), 40)) {
    const r = framer.push(chunk);
    out.frames.push(...r.frames);
    out.errors.push(...r.errors);
    out.discarded += r.discarded;
  }
  return out;
}

describe('createHdlcFramer', () => {
  const expectedFrames: Record<string, number> = {
    'scs-iskra_am550-unencrypted-valid-data.hex': 5, 'scs-iskra_am550-unencrypted-valid-data-cfg2026.hex': 3,
    'scs-lg_e360-unencrypted-valid-data-cfg2026.hex': 1, 'scs-lg_e450-unencrypted-valid-data.hex': 6,
    'scs-lg_e570-encrypted-valid-data.hex': 5, 'scs-lg_e450-unencrypted-invalid-data.hex': 5,
  };
  it.each(files)('finds every frame of %s, whole and at random chunk boundaries', (file) => {
    const bytes = load(file);
    const whole = feed(bytes, 0);
    expect(whole.errors).toEqual([]);
    expect(whole.discarded).toBe(0);
    if (expectedFrames[file] !== undefined) expect(whole.frames).toHaveLength(expectedFrames[file] as number);
    for (let seed = 1; seed <= 20; seed++) {
      const split = feed(bytes, seed);
      expect(split.frames.map((f) => Array.from(f.information))).toEqual(whole.frames.map((f) => Array.from(f.information)));
      expect(split.errors).toEqual([]);
    }
  });

  it('skips garbage between frames, counts it, and accepts a shared flag', () => {
    const a = buildHdlcFrame(Uint8Array.from([1, 2, 3]));
    const b = buildHdlcFrame(Uint8Array.from([4, 5, 6]));
    const stream = Uint8Array.from([0x00, 0x7e, 0xa9, 0x13, ...a, 0xff, 0xfe, ...b.subarray(0, b.length - 1), ...a]);
    // b's closing flag is a's opening flag (shared flag)
    const r = feed(stream, 7);
    expect(r.frames.map((f) => Array.from(f.information))).toEqual([[1, 2, 3], [4, 5, 6], [1, 2, 3]]);
    expect(r.discarded).toBe(1 + 2 + 2); // 00, A9 13 (a false start after its flag), FF FE
  });

  it('reports a corrupted frame as bad-crc and resynchronises on the next one', () => {
    const bad = buildHdlcFrame(Uint8Array.from([9, 9, 9, 9]));
    bad[10] = (bad[10] as number) ^ 0xff;
    const good = buildHdlcFrame(Uint8Array.from([1]));
    const r = feed(Uint8Array.from([...bad, ...good]), 3);
    expect(r.errors.map((e) => e.kind)).toEqual(['bad-crc']);
    expect(r.frames.map((f) => Array.from(f.information))).toEqual([[1]]);
  });

  it('reports a corrupted HCS as bad-crc when the whole frame is buffered, without stalling otherwise', () => {
    const bad = buildHdlcFrame(Uint8Array.from([9, 9, 9, 9]));
    bad[8] = (bad[8] as number) ^ 0x01; // HCS low byte
    const good = buildHdlcFrame(Uint8Array.from([1]));
    const whole = createHdlcFramer().push(Uint8Array.from([...bad, ...good]));
    expect(whole.errors.map((e) => e.kind)).toEqual(['bad-crc']);
    expect(whole.frames.map((f) => Array.from(f.information))).toEqual([[1]]);
    const split = feed(Uint8Array.from([...bad, ...good]), 11); // may be dropped as garbage, the next frame still comes
    expect(split.frames.map((f) => Array.from(f.information))).toEqual([[1]]);
  });

  it('never mutates the pushed chunk', () => {
    const bytes = load('scs-lg_e450-unencrypted-valid-data.hex');
    const copy = bytes.slice();
    createHdlcFramer().push(copy);
    expect(Buffer.compare(copy, bytes)).toBe(0);
  });
});
