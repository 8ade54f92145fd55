import type { MeterSnapshot } from '@smi/model';
import { hexToBytes } from '../common';
import { decodeSmlFile, parseSmlFile } from './stream-decoder';
import { encodeSmlFile, encodeSmlMessage, smlw } from './encode';
import { readTime } from './value-readers';
import { SmlReader } from './tl';
import { smlTimeToIso } from './values';

const hex = (h: string): Uint8Array => hexToBytes(h) ?? new Uint8Array(0);
const SERVER = [0x0a, 0x01, 0x49, 0x53, 0x4b, 0x00, 0x05, 0x16, 0x46, 0x5c];

function time(h: string): unknown {
  const r = new SmlReader(hex(h));
  const t = readTime(r, 't');
  return r.error?.kind ?? t;
}

function decode(...messages: Uint8Array[]): MeterSnapshot {
  const r = decodeSmlFile(encodeSmlFile(messages));
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function getList(entries: number[][], opts: { actSensorTime?: number[]; actGatewayTime?: number[] } = {}): Uint8Array {
  return encodeSmlMessage({
    transactionId: [0x10, 0x01],
    tag: 0x0701,
    body: smlw.list(
      smlw.absent(),
      smlw.octets(SERVER),
      smlw.octets([1, 0, 98, 10, 255, 255]),
      opts.actSensorTime ?? smlw.absent(),
      smlw.list(...entries),
      smlw.absent(),
      opts.actGatewayTime ?? smlw.absent(),
    ),
  });
}

describe('SML_Time', () => {
  it.each([
    ['7262016507AFF5DC', { kind: 'secIndex', seconds: 0x07aff5dc }],
    ['726202655F5E1000', { kind: 'timestamp', unix: 1600000000 }],
    ['65011C1EB7', { kind: 'secIndex', seconds: 18620087 }], // Holley DTZ541: bare Unsigned32 (libsml #75)
    ['726203 7365 5F5E1000 53003C 53003C', { kind: 'localTimestamp', unix: 1600000000, localOffset: 60, seasonTimeOffset: 60 }],
    ['01', undefined],
    ['726207655F5E1000', 'bad-value'],
    ['73620265000000006200', 'bad-format'],
  ])('%s', (h, want) => {
    expect(time(h.replace(/ /g, ''))).toEqual(want);
  });

  it('gives wall-clock ISO times, none for a seconds index', () => {
    expect(smlTimeToIso({ kind: 'timestamp', unix: 1600000000 })).toBe('2020-09-13T12:26:40Z');
    expect(smlTimeToIso({ kind: 'localTimestamp', unix: 1600000000, localOffset: 60, seasonTimeOffset: 60 })).toBe('2020-09-13T14:26:40+02:00');
    expect(smlTimeToIso({ kind: 'localTimestamp', unix: 1600000000, localOffset: -300, seasonTimeOffset: 0 })).toBe('2020-09-13T07:26:40-05:00');
    expect(smlTimeToIso({ kind: 'secIndex', seconds: 5 })).toBeUndefined();
  });
});

describe('GetList.Res values', () => {
  it('maps value types, units, scalers, valTime and sensor time', () => {
    const s = decode(
      getList(
        [
          smlw.entry([1, 0, 32, 7, 0, 255], smlw.uint(2301, 2), { unit: 35, scaler: -1, valTime: smlw.time(2, 1600000000) }),
          smlw.entry([1, 0, 31, 7, 0, 255], smlw.int(-5, 1), { unit: 33, scaler: -2 }),
          smlw.entry([1, 0, 14, 7, 0, 255], smlw.uint(4998, 2), { unit: 44, scaler: -2 }),
          smlw.entry([1, 0, 2, 8, 0, 255], smlw.uint(2n ** 64n - 1n, 8), { unit: 30, scaler: -4 }),
          smlw.entry([0, 0, 96, 1, 0, 255], smlw.octets('12345678')),
          smlw.entry([1, 0, 0, 2, 0, 255], smlw.octets([0x01, 0x02, 0xff])),
          smlw.entry([129, 129, 199, 240, 6, 255], smlw.bool(true)),
          smlw.entry([1, 0, 13, 7, 0, 255], smlw.uint(987, 2), { unit: 255, scaler: -3 }),
          smlw.entry([7, 0, 99, 2, 0, 255], smlw.uint(5, 1), { unit: 25, scaler: 3 }), // 5 kJ
          smlw.entry([1, 0, 0, 9, 11, 255], smlw.list(smlw.uint(2), smlw.uint(1600000000, 4))),
          smlw.entry([1, 0, 96, 5, 0, 255], smlw.absent(), { status: smlw.uint(0x0123456789, 5) }),
        ],
        { actSensorTime: smlw.time(2, 1600000100) },
      ),
    );
    const v = (o: string) => s.readings.find((r) => r.obis === o);
    expect(v('1-0:32.7.0')).toMatchObject({ value: 230.1, unit: 'V', key: 'voltage_l1', time: '2020-09-13T12:26:40Z' });
    expect(v('1-0:31.7.0')).toMatchObject({ value: -0.05, unit: 'A' });
    expect(v('1-0:14.7.0')).toMatchObject({ value: 49.98, unit: 'Hz' });
    // (2^64−1) × 10⁻⁴ Wh → kWh in one exact division (bigint quotient + remainder).
    expect(v('1-0:2.8.0')).toMatchObject({ value: 1844674407370.9551615, unit: 'kWh', raw: '18446744073709551615' });
    expect(v('0-0:96.1.0')).toMatchObject({ value: '12345678', quantity: 'identifier' });
    expect(v('1-0:0.2.0')?.value).toBe('0102FF');
    expect(v('129-129:199.240.6')?.value).toBe(true);
    expect(v('1-0:13.7.0')).toMatchObject({ value: 0.987, quantity: 'power_factor' });
    expect(v('1-0:13.7.0')?.unit).toBeUndefined();
    // DLMS unit 25 (J) → MJ (×10⁻⁶), then the model publishes heat energy in kWh: 5 kJ = 0.00139 kWh.
    expect(v('7-0:99.2.0')?.unit).toBe('kWh');
    expect(v('7-0:99.2.0')?.value).toBeCloseTo(5000 / 3.6e6, 12);
    expect(v('1-0:0.9.11')?.value).toBe('2020-09-13T12:26:40Z');
    expect(v('1-0:96.5.0')?.value).toBeNull();
    expect(s.time).toBe('2020-09-13T12:28:20Z');
  });

  it('keeps status words, widths and the raw list in the parsed messages', () => {
    const f = parseSmlFile(
      encodeSmlFile([getList([smlw.entry([1, 0, 16, 7, 0, 255], smlw.int(-2, 3), { unit: 27, scaler: 0, status: smlw.uint(0x0123456789, 5) })])]),
    );
    const body = f.ok ? f.value.messages[0]?.body : undefined;
    expect(body?.kind === 'get-list-response' && body.valList[0]).toMatchObject({
      status: 0x0123456789,
      unit: 27,
      scaler: 0,
      value: { type: 'integer', value: -2, width: 3 },
    });
    expect(body?.kind === 'get-list-response' && body.listName).toEqual(Uint8Array.of(1, 0, 98, 10, 255, 255));
  });

  it('reads a valList of 30 entries (multi-byte list TL F1 0E)', () => {
    const entries = Array.from({ length: 30 }, (_, i) => smlw.entry([1, 0, 1, 8, i % 5, i], smlw.uint(i, 1), { unit: 30, scaler: 0 }));
    const msg = getList(entries);
    expect(Buffer.from(msg).toString('hex')).toContain('f10e77');
    expect(decode(msg).readings).toHaveLength(30);
  });

  it('takes the gateway time when the sensor time is a seconds index, and the last of duplicate codes', () => {
    const s = decode(
      getList([smlw.entry([1, 0, 16, 7, 0, 255], smlw.int(1, 1), { unit: 27 }), smlw.entry([1, 0, 16, 7, 0, 255], smlw.int(2, 1), { unit: 27 })], {
        actSensorTime: smlw.time(1, 99),
        actGatewayTime: smlw.time(2, 1600000000),
      }),
    );
    expect(s.time).toBe('2020-09-13T12:26:40Z');
    expect(s.readings.map((r) => r.value)).toEqual([2]);
  });

  it('skips entries whose objName is not 6 bytes', () => {
    expect(decode(getList([smlw.entry([1, 0, 1, 8], smlw.uint(1, 1))])).readings).toEqual([]);
  });
});

describe('other message bodies', () => {
  it('GetProfileList.Res: period entries become readings at the list valTime', () => {
    const body = smlw.list(
      smlw.octets(SERVER),
      smlw.time(2, 1600000000),
      smlw.uint(900, 4),
      smlw.list(smlw.octets([1, 0, 99, 1, 0, 255])),
      smlw.time(2, 1599999100),
      smlw.uint(0, 8),
      smlw.list(
        smlw.list(smlw.octets([1, 0, 1, 8, 0, 255]), smlw.uint(30), smlw.int(-1), smlw.uint(123456, 4), smlw.absent()),
        smlw.list(smlw.octets([1, 0, 2, 8, 0, 255]), smlw.uint(30), smlw.int(-1), smlw.uint(10, 4), smlw.absent()),
      ),
      smlw.absent(),
      smlw.absent(),
    );
    const s = decode(encodeSmlMessage({ transactionId: [1], tag: 0x0401, body }));
    expect(s.readings.map((r) => [r.obis, r.value, r.unit, r.time])).toEqual([
      ['1-0:1.8.0', 12.3456, 'kWh', '2020-09-13T12:11:40Z'],
      ['1-0:2.8.0', 0.001, 'kWh', '2020-09-13T12:11:40Z'],
    ]);
    expect(s.meter.id).toBe('0A0149534B000516465C');
    expect(s.time).toBe('2020-09-13T12:26:40Z');
  });

  it('GetProfilePack.Res: one reading per header object with its captures as entries', () => {
    const period = (t: number, a: number, b: number): number[] =>
      smlw.list(
        smlw.time(2, t),
        smlw.uint(0, 1),
        smlw.list(smlw.list(smlw.uint(a, 4), smlw.absent()), smlw.list(smlw.int(b, 2), smlw.absent())),
        smlw.absent(),
      );
    const body = smlw.list(
      smlw.octets(SERVER),
      smlw.time(2, 1600000000),
      smlw.uint(900, 4),
      smlw.list(smlw.octets([1, 0, 99, 1, 0, 255])),
      smlw.list(
        smlw.list(smlw.octets([1, 0, 1, 8, 0, 255]), smlw.uint(30), smlw.int(0)),
        smlw.list(smlw.octets([1, 0, 16, 7, 0, 255]), smlw.uint(27), smlw.int(0)),
      ),
      smlw.list(period(1599999100, 1000, -20), period(1600000000, 1500, 35)),
      smlw.absent(),
      smlw.absent(),
    );
    const s = decode(encodeSmlMessage({ transactionId: [1], tag: 0x0301, body }));
    const energy = s.readings.find((r) => r.obis === '1-0:1.8.0');
    expect(energy).toMatchObject({ value: 1.5, unit: 'kWh', time: '2020-09-13T12:26:40Z' });
    expect(energy?.entries).toEqual([
      { time: '2020-09-13T12:11:40Z', value: 1, unit: 'kWh' },
      { time: '2020-09-13T12:26:40Z', value: 1.5, unit: 'kWh' },
    ]);
    expect(s.readings.find((r) => r.obis === '1-0:16.7.0')?.entries?.map((e) => e.value)).toEqual([-20, 35]);
  });

  it('Attention.Res: parsed, no readings; the server id still identifies the meter', () => {
    const body = smlw.list(
      smlw.octets(SERVER),
      smlw.octets([0x81, 0x81, 0xc7, 0xc7, 0xfe, 0x00]),
      smlw.octets('error'),
      smlw.list(smlw.octets([1]), smlw.absent(), smlw.absent()),
    );
    const f = parseSmlFile(encodeSmlFile([encodeSmlMessage({ transactionId: [1], tag: 0xff01, body })]));
    const b = f.ok ? f.value.messages[0]?.body : undefined;
    expect(b?.kind === 'attention-response' && [Buffer.from(b.attentionNo).toString('hex'), b.attentionMsg && Buffer.from(b.attentionMsg).toString()]).toEqual([
      '8181c7c7fe00',
      'error',
    ]);
    expect(decode(encodeSmlMessage({ transactionId: [1], tag: 0xff01, body }))).toMatchObject({ meter: { id: '0A0149534B000516465C' }, readings: [] });
  });

  it('PublicOpen.Res with refTime and smlVersion; unknown and request bodies are skipped', () => {
    const open = encodeSmlMessage({
      transactionId: [1],
      tag: 0x0101,
      body: smlw.list(smlw.octets('ISO 8859-15'), smlw.octets([1, 2]), smlw.octets([7]), smlw.octets(SERVER), smlw.time(2, 1600000000), smlw.uint(1)),
    });
    const procParam = encodeSmlMessage({
      transactionId: [2],
      tag: 0x0501,
      body: smlw.list(smlw.octets(SERVER), smlw.list(smlw.octets([1])), smlw.list(smlw.octets([1]), smlw.list(smlw.uint(1), smlw.uint(5, 2)), smlw.absent())),
    });
    const getListReq = encodeSmlMessage({
      transactionId: [3],
      tag: 0x0700,
      body: smlw.list(smlw.absent(), smlw.octets(SERVER), smlw.absent(), smlw.absent(), smlw.absent()),
    });
    const f = parseSmlFile(encodeSmlFile([open, procParam, getListReq]));
    expect(f.ok && f.value.messages.map((m) => m.body.kind)).toEqual(['open-response', 'other', 'other']);
    const s = decode(open, procParam, getListReq);
    expect(s.meter).toMatchObject({ id: '0A0149534B000516465C', version: '1', manufacturerId: 'ISK' });
    expect(s.time).toBe('2020-09-13T12:26:40Z');
  });

  it('accepts a tag sent as Unsigned32 (65 00 00 07 01) and 00 fill between messages', () => {
    const body = smlw.list(
      smlw.absent(),
      smlw.octets(SERVER),
      smlw.absent(),
      smlw.absent(),
      smlw.list(smlw.entry([1, 0, 16, 7, 0, 255], smlw.int(7, 1), { unit: 27 })),
      smlw.absent(),
      smlw.absent(),
    );
    const msg = encodeSmlMessage({ transactionId: [1], tag: 0x0701, tagWidth: 4, body });
    expect(Buffer.from(msg).toString('hex')).toContain('726500000701');
    expect(decode(msg, Uint8Array.of(0, 0, 0, 0)).readings[0]?.value).toBe(7);
  });
});
