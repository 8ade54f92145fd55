/**
 * Distinct DSMR P1 telegrams and IEC 62056-21 readouts built from a real fixture: every frame
 * gets new energy register values (rising), new power values and an advancing meter time; the
 * DSMR CRC-16 and the D0 block check character are recomputed, so each frame is valid.
 */
import { crc16Arc } from '../../src/common';
import { bcc } from '../../src/iec62056-21/bcc';
import { randInt, seededRng, type Rng } from './rng';
import type { ExpectedValue, FrameSource, GeneratedFrame } from './types';

type Kind = 'energy' | 'power' | 'dsmr-time' | 'd0-clock';

interface Slot {
  readonly kind: Kind;
  readonly cde: string;
  readonly intDigits: number;
  readonly decimals: number;
  /** Factor from the written number to the publishing unit (kW → W, Wh → kWh). */
  readonly factor: number;
  units: number;
}

const LINE = /^((?:\d+-\d+:)?(\d+)\.(\d+)\.(\d+)(?:\*(\d+))?)\((\d+(?:\.\d+)?)(?:\*([A-Za-z0-9]+))?\)/;
const ENERGY_C = new Set([1, 2]);
const POWER_C = new Set([1, 2, 21, 22, 41, 42, 61, 62]);
const FACTOR: Record<string, number> = { kWh: 1, Wh: 0.001, kW: 1000, W: 1 };
const DAY = 86_400;

