import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import { ERROR_KINDS, hexToBytes } from '../common';
import { seededRandom } from '../common/testing';
import { decodeSmlFile, parseSmlFile } from './stream-decoder';
import { encodeSmlFile, encodeSmlMessage, smlw } from './encode';
import { buildSmlSnapshot } from './snapshot';
import { ENERGY, GOOD, byObis, cat, feed, file, randomCuts, replaced, snapshot, summary, withFileCrc } from './testing';
import { unwrapSmlTransport } from './transport';

const FIXTURES = join(__dirname, '../../fixtures/sml');
const fixture = (name: string): Uint8Array => hexToBytes(readFileSync(join(FIXTURES, `${name}.hex`), 'utf8')) ?? new Uint8Array(0);
const EMH = fixture('smartmeter-obis-emh-ehz');
const DUMP = fixture('smartmeter-obis-ttyUSB0-2-dump');
const OPENEMS = fixture('sml-openems-iskra');
const GO_ISKRA = fixture('sml-go-iskra-pulse');
const HAGER = fixture('sml-openmuc-hager-ehz');

describe('mutated files', () => {
  it('never throw, fail with a known kind, and the fast path agrees with the structured one', () => {
    const next = seededRandom(2024);
    const sources = [EMH, OPENEMS, DUMP.subarray(0, 324), HAGER, GO_ISKRA];
    // Outcomes are collected and compared after the loop, so every assertion always runs.
    const failedKinds: string[] = [];
    const structuredOkWhereFastFailed: boolean[] = [];
    const fastSnapshots: MeterSnapshot[] = [];
    const structuredSnapshots: (MeterSnapshot | string)[] = [];
    for (let i = 0; i < 600; i++) {
      const b = (sources[i % sources.length] as Uint8Array).slice();
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) b[Math.floor(next() * b.length)] = next() < 0.3 ? 0x1b : Math.floor(next() * 256);
      const bytes = next() < 0.5 ? withFileCrc(b) : b;
      const fast = decodeSmlFile(bytes, { acceptBadFileCrc: i % 2 === 0 });
      const f = parseSmlFile(bytes, { acceptBadFileCrc: i % 2 === 0 });
      if (!fast.ok) {
        failedKinds.push(fast.error.kind);
        structuredOkWhereFastFailed.push(f.ok);
        continue;
      }
      fastSnapshots.push(fast.value);
      if (!f.ok) {
        structuredSnapshots.push(`structured path failed (${f.error.kind}) where the fast one did not`);
        continue;
      }
      const { messages, quirks, serverId, model } = f.value;
      structuredSnapshots.push(buildSmlSnapshot(messages, { quirks, ...(serverId !== undefined && { serverId }), ...(model !== undefined && { model }) }));
    }
    expect(ERROR_KINDS).toEqual(expect.arrayContaining(failedKinds));
    expect(structuredOkWhereFastFailed).toEqual(failedKinds.map(() => false));
    expect(fastSnapshots).toEqual(structuredSnapshots);
    // Both outcomes occur, so neither comparison above is empty.
    expect(failedKinds.length).toBeGreaterThan(0);
    expect(fastSnapshots.length).toBeGreaterThan(0);
  });
});

describe('SML broken inputs → error kinds', () => {
  const flipped = (f: Uint8Array, at: number): Uint8Array => {
    const o = f.slice();
    o[at] = (o[at] as number) ^ 0x01;
    return o;
  };
  const cases: [string, Uint8Array, string][] = [
    ['empty input', new Uint8Array(0), 'truncated'],
    ['start sequence only', GOOD.subarray(0, 8), 'truncated'],
    ['no start sequence', cat([0, 0, 0, 0], GOOD.subarray(4)), 'bad-format'],
    ['no end sequence', GOOD.subarray(0, GOOD.length - 8), 'truncated'],
    ['file CRC flipped', flipped(GOOD, GOOD.length - 1), 'bad-crc'],
    ['payload bit flipped', flipped(GOOD, 30), 'bad-crc'],
    ['padding count 5', withFileCrc(replaced(GOOD, [0x1b, 0x1a, GOOD[GOOD.length - 3] as number], [0x1b, 0x1a, 5])), 'bad-format'],
    [
      'message CRC wrong, file CRC right',
      encodeSmlFile([encodeSmlMessage({ transactionId: [1], tag: 0x0201, body: smlw.list(smlw.absent()), corruptCrc: true })]),
      'bad-crc',
    ],
    ['undefined TL type', withFileCrc(replaced(GOOD, [0x62, 0x1e], [0x12, 0x1e])), 'bad-format'],
    ['integer of 9 bytes', withFileCrc(replaced(GOOD, [0x65, 0x00, 0xbc], [0x6a, 0x00, 0xbc])), 'bad-length'],
    ['string running past the payload', withFileCrc(replaced(GOOD, [0x07, 0x01, 0x00, 0x01, 0x08], [0x0f, 0x01, 0x00, 0x01, 0x08])), 'bad-format'],
    ['GetList.Res as a list of 6', withFileCrc(replaced(GOOD, [0x77, 0x01, 0x0b], [0x76, 0x01, 0x0b])), 'bad-format'],
    [
      'SML_Time choice 7',
      encodeSmlFile([
        encodeSmlMessage({
          transactionId: [1],
          tag: 0x0101,
          body: smlw.list(smlw.absent(), smlw.absent(), smlw.octets([7]), smlw.octets([1]), smlw.list(smlw.uint(7), smlw.uint(5, 4)), smlw.absent()),
        }),
      ]),
      'bad-value',
    ],
    [
      'stray escape inside the payload',
      withFileCrc(cat(GOOD.subarray(0, 8), [0x1b, 0x1b, 0x1b, 0x1b, 0x02, 0x02, 0x02, 0x02], GOOD.subarray(8))),
      'bad-format',
    ],
  ];
  it.each(cases)('%s → %s', (_name, bytes, kind) => {
    expect(decodeSmlFile(bytes)).toMatchObject({ ok: false, error: { kind } });
  });

  it('decodes the unbroken file the table starts from', () => {
    expect(byObis(snapshot(GOOD), '1-0:1.8.0')).toMatchObject({ value: 1234.5678, unit: 'kWh' });
  });
});

