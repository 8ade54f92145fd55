/**
 * Distinct SML transport files built from a real fixture file: every file gets new energy
 * register values (rising), new power values and an advancing secIndex/timestamp; each message
 * CRC and the file CRC are recomputed, so each file is valid. The fixture file must carry no
 * escaped `1B1B1B1B` in its payload (none of the fixtures does).
 */
import { crc16X25 } from '../../src/common';
import { randInt, seededRng } from './rng';
import type { ExpectedValue, FrameSource, GeneratedFrame } from './types';

const ENERGY_C = new Set([1, 2]);
const POWER_C = new Set([1, 2, 16, 21, 36, 41, 56, 61, 76]);
const UNIT_WH = 30;
const UNIT_W = 27;

interface ValueSlot {
  readonly cde: string;
  readonly kind: 'energy' | 'power';
  readonly at: number;
  readonly width: number;
  readonly signed: boolean;
  /** Factor from the raw integer to the publishing unit (kWh for Wh, W). */
  readonly factor: number;
  /** Raw step of 50 Wh, or raw of 5 kW. */
  readonly scale: number;
  raw: number;
}

/** One TL field at `p`: type bits, data length (or element count of a list), TL bytes. */
function tl(b: Uint8Array, p: number): { type: number; length: number; tlBytes: number } {
  let first = b[p] as number;
  const type = first & 0x70;
  let n = first & 0x0f;
  let q = p + 1;
  while (first & 0x80) {
    first = b[q++] as number;
    n = (n << 4) | (first & 0x0f);
  }
  const tlBytes = q - p;
  return { type, length: type === 0x70 ? n : Math.max(0, n - tlBytes), tlBytes };
}

/** Offset after the element at `p` (lists with their elements). */
function skip(b: Uint8Array, p: number): number {
  if (b[p] === 0x00) return p + 1;
  const h = tl(b, p);
  if (h.type !== 0x70) return p + h.tlBytes + h.length;
  let q = p + h.tlBytes;
  for (let i = 0; i < h.length; i++) q = skip(b, q);
  return q;
}

function readInt(b: Uint8Array, p: number, width: number, signed: boolean): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + (b[p + i] as number);
  if (signed && ((b[p] as number) & 0x80) !== 0) v -= 2 ** (8 * width);
  return v;
}

