import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '../common/errors';
import type { FrameEvent } from '../common/stream';
import { createDsmrDecoder, decodeDsmrTelegram, DSMR_DEFAULT_MAX_LENGTH, type DsmrOptions } from './index';
import { latin1Bytes, latin1Text, seededRandom } from '../common/testing';
import { signTelegram } from './testing';

/** Issue 7 "Trust the data path": what may become a snapshot, and what never may. */

const DIR = join(__dirname, '../../fixtures/dsmr');
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, `${name}.txt`)));
const textOf = (name: string): string => latin1Text(bytesOf(name));

function outcome(input: Uint8Array, options?: DsmrOptions): ErrorKind | 'ok' {
  const r = decodeDsmrTelegram(input, options);
  return r.ok ? 'ok' : r.error.kind;
}

describe('CRC policy', () => {
  const V5 = textOf('v5-iskra-mt382');
  const stripped = latin1Bytes(V5.replace('!6EEE', '!').replace('1-0:1.8.1(000004.426*kWh)', '1-0:1.8.1(000994.426*kWh)'));

  it('a DSMR 5 telegram with its CRC stripped and a value changed is missing-crc, never a snapshot', () => {
    expect(outcome(stripped)).toBe('missing-crc');
    const decoder = createDsmrDecoder();
    const events = [...decoder.push(stripped), ...decoder.flush()];
    expect(events.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['missing-crc']);
  });

  it.each([
    ['v2_2-iskra-mt382', 'DSMR 2.2: equipment id, no version object'],
    ['v3-iskra-mt382', 'DSMR 3.0: equipment id, no version object'],
    ['easymeter-q3da1004', 'EasyMeter (FLAG id ESY)'],
    ['easymeter-q3db1024', 'EasyMeter (FLAG id ESY)'],
  ])('auto accepts %s without CRC (%s)', (name) => {
    expect(outcome(bytesOf(name))).toBe('ok');
    expect(outcome(bytesOf(name), { crc: 'required' })).toBe('missing-crc');
  });

  it('the L+G E350 DSMR 4.2 sample (version 42, no CRC) needs crc: optional', () => {
    const e350 = bytesOf('amshan-landisgyr-e350-xmx-dsmr42');
    expect(outcome(e350)).toBe('missing-crc');
    expect(outcome(e350, { crc: 'required' })).toBe('missing-crc');
    expect(outcome(e350, { crc: 'optional' })).toBe('ok');
  });

  it('a DSMR 2.2 telegram that gained a version object is no longer a no-CRC dialect', () => {
    const v22 = textOf('v2_2-iskra-mt382').replace('0-0:96.1.1(', '1-3:0.2.8(42)\r\n0-0:96.1.1(');
    expect(outcome(latin1Bytes(v22))).toBe('missing-crc');
  });

  it('optional still checks a CRC that is present', () => {
    expect(outcome(latin1Bytes(V5.replace('!6EEE', '!6EEF')), { crc: 'optional' })).toBe('bad-crc');
    expect(outcome(bytesOf('v5-iskra-mt382'), { crc: 'required' })).toBe('ok');
  });
});

describe('identification line', () => {
  const V5 = textOf('v5-iskra-mt382');
  const withHeader = (header: string): Uint8Array => signTelegram(V5.replace('/ISk5\\2MT382-1000', header));
  it.each([
    ['/1Sk5\\2MT382-1000', 'a digit in the manufacturer id'],
    ['/ISkX\\2MT382-1000', 'no baud rate digit'],
    ['/ISk5\\2MT382\x01-1000', 'a control byte'],
    ['/ISk5\\2MT382\xe9-1000', 'a byte above 0x7E'],
    ['/ISk', 'too short'],
  ])('%s (%s) is bad-format even under a valid CRC', (header) => {
    expect(outcome(withHeader(header))).toBe('bad-format');
  });

  it.each(['/KAM5', '/NWA-WARMTELINK', '/ISk5\x02MIE5T-200', '/ESY5Q3DA1004 V3.04'])('%s is valid', (header) => {
    expect(outcome(withHeader(header))).toBe('ok');
  });

  it('a value with a byte that is not printable ASCII is bad-format even under a valid CRC', () => {
    expect(outcome(signTelegram(V5.replace('(000004.426*kWh)', '(0000\x0004.426*kWh)')))).toBe('bad-format');
  });
});