function slotOf(m: RegExpMatchArray): Omit<Slot, 'units'> | undefined {
  const [, code, c, d, e, f, value, unit] = m as unknown as [string, string, string, string, string, string | undefined, string, string | undefined];
  if (f !== undefined && f !== '255') return undefined;
  const cde = `${c}.${d}.${e}`;
  const [int = '', dec = ''] = value.split('.');
  const shape = { cde, intDigits: int.length, decimals: dec.length, factor: unit === undefined ? 1 : (FACTOR[unit] ?? 0) };
  if (cde === '1.0.0' && code.startsWith('0-0:')) return undefined; // a time, handled apart
  if (cde === '0.9.1' && value.length === 6) return { ...shape, kind: 'd0-clock' };
  if (shape.factor === 0) return undefined;
  if (ENERGY_C.has(Number(c)) && d === '8') return { ...shape, kind: 'energy' };
  if (POWER_C.has(Number(c)) && d === '7') return { ...shape, kind: 'power' };
  return undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function numberText(s: Slot): string {
  const digits = pad(s.units, s.intDigits + s.decimals);
  return s.decimals === 0 ? digits : `${digits.slice(0, s.intDigits)}.${digits.slice(s.intDigits)}`;
}

function dsmrTime(base: number, k: number, flag: string): { text: string; iso: string } {
  const d = new Date(base + (k % (10 * DAY)) * 1000);
  const f = [d.getUTCFullYear() % 100, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => pad(n, 2));
  return { text: f.join('') + flag, iso: `20${f[0]}-${f[1]}-${f[2]}T${f[3]}:${f[4]}:${f[5]}` };
}

/** The template split into constant text and the variable value texts between them. */
interface Template {
  readonly pieces: string[];
  readonly slots: Slot[];
  readonly time: { readonly base: number; readonly flag: string } | undefined;
}

function parseTemplate(text: string): Template {
  const pieces: string[] = [];
  const slots: Slot[] = [];
  let time: Template['time'];
  let constant = '';
  for (const line of text.split(/(?<=\n)/)) {
    const t = /^0-0:1\.0\.0\((\d{12})([SW])\)/.exec(line);
    if (t) {
      const v = t[1] as string;
      const at = '0-0:1.0.0('.length;
      pieces.push(constant + line.slice(0, at));
      const base = Date.UTC(
        2000 + Number(v.slice(0, 2)),
        Number(v.slice(2, 4)) - 1,
        Number(v.slice(4, 6)),
        Number(v.slice(6, 8)),
        Number(v.slice(8, 10)),
        Number(v.slice(10, 12)),
      );
      time = { base, flag: t[2] as string };
      slots.push({ kind: 'dsmr-time', cde: '1.0.0', intDigits: 12, decimals: 0, factor: 1, units: 0 });
      constant = line.slice(at + 13);
      continue;
    }
    const m = LINE.exec(line);
    const shape = m ? slotOf(m) : undefined;
    if (!m || !shape) {
      constant += line;
      continue;
    }
    const at = (m[1] as string).length + 1;
    const value = m[6] as string;
    pieces.push(constant + line.slice(0, at));
    slots.push({ ...shape, units: Number(value.replace('.', '')) });
    constant = line.slice(at + value.length);
  }
  pieces.push(constant);
  return { pieces, slots, time };
}

function nextUnits(s: Slot, rng: Rng): number {
  const limit = 10 ** (s.intDigits + s.decimals);
  if (s.kind === 'energy') return (s.units + randInt(rng, 1, 50)) % limit;
  if (s.kind === 'd0-clock') {
    const secs = (Math.floor(s.units / 10000) * 3600 + (Math.floor(s.units / 100) % 100) * 60 + (s.units % 100) + 1) % DAY;
    return Math.floor(secs / 3600) * 10000 + Math.floor((secs % 3600) / 60) * 100 + (secs % 60);
  }
  // power: 0…5 kW in the register's resolution, never the same value twice in a row
  const max = Math.min(limit - 1, Math.round((5000 / (s.factor * 1000)) * 10 ** s.decimals));
  const v = randInt(rng, 0, max);
  return v === s.units ? (v + 1) % (max + 1) : v;
}

export interface TextFrameOptions {
  readonly protocol: 'dsmr' | 'd0';
  readonly fixture: string;
  /** The fixture's bytes; for D0 push files only the first telegram (through `!` CR LF) is used. */
  readonly bytes: Uint8Array;
  readonly seed: number;
}

export function textFrameSource(o: TextFrameOptions): FrameSource {
  let text = Buffer.from(o.bytes).toString('latin1');
  let crcTail: string | undefined;
  if (o.protocol === 'dsmr') {
    const m = /!([0-9A-Fa-f]{4})(\r?\n)?$/.exec(text);
    if (!m) throw new Error(`${o.fixture}: no DSMR CRC line`);
    crcTail = m[2] ?? '';
    text = text.slice(0, m.index + 1);
  } else if (!text.includes('\u0002')) {
    const end = text.indexOf('!\r\n');
    if (end > 0) text = text.slice(0, end + 3);
  }
  const template = parseTemplate(text);
  if (!template.slots.some((s) => s.kind === 'energy')) throw new Error(`${o.fixture}: no energy register to change`);
  const rng = seededRng(o.seed);
  let k = 0;
  return {
    protocol: o.protocol,
    fixture: o.fixture,
    next(): GeneratedFrame {
      k++;
      const expected: ExpectedValue[] = [];
      let out = template.pieces[0] as string;
      let iso: string | undefined;
      template.slots.forEach((s, i) => {
        let v: string;
        if (s.kind === 'dsmr-time' && template.time) {
          const t = dsmrTime(template.time.base, k, template.time.flag);
          v = t.text;
          iso = t.iso;
        } else {
          s.units = nextUnits(s, rng);
          v = numberText(s);
          if (s.kind !== 'd0-clock') expected.push({ cde: s.cde, value: Number(v) * s.factor });
        }
        out += v + (template.pieces[i + 1] as string);
      });
      if (crcTail !== undefined) {
        const body = Buffer.from(out, 'latin1');
        out += crc16Arc(body).toString(16).toUpperCase().padStart(4, '0') + crcTail;
      }
      const bytes = new Uint8Array(Buffer.from(out, 'latin1'));
      if (o.protocol === 'd0') fixBcc(bytes);
      return iso === undefined ? { bytes, expected } : { bytes, expected, time: iso };
    },
  };
}

/** Recomputes the BCC of a readout that ends `ETX bcc` after an STX. */
function fixBcc(b: Uint8Array): void {
  const stx = b.indexOf(0x02, b.indexOf(0x0a));
  const etx = b.length - 2;
  if (stx < 0 || b[etx] !== 0x03) return;
  b[etx + 1] = bcc(b, stx + 1, etx + 1);
}
