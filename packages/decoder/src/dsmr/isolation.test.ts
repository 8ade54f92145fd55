import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot } from '@smi/model';
import { createDsmrDecoder, decodeDsmrTelegram } from './index';
import { concatBytes } from '../common/bytes';
import { latin1Text, randomChunks, seededRandom } from '../common/testing';
import { signTelegram } from './testing';

/**
 * Issue 13: each decoder owns its state. Two decoders of different meters, fed chunk by chunk in
 * turn, each give exactly their own snapshots, as if alone.
 */

const DIR = join(__dirname, '../../fixtures/dsmr');
const textOf = (name: string): string => latin1Text(new Uint8Array(readFileSync(join(DIR, `${name}.txt`))));

/** n telegrams of one meter, each with another energy register value (re-signed). */
function series(name: string, register: string, n: number): Uint8Array[] {
  const text = textOf(name);
  const at = text.indexOf(register);
  if (at < 0) throw new Error(`${register} not in ${name}`);
  const open = text.indexOf('(', at) + 1;
  return Array.from({ length: n }, (_, i) => signTelegram(`${text.slice(0, open)}${String(100000 + i * 7).padStart(6, '0')}${text.slice(open + 6)}`));
}

function valueOf(s: MeterSnapshot, obis: string): unknown {
  return s.readings.find((r) => r.obis === obis)?.value;
}

describe('two DSMR decoders interleaved chunk by chunk', () => {
  const iskra = series('v5-iskra-mt382', '1-0:1.8.1(', 6);
  const fluvius = series('fluvius-v171', '1-0:1.8.1(', 6);

  it('each gives exactly its own snapshots, in order, equal to decoding alone', () => {
    const random = seededRandom(1313);
    const a = randomChunks(concatBytes(iskra), random, 90);
    const b = randomChunks(concatBytes(fluvius), random, 90);
    const da = createDsmrDecoder();
    const db = createDsmrDecoder();
    const outA: MeterSnapshot[] = [];
    const outB: MeterSnapshot[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const ca = a[i];
      const cb = b[i];
      if (ca) for (const e of da.push(ca)) outA.push(e.ok ? e.snapshot : (null as never));
      if (cb) for (const e of db.push(cb)) outB.push(e.ok ? e.snapshot : (null as never));
    }
    expect(outA).toEqual(iskra.map((t) => (decodeDsmrTelegram(t) as { value: MeterSnapshot }).value));
    expect(outB).toEqual(fluvius.map((t) => (decodeDsmrTelegram(t) as { value: MeterSnapshot }).value));
    expect(outA.map((s) => valueOf(s, '1-0:1.8.1'))).toEqual([100000.426, 100007.426, 100014.426, 100021.426, 100028.426, 100035.426]);
    expect(outB.map((s) => valueOf(s, '1-0:1.8.1'))).toEqual([100000.034, 100007.034, 100014.034, 100021.034, 100028.034, 100035.034]);
    expect(new Set(outA.map((s) => s.meter.manufacturerId))).toEqual(new Set(['ISk']));
    expect(new Set(outB.map((s) => s.meter.manufacturerId))).toEqual(new Set(['FLU']));
  });

  it('each decoder reuses its own meter info across its telegrams, whatever the other decodes in between', () => {
    const da = createDsmrDecoder();
    const db = createDsmrDecoder();
    const metersA: object[] = [];
    const metersB: object[] = [];
    for (let i = 0; i < iskra.length; i++) {
      for (const e of da.push(iskra[i] as Uint8Array)) if (e.ok) metersA.push(e.snapshot.meter);
      for (const e of db.push(fluvius[i] as Uint8Array)) if (e.ok) metersB.push(e.snapshot.meter);
    }
    expect(metersA).toHaveLength(6);
    expect(metersB).toHaveLength(6);
    // One object per decoder: with a meter memo shared by both, every telegram would get a new one.
    expect(new Set(metersA).size).toBe(1);
    expect(new Set(metersB).size).toBe(1);
    expect(metersA[0]).toMatchObject({ id: 'K8EG004046395507', manufacturerId: 'ISk' });
    expect(metersB[0]).toMatchObject({ manufacturerId: 'FLU' });
  });
});