describe('SML escaping', () => {
  it('decodes a value containing 1B1B1B1B, which the writer doubles on the wire, whole and split', () => {
    const run = [0x1b, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b, 0x1b];
    let escaped: Uint8Array | undefined;
    for (let lead = 0; lead < 4 && escaped === undefined; lead++) {
      const f = file([smlw.entry([1, 0, 0, 0, 9, 255], smlw.octets([...new Array(lead).fill(0x41), ...run]))]);
      const u = unwrapSmlTransport(f);
      if (u.ok && f.length - 16 > u.value.payload.length + u.value.padding) escaped = f; // the payload shrank: an escape was removed
    }
    if (escaped === undefined) throw new Error('no escape produced');
    const s = snapshot(escaped);
    expect(byObis(s, '1-0:0.0.9')?.value).toMatch(/1B1B1B1B1B1B1B1B$/);
    const next = seededRandom(7);
    for (let k = 0; k < 20; k++) expect(summary(feed(cat([0x1b, 0x1b, 0x1b], escaped, escaped), randomCuts(escaped.length * 2, next)))).toEqual([s, s]);
  });
});

describe('SML CRC policy', () => {
  const badFileCrc = (f: Uint8Array): Uint8Array => {
    const o = f.slice();
    o[o.length - 1] = (o[o.length - 1] as number) ^ 0xff;
    return o;
  };

  it('decodes a file with a broken file CRC only when asked, and only with intact message CRCs', () => {
    const f = badFileCrc(GOOD);
    expect(decodeSmlFile(f)).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    const r = decodeSmlFile(f, { acceptBadFileCrc: true });
    expect(r.ok && byObis(r.value, '1-0:1.8.0')?.value).toBe(1234.5678);
    expect(parseSmlFile(f, { acceptBadFileCrc: true })).toMatchObject({ ok: true, value: { fileCrcOk: false } });
  });

  it('keeps checking message CRCs under the opt-in, even when ignoreMessageCrc is configured', () => {
    const f = badFileCrc(encodeSmlFile([encodeSmlMessage({ transactionId: [1], tag: 0x0201, body: smlw.list(smlw.absent()), corruptCrc: true })]));
    expect(decodeSmlFile(f, { acceptBadFileCrc: true })).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    expect(decodeSmlFile(f, { acceptBadFileCrc: true, quirks: { ignoreMessageCrc: true } })).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
  });

  it('accepts wrong message CRCs under an intact file CRC only for a meter with that quirk', () => {
    const wrongMsgCrc = (serverId: readonly number[]): Uint8Array =>
      encodeSmlFile([
        encodeSmlMessage({
          transactionId: [2],
          tag: 0x0701,
          body: smlw.list(smlw.absent(), smlw.octets(serverId), smlw.absent(), smlw.absent(), smlw.list(ENERGY), smlw.absent(), smlw.absent()),
          corruptCrc: true,
        }),
      ]);
    const emh = wrongMsgCrc([0x09, 0x01, 0x45, 0x4d, 0x48, 0x00, 0x00, 0x41, 0xf0, 0x45]);
    const isk = wrongMsgCrc([0x09, 0x01, 0x49, 0x53, 0x4b, 0x00, 0x04, 0x03, 0xdf, 0x63]);
    expect(decodeSmlFile(emh)).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    const profiles = [{ id: 'emh-lax-crc', match: { manufacturer: 'emh' }, quirks: { ignoreMessageCrc: true } }];
    expect(decodeSmlFile(emh, { profiles })).toMatchObject({ ok: true });
    expect(decodeSmlFile(isk, { profiles })).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    expect(decodeSmlFile(isk, { quirks: { ignoreMessageCrc: true } })).toMatchObject({ ok: true });
  });

  it('accepts a CRC that fits in one byte (`62 xx`)', () => {
    // Find a message whose byte-swapped CRC is below 256, then write it as Unsigned8.
    for (let id = 0; id < 5000; id++) {
      const m = encodeSmlMessage({ transactionId: [id >> 8, id & 0xff], tag: 0x0201, body: smlw.list(smlw.absent()) });
      const n = m.length; // … 63 hi lo 00
      if (m[n - 3] !== 0) continue;
      const short = cat(m.subarray(0, n - 4), [0x62, m[n - 2] as number, 0x00]);
      const f = parseSmlFile(encodeSmlFile([short]));
      expect(f.ok && f.value.messages[0]?.crcOk).toBe(true);
      return;
    }
    throw new Error('no short CRC found');
  });
});
