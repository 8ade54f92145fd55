/**
 * Distinct encrypted DLMS/COSEM pushes built from a real fixture push whose key is published: the
 * ciphered APDU is decrypted once (AES-128-GCM without tag = CTR from counter 2, node:crypto), then
 * every push gets new values in the plain data-notification (energy registers rise, power changes,
 * the date-times advance one second), a fresh invocation counter, is encrypted again and written
 * back into the carrier frames (HDLC with GBT blocks, or wired M-Bus segments), whose FCS or
 * checksum is recomputed. The layout (lengths, frame sizes) never changes.
 */
import { createCipheriv } from 'node:crypto';
import { crc16X25 } from '../../src/common';
import { GENERAL_BLOCK_TRANSFER, parseGbtBlock } from '../../src/dlms';
import { hdlcLengthField, parseHdlcFrame, stripLlc } from '../../src/hdlc';
import { parseMbusFrame } from '../../src/mbus';
import { randInt, seededRng } from './rng';
import type { ExpectedValue, FrameSource, GeneratedFrame } from './types';

/** Where the APDU bytes of one carrier frame sit, and how its check is recomputed. */
interface Region {
  readonly frameStart: number;
  readonly frameEnd: number;
  readonly start: number;
  readonly end: number;
  readonly hdlc: boolean;
}

function hdlcRegions(stream: Uint8Array): Region[] {
  const out: Region[] = [];
  let p = 0;
  while (p < stream.length) {
    if (stream[p] !== 0x7e) throw new Error(`HDLC frame expected at ${p}`);
    const end = p + hdlcLengthField(stream[p + 1] as number, stream[p + 2] as number) + 2;
    const frame = stream.subarray(p, end);
    const f = parseHdlcFrame(frame);
    if (!f.ok) throw new Error(`HDLC frame at ${p}: ${f.error.message}`);
    const info = stripLlc(f.value.information);
    let length = info.length;
    if (info[0] === GENERAL_BLOCK_TRANSFER) {
      const block = parseGbtBlock(info);
      if (!block.ok) throw new Error(`GBT block at ${p}: ${block.error.message}`);
      length = block.value.data.length;
    }
    out.push({ frameStart: p, frameEnd: end, start: end - 3 - length, end: end - 3, hdlc: true });
    p = stream[end] === 0x7e || end >= stream.length ? end : end - 1; // a shared flag opens the next frame
  }
  return out;
}

function mbusRegions(stream: Uint8Array): Region[] {
  const out: Region[] = [];
  let p = 0;
  while (p < stream.length) {
    const end = p + (stream[p + 1] as number) + 6;
    const f = parseMbusFrame(stream.subarray(p, end));
    if (!f.ok || f.value.type !== 'long') throw new Error(`M-Bus long frame expected at ${p}`);
    out.push({ frameStart: p, frameEnd: end, start: end - 2 - (f.value.data.length - 2), end: end - 2, hdlc: false });
    p = end;
  }
  return out;
}

/** Recomputes the FCS (HDLC, CRC-16/X.25 LSB first) or the checksum (M-Bus) of every frame. */
function seal(b: Uint8Array, regions: readonly Region[]): void {
  for (const r of regions) {
    if (r.hdlc) {
      const fcs = crc16X25(b, r.frameStart + 1, r.frameEnd - 3);
      b[r.frameEnd - 3] = fcs & 0xff;
      b[r.frameEnd - 2] = fcs >> 8;
    } else {
      let sum = 0;
      for (let i = r.frameStart + 4; i < r.frameEnd - 2; i++) sum = (sum + (b[i] as number)) & 0xff;
      b[r.frameEnd - 2] = sum;
    }
  }
}

