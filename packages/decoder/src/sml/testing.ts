import type { MeterSnapshot, Reading } from '@smi/model';
import { crc16X25, type FrameEvent } from '../common';
import { createSmlDecoder, decodeSmlFile } from './stream-decoder';
import { encodeSmlFile, encodeSmlMessage, smlw } from './encode';

/** Test helpers (imported by `*.test.ts` only) for the SML decoder tests. */

export const cat = (...parts: (Uint8Array | readonly number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

/** The snapshot of a file that must decode (throws with the error kind otherwise). */
export function snapshot(bytes: Uint8Array): MeterSnapshot {
  const r = decodeSmlFile(bytes);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

export function byObis(s: MeterSnapshot, obis: string): Reading | undefined {
  return s.readings.find((r) => r.obis === obis);
}

/** All events of a fresh stream decoder fed `bytes` cut at `cuts`, flush included. */
export function feed(bytes: Uint8Array, cuts: readonly number[], options = {}): FrameEvent[] {
  const d = createSmlDecoder(options);
  const events: FrameEvent[] = [];
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    events.push(...d.push(bytes.subarray(from, c)));
    from = c;
  }
  return [...events, ...d.flush()];
}

/** 1–12 sorted random cut positions in [0, n). */
export function randomCuts(n: number, next: () => number): number[] {
  const k = 1 + Math.floor(next() * 12);
  return Array.from({ length: k }, () => Math.floor(next() * n)).sort((a, b) => a - b);
}

/** Each event as its snapshot, or its error kind. */
export const summary = (events: readonly FrameEvent[]): unknown[] => events.map((e) => (e.ok ? e.snapshot : e.error.kind));

/** Builds a valid file around the given GetList.Res entries. */
export function file(entries: number[][], serverId: readonly number[] = [0x09, 0x01, 0x45, 0x4d, 0x48, 0x00, 0x00, 0x41, 0xf0, 0x45]): Uint8Array {
  return encodeSmlFile([
    encodeSmlMessage({
      transactionId: [1],
      tag: 0x0101,
      body: smlw.list(smlw.absent(), smlw.absent(), smlw.octets([7]), smlw.octets(serverId), smlw.absent(), smlw.absent()),
    }),
    encodeSmlMessage({
      transactionId: [2],
      tag: 0x0701,
      body: smlw.list(smlw.absent(), smlw.octets(serverId), smlw.absent(), smlw.absent(), smlw.list(...entries), smlw.absent(), smlw.absent()),
    }),
    encodeSmlMessage({ transactionId: [3], tag: 0x0201, body: smlw.list(smlw.absent()) }),
  ]);
}

/** Recomputes the file CRC after a test changed bytes inside the file. */
export function withFileCrc(f: Uint8Array): Uint8Array {
  const out = f.slice();
  const crc = crc16X25(out, 0, out.length - 2);
  out[out.length - 2] = crc & 0xff;
  out[out.length - 1] = crc >> 8;
  return out;
}

export function replaced(f: Uint8Array, from: readonly number[], to: readonly number[]): Uint8Array {
  const hex = Buffer.from(f).toString('hex');
  const a = Buffer.from(Uint8Array.from(from)).toString('hex');
  const b = Buffer.from(Uint8Array.from(to)).toString('hex');
  if (!hex.includes(a)) throw new Error('pattern not found');
  return Uint8Array.from(Buffer.from(hex.replace(a, b), 'hex'));
}

/** A GetList.Res entry: 1-0:1.8.0 = 12345678 × 10⁻¹ Wh (1234.5678 kWh). */
export const ENERGY = smlw.entry([1, 0, 1, 8, 0, 255], smlw.uint(12345678, 4), { unit: 30, scaler: -1 });
/** A valid file holding only `ENERGY`. */
export const GOOD = file([ENERGY]);
