import { join } from 'node:path';
import { frameSource } from '../../bench/gen';
import { hexToBytes } from '../common';
import { AxdrReader, createAxdrListMemo, type AxdrListMemo } from './axdr';
import { createReadingCache } from './reading-cache';
import { createDlmsDecoder } from './stream-decoder';

const FIXTURES = join(__dirname, '../../fixtures');
const METERS: Array<[string, string]> = [
  ['dlms-hdlc-cii/scs-lg_e570-encrypted-valid-data', '101112131415161718191A1B1C1D1E1F'],
  ['dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample', '36C66639E48A8CA4D6BC8B282A793BBB'],
];

/** JSON with the field order: the memos must build the very same objects. */
const text = (v: unknown): string => JSON.stringify(v);

describe.each(METERS)('DLMS decoder memos on distinct pushes of %s', (fixture, hex) => {
  const key = hexToBytes(hex) as Uint8Array;
  const src = frameSource('dlms', fixture, 4, FIXTURES);
  const pushes = Array.from({ length: 30 }, () => src.next());

  it('give every push the snapshot a fresh decoder gives (changed values, not remembered ones)', () => {
    const d = createDlmsDecoder({ key });
    const kept = pushes.map((p) => d.push(p.bytes).map((e) => (e.ok ? text(e.snapshot) : e.error.kind)));
    const fresh = pushes.map((p) =>
      createDlmsDecoder({ key })
        .push(p.bytes)
        .map((e) => (e.ok ? text(e.snapshot) : e.error.kind)),
    );
    expect(kept).toEqual(fresh);
    expect(new Set(kept.map((k) => k[0])).size).toBe(pushes.length);
  });

  it('reads the values written into each push, with a value going back to an earlier one', () => {
    const d = createDlmsDecoder({ key, counters: { isFresh: () => true, accept: () => undefined, last: () => undefined, reset: () => undefined } });
    const order = [0, 1, 0, 0, 2, 1];
    const energies = order.map((k) => {
      const [e] = d.push((pushes[k] as (typeof pushes)[number]).bytes);
      const cde = pushes[k]?.expected[0]?.cde ?? '';
      return e?.ok ? e.snapshot.readings.find((r) => r.obis?.endsWith(`:${cde}`))?.value : undefined;
    });
    const expected = order.map((k) => pushes[k]?.expected[0]?.value as number);
    expect(energies.map((v, i) => Math.abs((v as number) - (expected[i] as number)) < 1e-9)).toEqual(order.map(() => true));
    expect(energies[0]).not.toBe(energies[1]);
  });
});

describe('A-XDR list memo', () => {
  // structure { array of 2 × { long-unsigned, OBIS octet string, integer, long-unsigned }, unsigned }
  const def = (c: number): number[] => [0x02, 0x04, 0x12, 0x00, 0x03, 0x09, 0x06, 1, 0, c, 7, 0, 0xff, 0x0f, 0x02, 0x12, 0x00, 0x00];
  const body = (c: number, v: number): Uint8Array => Uint8Array.from([0x02, 0x02, 0x01, 0x02, ...def(1), ...def(c), 0x11, v]);
  const parse = (b: Uint8Array, memo: AxdrListMemo): unknown => new AxdrReader(b, 0, b.length, false, memo).data();

  it('reuses an element sent again and parses a changed one anew', () => {
    const memo = createAxdrListMemo();
    const first = parse(body(2, 5), memo);
    expect(memo.lists[0]?.bytes.length).toBe(38);
    const same = parse(body(2, 6), memo);
    const changed = parse(body(4, 6), memo);
    expect([same, changed, parse(body(2, 5), memo)]).toEqual([new AxdrReader(body(2, 6)).data(), new AxdrReader(body(4, 6)).data(), first]);
    expect(JSON.stringify(changed)).not.toBe(JSON.stringify(same));
  });
});

describe('the reading cache of one meter', () => {
  it('gives a system title that changed its own hex and FLAG id, and the same one back for the same bytes', () => {
    const cache = createReadingCache();
    const lgz = cache.systemTitle(hexToBytes('4C475A6774206295') as Uint8Array);
    expect(lgz).toEqual({ hex: '4C475A6774206295', flag: 'LGZ' });
    expect(cache.systemTitle(hexToBytes('4C475A6774206295') as Uint8Array)).toBe(lgz);
    // one byte differs: another meter behind the same decoder (or a replaced one)
    expect(cache.systemTitle(hexToBytes('4C475A6774206296') as Uint8Array)).toEqual({ hex: '4C475A6774206296', flag: 'LGZ' });
    expect(cache.systemTitle(hexToBytes('4B464D1020000001') as Uint8Array)).toEqual({ hex: '4B464D1020000001', flag: 'KFM' });
  });
});