function writeInt(b: Uint8Array, p: number, width: number, value: number): void {
  let v = value < 0 ? value + 2 ** (8 * width) : value;
  for (let i = width - 1; i >= 0; i--) {
    b[p + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

/** The list entries `77 07 01 00 C D E FF …` whose value is an energy or power register. */
function findValues(b: Uint8Array, start: number, end: number): ValueSlot[] {
  const slots: ValueSlot[] = [];
  for (let p = start; p + 9 < end; p++) {
    if (b[p] !== 0x77 || b[p + 1] !== 0x07 || b[p + 2] !== 0x01 || b[p + 3] !== 0x00 || b[p + 7] !== 0xff) continue;
    const [c, d, e] = [b[p + 4] as number, b[p + 5] as number, b[p + 6] as number];
    const kind = ENERGY_C.has(c) && d === 8 ? 'energy' : POWER_C.has(c) && d === 7 ? 'power' : undefined;
    if (kind === undefined) continue;
    let q = skip(b, skip(b, p + 8)); // status, valTime
    const unit = b[q] === 0x62 ? (b[q + 1] as number) : undefined;
    q = skip(b, q);
    const scaler = b[q] === 0x52 ? readInt(b, q + 1, 1, true) : 0;
    q = skip(b, q);
    const h = tl(b, q);
    if ((h.type !== 0x50 && h.type !== 0x60) || h.length < 1 || h.length > 8) continue;
    if ((kind === 'energy' && unit !== UNIT_WH) || (kind === 'power' && unit !== UNIT_W)) continue;
    const at = q + h.tlBytes;
    const signed = h.type === 0x50;
    const factor = 10 ** scaler * (kind === 'energy' ? 0.001 : 1);
    slots.push({
      cde: `${c}.${d}.${e}`,
      kind,
      at,
      width: h.length,
      signed,
      factor,
      scale: Math.max(1, Math.round(10 ** -scaler * (kind === 'energy' ? 50 : 5000))),
      raw: readInt(b, at, h.length, signed),
    });
  }
  return slots;
}

/** Offsets of the 4-byte secIndex/timestamp of every SML_Time (`72 62 01|02 65 xx xx xx xx`). */
function findTimes(b: Uint8Array, start: number, end: number): number[] {
  const at: number[] = [];
  for (let p = start; p + 8 <= end; p++) if (b[p] === 0x72 && b[p + 1] === 0x62 && (b[p + 2] === 1 || b[p + 2] === 2) && b[p + 3] === 0x65) at.push(p + 4);
  return at;
}

/** Start offset and CRC offset of every message in the payload. */
function findMessages(b: Uint8Array, start: number, end: number): Array<{ start: number; crcAt: number }> {
  const out: Array<{ start: number; crcAt: number }> = [];
  let p = start;
  while (p < end && b[p] === 0x76) {
    let q = p + 1;
    for (let i = 0; i < 4; i++) q = skip(b, q);
    if (b[q] !== 0x63) throw new Error('SML message without a 2-byte CRC');
    out.push({ start: p, crcAt: q });
    p = skip(b, q) + 1; // CRC, endOfSmlMsg
  }
  return out;
}

function hasEscape(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i + 4 <= end; i += 4) if (b[i] === 0x1b && b[i + 1] === 0x1b && b[i + 2] === 0x1b && b[i + 3] === 0x1b) return true;
  return false;
}

export function smlFrameSource(o: { fixture: string; file: Uint8Array; seed: number }): FrameSource {
  const file = o.file.slice();
  const n = file.length;
  const padding = file[n - 3] as number;
  const payloadEnd = n - 8 - padding;
  if (hasEscape(file, 8, n - 8)) throw new Error(`${o.fixture}: escaped payload`);
  const values = findValues(file, 8, payloadEnd);
  const times = findTimes(file, 8, payloadEnd).map((at) => ({ at, base: readInt(file, at, 4, false) }));
  const messages = findMessages(file, 8, payloadEnd);
  if (!values.some((v) => v.kind === 'energy')) throw new Error(`${o.fixture}: no energy register to change`);
  const rng = seededRng(o.seed);
  let k = 0;
  return {
    protocol: 'sml',
    fixture: o.fixture,
    next(): GeneratedFrame {
      k++;
      const b = file.slice();
      const expected: ExpectedValue[] = [];
      for (const v of values) {
        const limit = Math.min(Number.MAX_SAFE_INTEGER, v.signed ? 2 ** (8 * v.width - 1) : 2 ** (8 * v.width));
        if (v.kind === 'energy') v.raw = (v.raw + randInt(rng, 1, v.scale)) % limit;
        else {
          const r = randInt(rng, 0, Math.min(limit - 1, v.scale));
          v.raw = r === v.raw ? (r + 1) % Math.min(limit, v.scale + 1) : r;
        }
        writeInt(b, v.at, v.width, v.raw);
        expected.push({ cde: v.cde, value: v.raw * v.factor });
      }
      for (const t of times) writeInt(b, t.at, 4, (t.base + k) % 2 ** 32);
      for (const m of messages) {
        const crc = crc16X25(b, m.start, m.crcAt);
        b[m.crcAt + 1] = crc & 0xff;
        b[m.crcAt + 2] = crc >> 8;
      }
      if (hasEscape(b, 8, n - 8)) return this.next(); // a value that reads as an escape: take the next
      const crc = crc16X25(b, 0, n - 2);
      b[n - 2] = crc & 0xff;
      b[n - 1] = crc >> 8;
      return { bytes: b, expected };
    },
  };
}
