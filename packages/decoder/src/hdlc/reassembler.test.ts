import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectDefined, expectOk, hexBytes } from '../common/testing';
import { buildHdlcFrame, parseHdlcFrame, type HdlcFrame } from './frame';
import { createHdlcReassembler } from './reassembler';
import { hasLlc, stripLlc } from './llc';

const frames = (name: string): HdlcFrame[] =>
  readFileSync(join(__dirname, '../../fixtures/dlms-hdlc-cii', name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const f = parseHdlcFrame(hexBytes(l));
      if (!f.ok) throw new Error(f.error.message);
      return f.value;
    });

describe('createHdlcReassembler', () => {
  it('joins the 5 Iskra AM550 segments into one LLC + data-notification APDU', () => {
    const re = createHdlcReassembler();
    const segs = frames('scs-iskra_am550-unencrypted-valid-data.hex');
    const results = segs.map((f) => re.push(f));
    expect(results.slice(0, 4).map((r) => r.ok && r.value === undefined)).toEqual([true, true, true, true]);
    const apdu = expectDefined(expectOk(expectDefined(results[4])));
    expect(apdu.length).toBe(segs.reduce((n, f) => n + f.information.length, 0));
    expect(hasLlc(apdu)).toBe(true);
    expect(stripLlc(apdu)[0]).toBe(0x0f);
  });

  it('passes unsegmented frames through', () => {
    const re = createHdlcReassembler();
    const f = parseHdlcFrame(buildHdlcFrame(Uint8Array.from([0xe6, 0xe7, 0x00, 0x0f])));
    if (!f.ok) throw new Error('frame');
    const r = re.push(f.value);
    expect(r.ok && Array.from(r.value ?? [])).toEqual([0xe6, 0xe7, 0x00, 0x0f]);
  });

  it('drops a partial APDU when a segment comes from another address', () => {
    const re = createHdlcReassembler();
    const a = parseHdlcFrame(buildHdlcFrame(Uint8Array.from([1]), { segmented: true, destination: [0x41] }));
    const b = parseHdlcFrame(buildHdlcFrame(Uint8Array.from([2]), { destination: [0x43] }));
    if (!a.ok || !b.ok) throw new Error('frame');
    re.push(a.value);
    const r = re.push(b.value);
    expect(r.ok ? 'ok' : r.error.kind).toBe('bad-format');
  });
});
