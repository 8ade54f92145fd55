import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import { hexToBytes } from '../common';
import { expectOk, seededRandom } from '../common/testing';
import { createSmlDecoder, decodeSmlFile, parseSmlFile } from './stream-decoder';
import { SmlReader, readBigEndian } from './tl';
import { readMessage } from './messages';
import { buildSmlSnapshot } from './snapshot';
import { GOOD, byObis, cat, feed, randomCuts, snapshot, summary } from './testing';
import { unwrapSmlTransport } from './transport';

const FIXTURES = join(__dirname, '../../fixtures/sml');
const fixture = (name: string): Uint8Array => hexToBytes(readFileSync(join(FIXTURES, `${name}.hex`), 'utf8')) ?? new Uint8Array(0);
const expected = (name: string): Record<string, { value: unknown; unit: string | null }> =>
  (JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { expected: Record<string, { value: unknown; unit: string | null }> }).expected;

const EMH = fixture('smartmeter-obis-emh-ehz');
const DUMP = fixture('smartmeter-obis-ttyUSB0-2-dump');
const OPENEMS = fixture('sml-openems-iskra');
const GO_ISKRA = fixture('sml-go-iskra-pulse');
const HAGER = fixture('sml-openmuc-hager-ehz');

/**
 * An independent hand walk of one SML_ListEntry, single-byte TLs only: finds `77 07 <objName>`,
 * skips status and valTime, reads unit, scaler and the integer value. Used to check the decoder's
 * numbers against the bytes for fixtures whose sources assert no values.
 */
function handWalk(bytes: Uint8Array, objName: readonly number[]): { status?: number; unit: number; scaler: number; raw: number | bigint } {
  let p = -1;
  for (let i = 0; i + 8 <= bytes.length && p < 0; i++) {
    if (bytes[i] === 0x77 && bytes[i + 1] === 0x07 && objName.every((b, k) => bytes[i + 2 + k] === b)) p = i + 8;
  }
  if (p < 0) throw new Error('entry not found');
  const field = (): { tl: number; at: number } => {
    const tl = bytes[p] as number;
    const at = p + 1;
    p += (tl & 0x70) === 0x70 ? 1 : tl & 0x0f;
    return { tl, at };
  };
  const status = field();
  const valTime = field();
  if ((valTime.tl & 0x70) === 0x70) throw new Error('hand walk does not expand valTime lists');
  const unit = field();
  const scaler = field();
  const value = field();
  const width = (value.tl & 0x0f) - 1;
  return {
    ...(status.tl !== 0x01 && { status: Number(readBigEndian(bytes, status.at, (status.tl & 0x0f) - 1, false)) }),
    unit: bytes[unit.at] as number,
    scaler: Number(readBigEndian(bytes, scaler.at, 1, true)),
    raw: readBigEndian(bytes, value.at, width, (value.tl & 0x70) === 0x50),
  };
}

/** The Go Iskra fixture with the two differences to its source's 232-byte file undone (see README). */
function repairedGoIskra(): Uint8Array {
  const hex = readFileSync(join(FIXTURES, 'sml-go-iskra-pulse.hex'), 'utf8').trim();
  const fixed = hex.replace('0701004032010101010101010449534B', '07010060320101010101010449534B');
  return hexToBytes(fixed) ?? new Uint8Array(0);
}

