import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes, type FrameEvent } from '../common';
import { randomChunks, seededRandom } from '../common/testing';
import { hostileFrameStream } from '../mbus/testing';
import { createSmlDecoder } from './stream-decoder';
import { SmlFileFramer } from './framer';

const FIXTURES = join(__dirname, '../../fixtures/sml');
const fixture = (name: string): Uint8Array => hexToBytes(readFileSync(join(FIXTURES, name), 'utf8')) ?? new Uint8Array(0);
const EMH = fixture('smartmeter-obis-emh-ehz.hex');
const ISKRA = fixture('sml-openems-iskra.hex');
const DNT = new SmlFileFramer().push(fixture('smartmeter-obis-ttyUSB0-2-dump.hex')).flatMap((e) => (e.ok ? [e.frame.slice()] : []));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const summary = (events: readonly FrameEvent[]): string[] =>
  events.map((e) => (e.ok ? `${e.snapshot.meter.id} ${e.snapshot.readings.map((r) => `${r.key}=${String(r.value)}`).join(',')}` : e.error.kind));

describe('SML stream decoder under hostile input', () => {
  it('decodes every good file exactly once, in order, among cut, bit-flipped and garbage copies', () => {
    const random = seededRandom(31);
    const { stream, goods } = hostileFrameStream([EMH, ISKRA, ...DNT], random, 300);
    const decoder = createSmlDecoder();
    const events = [...randomChunks(stream, random, 300).flatMap((c) => decoder.push(c)), ...decoder.flush()];
    expect(events.flatMap((e) => (e.ok ? [hex(e.frame)] : []))).toEqual(goods.map(hex));
  });

  it('finds no snapshot in 5 MB of random bytes', () => {
    const random = seededRandom(6);
    const decoder = createSmlDecoder();
    let snapshots = 0;
    const chunk = new Uint8Array(64 * 1024);
    for (let sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) {
      for (let i = 0; i < chunk.length; i++) chunk[i] = Math.floor(random() * 256);
      snapshots += decoder.push(chunk).filter((e) => e.ok).length;
    }
    snapshots += decoder.flush().filter((e) => e.ok).length;
    expect(snapshots).toBe(0);
    expect(decoder.discardedBytes).toBe(5 * 1024 * 1024);
  }, 30_000);

  it('keeps two decoders of different meters apart when their chunks interleave', () => {
    const a = Uint8Array.from([...EMH, ...EMH, ...EMH]);
    const b = Uint8Array.from([...ISKRA, ...(DNT[0] as Uint8Array), ...ISKRA]);
    const alone = (bytes: Uint8Array): string[] => summary(createSmlDecoder().push(bytes));
    const da = createSmlDecoder();
    const db = createSmlDecoder();
    const ca = randomChunks(a, seededRandom(1), 23);
    const cb = randomChunks(b, seededRandom(2), 23);
    const ea: FrameEvent[] = [];
    const eb: FrameEvent[] = [];
    for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
      ea.push(...da.push(ca[i] ?? new Uint8Array(0)));
      eb.push(...db.push(cb[i] ?? new Uint8Array(0)));
    }
    expect(summary(ea)).toEqual(alone(a));
    expect(summary(eb)).toEqual(alone(b));
    expect(ea.filter((e) => e.ok)).toHaveLength(3);
    expect(eb.filter((e) => e.ok)).toHaveLength(3);
    expect(new Set(summary(ea).map((s) => s.split(' ')[0])).size).toBe(1);
    expect(summary(ea)[0]).not.toEqual(summary(eb)[0]);
  });
});
