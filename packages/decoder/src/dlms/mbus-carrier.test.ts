import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes } from '../common';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { mbusFrameChecksum, parseMbusFrame } from '../mbus';
import { decodeDlmsApdu } from './apdu';
import { createDlmsDecoder } from './stream-decoder';
import { buildMbusDlmsFrames, createMbusSegmentAssembler, dlmsSegmentOf } from './mbus-carrier';
import { decipherApdu, parseCipheredApdu } from './ciphering';

/** Netz NÖ / EVN documentation sample (Kaifa MA309): two M-Bus long frames, glo-ciphering SC 20. */
const base = join(__dirname, '../../fixtures/dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample');
const bytes = hexBytes(readFileSync(`${base}.hex`, 'utf8'));
const json = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as {
  key: { encryption_key: string; system_title: string; invocation_counter: string };
  derived_NOT_source_asserted: { plaintext_hex: string; values: Record<string, { value: string | number; unit: string | null }> };
};
const KEY = hexBytes(json.key.encryption_key);
const frame1 = bytes.subarray(0, 0xfa + 6);
const frame2 = bytes.subarray(0xfa + 6);

function joined(): Uint8Array {
  const asm = createMbusSegmentAssembler();
  let out: Uint8Array | undefined;
  for (const f of [frame1, frame2]) {
    const p = parseMbusFrame(f);
    if (!p.ok) throw new Error(p.error.message);
    const s = dlmsSegmentOf(p.value);
    if (!s.ok) throw new Error(s.error.message);
    const r = asm.push(s.value);
    if (!r.ok) throw new Error(r.error.message);
    out = r.value ?? out;
  }
  if (!out) throw new Error('incomplete');
  return out;
}

describe('wired M-Bus carrier (Austrian segments)', () => {
  it('reads both long frames: C 53, A FF, CI 00 then 11, STSAP 01, DTSAP 67', () => {
    const segs = [frame1, frame2].map((f) => {
      const p = parseMbusFrame(f);
      if (!p.ok || p.value.type !== 'long') throw new Error('not a long frame');
      const s = dlmsSegmentOf(p.value);
      return s.ok ? [p.value.control, p.value.address, p.value.ci, s.value.stsap, s.value.dtsap, s.value.sequence, s.value.last, s.value.segment.length] : [];
    });
    expect(segs).toEqual([
      [0x53, 0xff, 0x00, 0x01, 0x67, 0, false, 245],
      [0x53, 0xff, 0x11, 0x01, 0x67, 1, true, 15],
    ]);
  });

  it('joins the segments into one DB 08 APDU whose glo length (81 F8) matches', () => {
    const apdu = joined();
    const c = parseCipheredApdu(apdu);
    expect(
      c.ok && [Buffer.from(c.value.systemTitle).toString('hex').toUpperCase(), c.value.securityControl, c.value.invocationCounter, c.value.payload.length],
    ).toEqual([json.key.system_title, 0x20, Number.parseInt(json.key.invocation_counter, 16), 243]);
  });

  it('decrypts (GCM without tag) to the plaintext recorded in the fixture', () => {
    const c = parseCipheredApdu(joined());
    const p = c.ok ? decipherApdu(c.value, { key: KEY }) : c;
    expect(p.ok && Buffer.from(p.value).toString('hex')).toBe(json.derived_NOT_source_asserted.plaintext_hex);
  });

  it('checks the derived values against our own decode (clock, 11 registers with scaler-unit, meter number)', () => {
    const d = createDlmsDecoder({ key: KEY });
    const [e] = d.push(bytes);
    if (!e?.ok) throw new Error(e ? e.error.message : 'no event');
    const s = e.snapshot;
    const derived = Object.entries(json.derived_NOT_source_asserted.values).map(([dotted, exp]) => {
      const [a, b, c, dd, ee] = dotted.split('.');
      return { obis: `${a}-${b}:${c}.${dd}.${ee}`, exp };
    });
    const ours = derived.map(({ obis, exp }) => {
      const value = s.readings.find((x) => x.obis === obis)?.value;
      const factor = exp.unit === 'Wh' ? 1000 : 1; // published in kWh
      return [obis, typeof exp.value === 'number' && typeof value === 'number' ? Number((value * factor).toPrecision(12)) : value];
    });
    // the clock carries the frame's deviation (−120) as an offset
    expect(ours).toEqual(derived.map(({ obis, exp }) => [obis, obis === '0-0:1.0.0' ? `${exp.value}+02:00` : exp.value]));
    expect(s.meter).toMatchObject({ id: '181220000009', manufacturerId: 'KFM', manufacturer: 'Kaifa', identification: '4B464D6750000009' });
    expect(s.time).toBe('2021-09-27T09:47:15+02:00');
  });

  it('gives the same result at random chunk boundaries', () => {
    const whole = createDlmsDecoder({ key: KEY }).push(bytes);
    for (let seed = 1; seed <= 20; seed++) {
      const d = createDlmsDecoder({ key: KEY });
      const events = randomChunks(bytes, seededRandom(seed), 50).flatMap((c) => d.push(c));
      expect(events).toEqual(whole);
    }
  });

  it('round-trips an APDU through buildMbusDlmsFrames', () => {
    const apdu = joined();
    const frames = buildMbusDlmsFrames(apdu, 100);
    expect(frames).toHaveLength(3);
    const d = createDlmsDecoder({ key: KEY, carrier: 'mbus' });
    const events = d.push(concatBytes(frames));
    expect(events.map((e) => e.ok)).toEqual([true]);
  });

  it.each([
    [
      'checksum',
      (b: Uint8Array) => {
        b[b.length - 2] = (b[b.length - 2] as number) ^ 1;
      },
      'bad-crc',
    ],
    [
      'second L',
      (b: Uint8Array) => {
        b[2] = 0x13;
      },
      'bad-length',
    ], // the two L bytes differ, as src/mbus/ reports it
    [
      'stop byte',
      (b: Uint8Array) => {
        b[b.length - 1] = 0x17;
      },
      'bad-format',
    ],
  ])('rejects a frame with a broken %s', (_n, mutate, kind) => {
    const f = frame2.slice();
    mutate(f);
    const r = parseMbusFrame(f);
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });

  it('reports segment gaps and a segment without its start', () => {
    const asm = createMbusSegmentAssembler();
    const seg = (sequence: number, last = false) => ({ sequence, last, stsap: 1, dtsap: 0x67, segment: new Uint8Array(1) });
    expect(asm.push(seg(1)).ok).toBe(false);
    expect(asm.push(seg(0)).ok).toBe(true);
    const gap = asm.push(seg(2, true));
    expect(gap.ok ? 'ok' : gap.error.kind).toBe('bad-format');
  });

  it('decoder: a bad checksum is a bad-crc event; the second frame alone is then an orphan segment', () => {
    const broken = bytes.slice();
    broken[0xfa + 4] = (broken[0xfa + 4] as number) ^ 1;
    const kinds = createDlmsDecoder({ key: KEY })
      .push(broken)
      .map((e) => (e.ok ? 'ok' : e.error.kind));
    expect(kinds).toEqual(['bad-crc', 'bad-format']);
  });

  it('the M-Bus checksum is the byte sum mod 256', () => {
    expect(mbusFrameChecksum(Uint8Array.from([0x53, 0xff, 0x00]))).toBe(0x52);
    expect(decodeDlmsApdu(joined(), { key: KEY }).ok).toBe(true);
  });
});