/** AES-128-GCM without a tag: CTR with IV = system title ‖ invocation counter, counter from 2. */
function ctr(key: Uint8Array, systemTitle: Uint8Array, ic: number, data: Uint8Array): Uint8Array {
  const iv = Buffer.alloc(16);
  iv.set(systemTitle, 0);
  iv.writeUInt32BE(ic >>> 0, 8);
  iv.writeUInt32BE(2, 12);
  const c = createCipheriv('aes-128-ctr', key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

const FIXED: Readonly<Record<number, number>> = {
  ...{ 0x00: 0, 0x03: 1, 0x05: 4, 0x06: 4, 0x0d: 1, 0x0f: 1, 0x10: 2, 0x11: 1, 0x12: 2, 0x14: 8, 0x15: 8 },
  ...{ 0x16: 1, 0x17: 4, 0x18: 8, 0x19: 12, 0x1a: 5, 0x1b: 4 },
};

/** Offset after the A-XDR Data element at `p` (fixed-size types, strings, arrays and structures). */
function skip(b: Uint8Array, p: number): number {
  const tag = b[p] as number;
  const fixed = FIXED[tag];
  if (fixed !== undefined) return p + 1 + fixed;
  if (tag === 0x09 || tag === 0x0a || tag === 0x0c) return p + 2 + (b[p + 1] as number);
  if (tag === 0x01 || tag === 0x02) {
    let q = p + 2;
    for (let i = 0; i < (b[p + 1] as number); i++) q = skip(b, q);
    return q;
  }
  throw new Error(`A-XDR tag ${tag.toString(16)} at ${p}`);
}

/** Offsets of the items of the array/structure at `p`. */
function items(b: Uint8Array, p: number): number[] {
  const out: number[] = [];
  let q = p + 2;
  for (let i = 0; i < (b[p + 1] as number); i++) {
    out.push(q);
    q = skip(b, q);
  }
  return out;
}

const isObis = (b: Uint8Array, p: number): boolean => b[p] === 0x09 && b[p + 1] === 6;
const NUMERIC: Readonly<Record<number, number>> = { 0x05: 4, 0x06: 4, 0x10: 2, 0x12: 2, 0x14: 8, 0x15: 8 };

interface Slot {
  readonly at: number;
  readonly width: number;
  readonly cde: string;
  readonly energy: boolean;
  /** Publishing value per raw unit: 10^scaler, and Wh → kWh. */
  readonly factor: number;
  raw: number;
}

/** An energy (C 1/2, D 8) or power (C 1/2, D 7) register of group A 1 at `valueAt`, labelled by `obisAt`. */
function slotOf(b: Uint8Array, obisAt: number, valueAt: number, scalerAt: number | undefined): Slot | undefined {
  const width = NUMERIC[b[valueAt] as number];
  const [a, c, d, e] = [b[obisAt + 2], b[obisAt + 4], b[obisAt + 5], b[obisAt + 6]] as number[];
  if (width === undefined || a !== 1 || (c !== 1 && c !== 2) || (d !== 7 && d !== 8)) return undefined;
  // In-frame scaler-unit structure `02 02 0F sc 16 unit`, else scaler 0 (the meter profiles' registers).
  const su = scalerAt !== undefined && b[scalerAt] === 0x02 && b[scalerAt + 1] === 2 && b[scalerAt + 2] === 0x0f ? scalerAt : undefined;
  const scaler = su === undefined ? 0 : ((b[su + 3] as number) << 24) >> 24;
  let raw = 0;
  for (let i = 0; i < width; i++) raw = raw * 256 + (b[valueAt + 1 + i] as number);
  return { at: valueAt + 1, width, cde: `${c}.${d}.${e}`, energy: d === 8, factor: 10 ** scaler * (d === 8 ? 0.001 : 1), raw };
}

/** Registers and 12-byte date-times of a data-notification body (flat OBIS lists, OBIS structures, capture definitions). */
function findValues(b: Uint8Array, body: number): { slots: Slot[]; times: number[] } {
  const slots: Slot[] = [];
  const times: number[] = [];
  const top = items(b, body);
  const defs = b[top[0] as number] === 0x01 ? items(b, top[0] as number) : [];
  const captured = defs.length === top.length;
  top.forEach((p, i) => {
    if (b[p] === 0x09 && b[p + 1] === 12 && b[p + 2] === 0x07) times.push(p + 2);
    if (b[p] === 0x19) times.push(p + 1);
    const next = top[i + 1];
    if (captured && i > 0) {
      const def = items(b, defs[i] as number);
      const s = def[1] !== undefined && isObis(b, def[1]) ? slotOf(b, def[1], p, undefined) : undefined;
      if (s) slots.push(s);
    } else if (isObis(b, p) && next !== undefined) {
      const s = slotOf(b, p, next, top[i + 2]);
      if (s) slots.push(s);
    } else if (b[p] === 0x02 && (b[p + 1] as number) >= 2 && isObis(b, p + 2)) {
      const [o, v, su] = items(b, p);
      const s = slotOf(b, o as number, v as number, su);
      if (s) slots.push(s);
    }
  });
  return { slots, times };
}

/** Advances the COSEM date-time at `at` (year BE, month, day, weekday, h, m, s) to `base + seconds`; returns it as ISO text. */
function writeTime(b: Uint8Array, at: number, base: number, seconds: number): string {
  const t = new Date(base + seconds * 1000);
  b[at] = t.getUTCFullYear() >> 8;
  b[at + 1] = t.getUTCFullYear() & 0xff;
  b[at + 2] = t.getUTCMonth() + 1;
  b[at + 3] = t.getUTCDate();
  if (b[at + 4] !== 0xff) b[at + 4] = ((t.getUTCDay() + 6) % 7) + 1;
  b[at + 5] = t.getUTCHours();
  b[at + 6] = t.getUTCMinutes();
  b[at + 7] = t.getUTCSeconds();
  return t.toISOString().slice(0, 19);
}

const timeOf = (b: Uint8Array, at: number): number =>
  Date.UTC(((b[at] as number) << 8) | (b[at + 1] as number), (b[at + 2] as number) - 1, b[at + 3], b[at + 5], b[at + 6], b[at + 7]);

export function dlmsFrameSource(o: { fixture: string; stream: Uint8Array; key: Uint8Array; seed: number }): FrameSource {
  const stream = o.stream.slice();
  const regions = stream[0] === 0x7e ? hdlcRegions(stream) : mbusRegions(stream);
  const check = stream.slice();
  seal(check, regions);
  if (Buffer.compare(check, stream) !== 0) throw new Error(`${o.fixture}: the recomputed frame checks differ from the fixture's`);
  const apdu = Uint8Array.from(regions.flatMap((r) => [...stream.subarray(r.start, r.end)]));
  if (apdu[0] !== 0xdb && apdu[0] !== 0xdc) throw new Error(`${o.fixture}: not a general-glo/ded-ciphering APDU`);
  const systemTitle = apdu.slice(2, 10);
  const lengthBytes = (apdu[10] as number) < 0x80 ? 1 : 1 + ((apdu[10] as number) & 0x7f);
  const scAt = 10 + lengthBytes;
  if (((apdu[scAt] as number) & 0x30) !== 0x20) throw new Error(`${o.fixture}: only encrypted pushes without a tag (SC 2x) are generated`);
  const ic0 = Buffer.from(apdu.buffer, apdu.byteOffset + scAt + 1, 4).readUInt32BE(0);
  const plain = ctr(o.key, systemTitle, ic0, apdu.subarray(scAt + 5));
  if (plain[0] !== 0x0f) throw new Error(`${o.fixture}: the key does not decrypt to a data-notification`);
  // 0F · invoke id (4) · date-time (00 | 0C + 12 | 09 0C + 12) · body
  const dtAt = plain[5] === 0x09 ? 7 : plain[5] === 0x0c ? 6 : undefined;
  const bodyAt = dtAt === undefined ? 6 : dtAt + 12;
  const { slots, times } = findValues(plain, bodyAt);
  if (dtAt !== undefined) times.unshift(dtAt);
  if (!slots.some((s) => s.energy)) throw new Error(`${o.fixture}: no energy register to change`);
  slots.sort((x, y) => Number(y.energy) - Number(x.energy)); // a rising register first
  const bases = times.map((at) => timeOf(plain, at));
  const rng = seededRng(o.seed);
  let k = 0;
  return {
    protocol: 'dlms',
    fixture: o.fixture,
    next(): GeneratedFrame {
      k++;
      const p = plain.slice();
      const expected: ExpectedValue[] = [];
      for (const s of slots) {
        const limit = Math.min(Number.MAX_SAFE_INTEGER, 2 ** (8 * s.width - 1)); // positive when signed too
        if (s.energy) s.raw = (s.raw + randInt(rng, 1, 50)) % limit;
        else {
          const r = randInt(rng, 0, Math.min(limit - 1, 20000));
          s.raw = r === s.raw ? r + 1 : r;
        }
        for (let i = 0, v = s.raw; i < s.width; i++, v = Math.floor(v / 256)) p[s.at + s.width - 1 - i] = v % 256;
        expected.push({ cde: s.cde, value: s.raw * s.factor });
      }
      let time: string | undefined;
      times.forEach((at, i) => (time = writeTime(p, at, bases[i] as number, k)));
      const out = apdu.slice();
      const ic = (ic0 + k) >>> 0;
      out[scAt + 1] = ic >>> 24;
      out[scAt + 2] = (ic >>> 16) & 0xff;
      out[scAt + 3] = (ic >>> 8) & 0xff;
      out[scAt + 4] = ic & 0xff;
      out.set(ctr(o.key, systemTitle, ic, p), scAt + 5);
      const b = stream.slice();
      let from = 0;
      for (const r of regions) {
        b.set(out.subarray(from, from + r.end - r.start), r.start);
        from += r.end - r.start;
      }
      seal(b, regions);
      return time === undefined ? { bytes: b, expected } : { bytes: b, expected, time };
    },
  };
}