describe('SML fixtures', () => {
  it('EMH eHZ: the values smartmeter-obis asserts', () => {
    const s = snapshot(EMH);
    const want = expected('smartmeter-obis-emh-ehz');
    expect(want['1-0:1.8.1*255']).toEqual({ value: 15338.5557, unit: 'kWh' });
    expect(byObis(s, '1-0:1.8.1')).toMatchObject({ value: 15338.5557, unit: 'kWh', key: 'energy_import_tariff_1', quantity: 'energy' });
    expect(want['129-129:199.130.3*255']?.value).toBe('EMH');
    expect(byObis(s, '129-129:199.130.3')?.value).toBe('EMH');
    expect(s.protocol).toBe('sml');
    expect(s.meter).toEqual({
      id: '0901454D48000041F045',
      manufacturerId: 'EMH',
      manufacturer: 'EMH Metering',
      medium: 'electricity',
      identification: '0901454D48000041F045',
    });
  });

  it('EMH eHZ: the rest of the list, checked against a hand walk', () => {
    const s = snapshot(EMH);
    // 77 07 0100010800FF 64 000182 01 62 1E 52 FF 56 0009247A55 01
    expect(handWalk(EMH, [1, 0, 1, 8, 0, 255])).toEqual({ status: 0x182, unit: 30, scaler: -1, raw: 153385557 });
    expect(byObis(s, '1-0:1.8.0')).toMatchObject({ value: 15338.5557, unit: 'kWh', raw: '153385557' });
    // 77 07 0100100700FF 01 01 62 1B 52 FF 55 00001603 01 → 5635 × 10⁻¹ W
    expect(handWalk(EMH, [1, 0, 16, 7, 0, 255])).toEqual({ unit: 27, scaler: -1, raw: 5635 });
    expect(byObis(s, '1-0:16.7.0')).toMatchObject({ value: 563.5, unit: 'W', key: 'power' });
    expect(byObis(s, '1-0:1.8.2')?.value).toBe(0);
    expect(byObis(s, '1-0:0.0.9')?.value).toBe('0901454D48000041F045'); // not printable → hex
    expect(byObis(s, '129-129:199.130.5')?.value).toMatch(/^E77EF33E[0-9A-F]{88}$/); // 48-byte public key
    expect(s.readings).toHaveLength(7);
    expect(s.time).toBeUndefined(); // actSensorTime is a seconds index, not a date
  });

  it('EMH eHZ: file CRC, padding and every message CRC hold', () => {
    const f = parseSmlFile(EMH);
    expect(f.ok && f.value.fileCrcOk).toBe(true);
    expect(f.ok && f.value.padding).toBe(3);
    expect(f.ok && f.value.messages.map((m) => [m.tag, m.crcOk])).toEqual([
      [0x0101, true],
      [0x0701, true],
      [0x0201, true],
    ]);
    expect(f.ok && f.value.serverId?.text).toBe('1EMH0004321349');
  });

  it('DNT raw dump: two files, then a third cut off by the end of the capture', () => {
    const events = feed(DUMP, []);
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['ok', 'ok', 'truncated']);
    const s = (events[0] as { snapshot: MeterSnapshot }).snapshot;
    // 77 07 0100020800FF 64 010190 01 62 1E 52 FF 59 000000000000AAD2 01 → 43730 × 10⁻¹ Wh
    expect(handWalk(DUMP, [1, 0, 2, 8, 0, 255])).toEqual({ status: 0x010190, unit: 30, scaler: -1, raw: 43730 });
    expect(byObis(s, '1-0:2.8.0')).toMatchObject({ value: 4.373, unit: 'kWh', key: 'energy_export_total' });
    // 77 07 01000F0700FF 01 01 62 1B 52 00 65 0000002A 01 → 42 W
    expect(handWalk(DUMP, [1, 0, 15, 7, 0, 255])).toEqual({ unit: 27, scaler: 0, raw: 42 });
    expect(byObis(s, '1-0:15.7.0')).toMatchObject({ value: 42, unit: 'W' });
    expect(s.meter).toMatchObject({ id: '0901444E540100002030', manufacturerId: 'DNT', manufacturer: 'Dr. Neuhaus Telekommunikation' });
    expect(byObis(s, '129-129:199.130.3')?.value).toBe('DNT');
    expect((events[2] as { frame?: Uint8Array }).frame).toHaveLength(88);
  });

  it('OpenEMS Iskra: int64 energy and signed per-phase power, checked against a hand walk', () => {
    const s = snapshot(OPENEMS);
    expect(handWalk(OPENEMS, [1, 0, 1, 8, 0, 255])).toEqual({ status: 0x0182, unit: 30, scaler: -1, raw: 224624136 });
    expect(byObis(s, '1-0:1.8.0')).toMatchObject({ value: 22462.4136, unit: 'kWh' });
    expect(handWalk(OPENEMS, [1, 0, 16, 7, 0, 255])).toEqual({ unit: 27, scaler: 0, raw: 168 });
    expect(['1-0:16.7.0', '1-0:36.7.0', '1-0:56.7.0', '1-0:76.7.0'].map((o) => [byObis(s, o)?.key, byObis(s, o)?.value, byObis(s, o)?.unit])).toEqual([
      ['power', 168, 'W'],
      ['power_l1', 117, 'W'],
      ['power_l2', 22, 'W'],
      ['power_l3', 29, 'W'],
    ]);
    expect(s.meter).toMatchObject({ id: '090149534B000403DF63', manufacturerId: 'ISK', manufacturer: 'Iskraemeco' });
    const f = parseSmlFile(OPENEMS);
    expect(f.ok && [f.value.padding, f.value.messages.every((m) => m.crcOk)]).toEqual([0, true]);
  });

  it('Go Iskra pulse: the published bytes fail the file CRC and stay rejected even with the opt-in', () => {
    expect(decodeSmlFile(GO_ISKRA)).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    // The payload does not parse (one 01 too many), so no message CRC can hold.
    expect(decodeSmlFile(GO_ISKRA, { acceptBadFileCrc: true })).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
  });

  it('Go Iskra pulse: the repaired 232-byte copy passes every CRC and reads by hand walk', () => {
    const fixed = repairedGoIskra();
    expect(fixed).toHaveLength(232);
    const f = parseSmlFile(fixed);
    expect(f.ok && [f.value.fileCrcOk, f.value.messages.map((m) => m.crcOk)]).toEqual([true, [true, true, true]]);
    const s = snapshot(fixed);
    // 77 07 0100010800FF 65 00080104 01 62 1E 52 FF 65 03FEC26A 01
    expect(handWalk(fixed, [1, 0, 1, 8, 0, 255])).toEqual({ status: 0x080104, unit: 30, scaler: -1, raw: 67027562 });
    expect(byObis(s, '1-0:1.8.0')).toMatchObject({ value: 6702.7562, unit: 'kWh' });
    expect(byObis(s, '1-0:2.8.0')).toMatchObject({ value: 0, unit: 'kWh' });
    expect(handWalk(fixed, [1, 0, 16, 7, 0, 255])).toEqual({ unit: 27, scaler: 0, raw: 383 });
    expect(byObis(s, '1-0:16.7.0')).toMatchObject({ value: 383, unit: 'W' });
    expect(byObis(s, '1-0:96.50.1*1')?.value).toBe('ISK');
    expect(s.meter).toMatchObject({ id: '0A0149534B000516465C', manufacturerId: 'ISK' });
    expect(f.ok && f.value.serverId?.text).toBe('1ISK0085345884');
  });

  it('OpenMUC Hager: rejected as bad-crc, with and without the opt-in; open and close messages keep their CRCs', () => {
    expect(decodeSmlFile(HAGER)).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    expect(decodeSmlFile(HAGER, { acceptBadFileCrc: true })).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    const u = expectOk(unwrapSmlTransport(HAGER));
    expect(u.crcOk).toBe(false);
    const p = u.payload;
    const open = readMessage(new SmlReader(p));
    expect(open && [open.tag, open.crcOk, open.body.kind === 'open-response' && open.body.serverId.length]).toEqual([0x0101, true, 10]);
    const closeAt = Buffer.from(p).toString('hex').lastIndexOf('76090000000017849d87') / 2;
    const close = readMessage(new SmlReader(p, closeAt));
    expect(close && [close.tag, close.crcOk]).toEqual([0x0201, true]);
    const list = new SmlReader(p, open ? p.indexOf(0x76, 40) : 0);
    expect(readMessage(list)).toBeUndefined();
    expect(list.error?.kind).toBe('bad-format');
    // Before the damage: 77 07 0100010800FF 62 82 01 62 1E 52 FF 55 12D8BD2D 01
    expect(handWalk(HAGER, [1, 0, 1, 8, 0, 255])).toEqual({ status: 0x82, unit: 30, scaler: -1, raw: 316194093 });
  });
});