describe('noise never becomes a meter', () => {
  it('5 MB of seeded random bytes through the stream decoder give zero snapshots', () => {
    const random = seededRandom(20240607);
    const decoder = createDsmrDecoder();
    const events: FrameEvent[] = [];
    const chunk = new Uint8Array(4096);
    let peak = 0;
    for (let sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) {
      for (let i = 0; i < chunk.length; i += 4) {
        const r = Math.floor(random() * 4294967296);
        chunk[i] = r;
        chunk[i + 1] = r >>> 8;
        chunk[i + 2] = r >>> 16;
        chunk[i + 3] = r >>> 24;
      }
      events.push(...decoder.push(chunk));
      peak = Math.max(peak, decoder.pendingBytes);
    }
    events.push(...decoder.flush());
    expect(events.filter((e) => e.ok)).toHaveLength(0);
    // Counted, not published: every candidate is rejected with a kind (a candidate that ends in
    // hex digits after "!" is bad-crc: the CRC is checked before the format is blamed).
    const kinds = new Set(events.map((e) => (e.ok ? 'ok' : e.error.kind)));
    expect([...kinds].sort()).toEqual(['bad-crc', 'bad-format', 'truncated']);
    expect(events.length).toBeGreaterThan(1000);
    // Bounded (framer rule 4): never more than one telegram plus its CRC digits held back.
    expect(peak).toBeLessThanOrEqual(DSMR_DEFAULT_MAX_LENGTH + 4);
    expect(peak).toBeGreaterThan(0);
  });

  it('random printable lines between "/" and "!" are rejected too', () => {
    const random = seededRandom(7);
    const decoder = createDsmrDecoder();
    let ok = 0;
    for (let n = 0; n < 2000; n++) {
      let text = '/';
      const length = 5 + Math.floor(random() * 200);
      for (let i = 0; i < length; i++) text += String.fromCharCode(random() < 0.1 ? 10 : 32 + Math.floor(random() * 95));
      text = `${text.replace(/[/!]/g, '(')}\r\n!\r\n`;
      ok += decoder.push(latin1Bytes(text)).filter((e) => e.ok).length;
    }
    expect(ok).toBe(0);
  });
});

describe('DSMR 2.2/3.0 hourly gas on the continuation line', () => {
  it('a zero reading (00000.000) under a valid capture time is a value', () => {
    const v3 = textOf('v3-iskra-mt382').replace('\r\n(00001.001)\r\n', '\r\n(00000.000)\r\n');
    const r = decodeDsmrTelegram(latin1Bytes(v3));
    if (!r.ok) throw new Error(r.error.kind);
    expect(r.value.readings.find((x) => x.obis === '0-1:24.3.0')).toMatchObject({ value: 0, unit: 'm³', channel: 1, time: '2009-02-12T16:00:00+01:00' });
  });

  it('DSMR 2.2 with an all-zero channel id and a zero gas reading still has its gas meter', () => {
    const v22 = textOf('v2_2-iskra-mt382').replace('\r\n(00001.001)\r\n', '\r\n(00000.000)\r\n');
    expect(v22).not.toBe(textOf('v2_2-iskra-mt382'));
    const r = decodeDsmrTelegram(latin1Bytes(v22));
    if (!r.ok) throw new Error(r.error.kind);
    expect(r.value.readings.find((x) => x.obis === '0-1:24.3.0')).toMatchObject({ value: 0, channel: 1 });
    expect(r.value.devices).toEqual([{ channel: 1, medium: 'gas' }]);
  });

  it('a zero under an all-zero capture time stays "no value"', () => {
    const v3 = textOf('v3-iskra-mt382').replace('(090212160000)', '(000000000000)').replace('\r\n(00001.001)\r\n', '\r\n(00000.000)\r\n');
    const r = decodeDsmrTelegram(latin1Bytes(v3));
    if (!r.ok) throw new Error(r.error.kind);
    expect(r.value.readings.find((x) => x.obis === '0-1:24.3.0')).toBeUndefined();
  });
});
