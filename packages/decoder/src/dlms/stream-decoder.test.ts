import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameEvent } from '../common';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { buildHdlcFrame } from '../hdlc';
import { createDlmsDecoder } from './stream-decoder';
import { createGbtAssembler, parseGbtBlock } from './gbt';

const han = (f: string): Uint8Array => hexBytes(readFileSync(join(__dirname, '../../fixtures/dlms-hdlc-han', `${f}.hex`), 'utf8'));
const kinds = (events: FrameEvent[]): string[] => events.map((e) => (e.ok ? 'ok' : e.error.kind));

/** Wraps an information field into HDLC frames of at most `size` bytes (S bit on all but the last). */
function segmented(info: Uint8Array, size: number): Uint8Array {
  const frames: number[] = [];
  for (let i = 0; i < info.length; i += size) {
    const part = info.subarray(i, i + size);
    frames.push(...buildHdlcFrame(part, { destination: [0x41], source: [0x08, 0x83], segmented: i + size < info.length }));
  }
  return Uint8Array.from(frames);
}

describe('createDlmsDecoder over HDLC', () => {
  const list2 = han('amshan-kaifa-no-list-2');
  const list1 = han('amshan-kaifa-no-list-1');

  it('joins segmented frames split at random chunk boundaries', () => {
    const stream = segmented(list2, 40);
    const whole = createDlmsDecoder().push(stream);
    expect(kinds(whole)).toEqual(['ok']);
    for (let seed = 1; seed <= 25; seed++) {
      const d = createDlmsDecoder();
      const events = randomChunks(stream, seededRandom(seed), 37).flatMap((c) => d.push(c));
      expect(events).toEqual(whole);
    }
  });

  it('keeps the meter identity of list 2 for a following list 1 without id (same stream)', () => {
    const d = createDlmsDecoder();
    const events = d.push(Uint8Array.from([...buildHdlcFrame(list2), ...buildHdlcFrame(list1)]));
    const ids = events.map((e) => (e.ok ? [e.snapshot.meter.id, e.snapshot.meter.model] : []));
    expect(ids).toEqual([
      ['6970631402614476', 'MA304H3E'],
      ['6970631402614476', 'MA304H3E'],
    ]);
  });

  it('keeps the frame of an event intact when later pushes reuse the framer buffer', () => {
    const d = createDlmsDecoder();
    d.push(buildHdlcFrame(list1)); // the carrier is known: the HDLC framer takes over
    const first = d.push(buildHdlcFrame(list2))[0]; // one unsegmented frame: its APDU is copied once
    // frame by frame, until the framer's buffer is compacted over the bytes of the first frame
    const again = [1, 2, 3, 4].flatMap(() => d.push(buildHdlcFrame(list1)));
    expect(kinds(again)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(first?.frame && Buffer.from(first.frame).toString('hex')).toBe(Buffer.from(list2.subarray(3)).toString('hex')); // without the LLC
  });

  it('counts garbage between frames but not flags', () => {
    const d = createDlmsDecoder();
    const events = d.push(Uint8Array.from([0x01, 0x02, 0x7e, 0x7e, ...buildHdlcFrame(list1), 0x7e, 0x03, 0x04]));
    expect(kinds(events)).toEqual(['ok']);
    expect(d.discardedBytes).toBe(4); // 01 02 and 03 04; the flags are not counted
  });

  it('reports a payload that is not DLMS as an error event and goes on', () => {
    const d = createDlmsDecoder();
    const events = d.push(Uint8Array.from([...buildHdlcFrame(Uint8Array.from([0xe6, 0xe7, 0x00, 0xc4, 0x01])), ...buildHdlcFrame(list1)]));
    expect(kinds(events)).toEqual(['unsupported', 'ok']);
  });

  it('locks on the first carrier: M-Bus bytes are garbage once HDLC is seen', () => {
    const d = createDlmsDecoder();
    const mbusLike = [0x68, 0x04, 0x04, 0x68, 0x53, 0xff, 0x10, 0x01, 0xb3, 0x16]; // valid long frame, no DLMS payload
    const events = d.push(Uint8Array.from([...buildHdlcFrame(list1), ...mbusLike]));
    expect(kinds(events)).toEqual(['ok']);
    expect(d.discardedBytes).toBe(mbusLike.length);
  });
});

describe('general-block-transfer', () => {
  const block = (n: number, last: boolean, data: number[]): Uint8Array => Uint8Array.from([0xe0, last ? 0xc0 : 0x40, 0, n, 0, 0, data.length, ...data]);
  it('joins blocks, restarts on block 1 and drops the APDU on a gap', () => {
    const g = createGbtAssembler();
    const push = (b: Uint8Array) => {
      const p = parseGbtBlock(b);
      if (!p.ok) return p.error.kind;
      const r = g.push(p.value);
      return r.ok ? (r.value ? Array.from(r.value) : 'more') : r.error.kind;
    };
    expect(push(block(1, false, [1]))).toBe('more');
    expect(push(block(1, false, [9]))).toBe('more'); // restart
    expect(push(block(2, true, [2]))).toEqual([9, 2]);
    expect(push(block(1, false, [1]))).toBe('more');
    expect(push(block(3, true, [3]))).toBe('bad-format');
    expect(push(block(2, true, [3]))).toBe('bad-format'); // nothing in progress
    expect(push(Uint8Array.from([0xe0, 0xc0, 0, 1, 0, 0, 5, 1]))).toBe('bad-length');
  });
});