describe('fast path', () => {
  it('decodeSmlFile equals the structured path (parseSmlFile + buildSmlSnapshot)', () => {
    const inputs = [EMH, OPENEMS, DUMP.subarray(0, 324), DUMP.subarray(324, 648), repairedGoIskra(), GOOD];
    for (const bytes of inputs) {
      const f = parseSmlFile(bytes);
      if (!f.ok) throw new Error(f.error.kind);
      const { messages, quirks, serverId, model } = f.value;
      const structured = buildSmlSnapshot(messages, { quirks, ...(serverId !== undefined && { serverId }), ...(model !== undefined && { model }) });
      expect(decodeSmlFile(bytes)).toEqual({ ok: true, value: structured });
    }
  });
});

describe('SML stream decoding', () => {
  const valid = [EMH, OPENEMS, DUMP.subarray(0, 324), repairedGoIskra()];

  it.each(valid.map((v, i) => [i, v] as const))('fixture %d gives the same events for 40 random chunk splits', (_i, bytes) => {
    const whole = summary(feed(bytes, []));
    expect(whole).toHaveLength(1);
    const next = seededRandom(1234 + bytes.length);
    for (let k = 0; k < 40; k++) expect(summary(feed(bytes, randomCuts(bytes.length, next)))).toEqual(whole);
  });

  it('decodes files separated by garbage, truncated files and broken files', () => {
    const next = seededRandom(99);
    const garbage = (n: number): number[] => Array.from({ length: n }, () => (next() < 0.3 ? 0x1b : Math.floor(next() * 256)));
    const g1 = garbage(37);
    const stream = cat(g1, EMH, [0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01], OPENEMS, EMH.subarray(0, 120), EMH, GO_ISKRA, OPENEMS, HAGER, EMH);
    const expectedKinds = ['ok', 'ok', 'truncated', 'ok', 'bad-crc', 'ok', 'bad-crc', 'ok'];
    const whole = feed(stream, []);
    expect(whole.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(expectedKinds);
    expect(whole.filter((e) => e.ok).map((e) => e.ok && e.snapshot.meter.id)).toEqual([
      '0901454D48000041F045',
      '090149534B000403DF63',
      '0901454D48000041F045',
      '090149534B000403DF63',
      '0901454D48000041F045',
    ]);
    for (let k = 0; k < 20; k++) expect(summary(feed(stream, randomCuts(stream.length, next)))).toEqual(summary(whole));
  });

  it('counts garbage in discardedBytes and carries each frame in its event', () => {
    const d = createSmlDecoder();
    const junk = [0x00, 0x42, 0x1b, 0x1b, 0x99];
    const events = d.push(cat(junk, EMH, junk));
    expect(events).toHaveLength(1);
    expect(events[0]?.frame).toEqual(EMH);
    expect(d.discardedBytes).toBe(junk.length); // the trailing junk could still begin a start sequence
    expect(d.flush()).toEqual([]);
    expect(d.discardedBytes).toBe(junk.length * 2);
    expect(d.protocol).toBe('sml');
  });

  it('never mutates the chunk it is given', () => {
    const input = cat([0x1b, 0x1b], EMH, EMH.subarray(0, 50));
    const copy = input.slice();
    const d = createSmlDecoder();
    d.push(input.subarray(0, 100));
    d.push(input.subarray(100));
    expect(input).toEqual(copy);
  });
});
