/**
 * Distinct wired M-Bus RSP_UD long frames built from a real fixture frame (libmbus test set): every
 * frame gets new data bytes in the instantaneous value records (BCD or binary as the DIF says):
 * counters (energy, volume) rise, rates and temperatures change; the access number counts up and
 * the checksum is recomputed. Only plain records (no DIFE, no VIFE, primary VIF) whose value the
 * scaling below reproduces on the original frame are changed; the others keep their bytes.
 */
import { decodeMbusFrame, parseMbusFrame, parseMbusRecords } from '../../src/mbus';
import { randInt, seededRng } from './rng';
import type { ExpectedValue, FrameSource, GeneratedFrame } from './types';

/** Primary VIF ranges the generator changes: decimal exponent from the low bits, to the publishing unit. */
interface VifRule {
  readonly from: number;
  readonly to: number;
  readonly counter: boolean;
  /** Publishing value = raw × 10^(code − from + base). */
  readonly base: number;
}

const RULES: readonly VifRule[] = [
  { from: 0x00, to: 0x07, counter: true, base: -6 }, // energy Wh → kWh
  { from: 0x10, to: 0x17, counter: true, base: -6 }, // volume m³
  { from: 0x28, to: 0x2f, counter: false, base: -3 }, // power W
  { from: 0x38, to: 0x3f, counter: false, base: -6 }, // volume flow m³/h
  { from: 0x58, to: 0x5b, counter: false, base: -3 }, // flow temperature °C
  { from: 0x5c, to: 0x5f, counter: false, base: -3 }, // return temperature °C
];

/** DIF data field → bytes and coding (real, LVAR, selection and special are left alone). */
const FIELDS: Readonly<Record<number, { readonly width: number; readonly bcd: boolean }>> = {
  0x1: { width: 1, bcd: false },
  0x2: { width: 2, bcd: false },
  0x3: { width: 3, bcd: false },
  0x4: { width: 4, bcd: false },
  0x6: { width: 6, bcd: false },
  0x7: { width: 8, bcd: false },
  0x9: { width: 1, bcd: true },
  0xa: { width: 2, bcd: true },
  0xb: { width: 3, bcd: true },
  0xc: { width: 4, bcd: true },
  0xe: { width: 6, bcd: true },
};

interface Slot {
  /** Offset of the data bytes in the frame. */
  readonly at: number;
  readonly width: number;
  readonly bcd: boolean;
  readonly counter: boolean;
  readonly exponent: number;
  readonly key: string;
  /** Values stay below this (BCD digits, or the positive range of a signed integer). */
  readonly limit: number;
  /** Upper bound of a changing rate (twice the fixture's value, at least 1000). */
  readonly span: number;
  raw: number;
}

function readRaw(b: Uint8Array, at: number, width: number, bcd: boolean): number | undefined {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) {
    const x = b[at + i] as number;
    if (!bcd) v = v * 256 + x;
    else if (x >> 4 > 9 || (x & 15) > 9) return undefined;
    else v = v * 100 + (x >> 4) * 10 + (x & 15);
  }
  if (!bcd && ((b[at + width - 1] as number) & 0x80) !== 0) return undefined; // negative: leave alone
  return v;
}

function writeRaw(b: Uint8Array, at: number, width: number, bcd: boolean, value: number): void {
  let v = value;
  for (let i = 0; i < width; i++) {
    if (bcd) {
      const two = v % 100;
      b[at + i] = ((Math.floor(two / 10) << 4) | (two % 10)) & 0xff;
      v = Math.floor(v / 100);
    } else {
      b[at + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
}

const scaled = (raw: number, exponent: number): number => (exponent < 0 ? raw / 10 ** -exponent : raw * 10 ** exponent);

/** Offset of the access number in the frame (CI 72: header byte 8; CI 7A: first byte), if any. */
function accessNumberAt(ci: number): number | undefined {
  if (ci === 0x72) return 7 + 8;
  if (ci === 0x7a) return 7;
  return undefined;
}

function findSlots(fixture: string, frame: Uint8Array): Slot[] {
  const parsed = parseMbusFrame(frame);
  if (!parsed.ok || parsed.value.type !== 'long') throw new Error(`${fixture}: not a long frame`);
  const { ci, data } = parsed.value;
  const start = ci === 0x72 ? 12 : ci === 0x7a ? 4 : ci === 0x78 ? 0 : -1;
  if (start < 0) throw new Error(`${fixture}: CI ${ci.toString(16)} is not a variable data response (LSB first)`);
  const records = parseMbusRecords(data, start);
  const snapshot = decodeMbusFrame(frame);
  if (!records.ok || !snapshot.ok) throw new Error(`${fixture}: not decoded`);
  const slots: Slot[] = [];
  let index = 0; // data records and readings are in the same order
  for (const r of records.value.records) {
    if (r.type !== 'data') continue;
    const reading = snapshot.value.readings[index++];
    const field = FIELDS[r.dif & 0x0f];
    const rule = RULES.find((x) => r.vib.vif >= x.from && r.vib.vif <= x.to);
    if (field === undefined || rule === undefined || (r.dif & 0xf0) !== 0 || r.vib.vifes.length > 0 || typeof reading?.value !== 'number') continue;
    const at = 7 + r.offset + 2; // after 68 L L 68 C A CI, DIF and VIF
    const raw = readRaw(frame, at, field.width, field.bcd);
    const exponent = r.vib.vif - rule.from + rule.base;
    if (raw === undefined || Math.abs(scaled(raw, exponent) - reading.value) > 1e-9 * Math.max(1, Math.abs(reading.value))) continue;
    const limit = Math.min(Number.MAX_SAFE_INTEGER, field.bcd ? 10 ** (2 * field.width) : 2 ** (8 * field.width - 1));
    // A counter must be able to rise for a long run; a nearly full one changes like a rate.
    const counter = rule.counter && limit - raw > 1e6;
    slots.push({ at, width: field.width, bcd: field.bcd, counter, exponent, key: reading.key, limit, span: Math.min(limit - 1, Math.max(1000, 2 * raw)), raw });
  }
  // Counters first: the first expected value of every frame is a rising register.
  return [...slots.filter((s) => s.counter), ...slots.filter((s) => !s.counter)];
}

/**
 * The libmbus fixture frames with at least one counter record the generator can change (51 of 76;
 * the others are fixed-data or carry their energy with DIFEs/VIFEs only), in file order.
 */
export const MBUS_GEN_FIXTURES: readonly string[] = [
  'ACW_Itron-BM-plus-m',
  'ACW_Itron-CYBLE-M-Bus-14',
  'EFE_Engelmann-Elster-SensoStar-2',
  'EFE_Engelmann-WaterStar',
  'ELS_Elster-F96-Plus',
  'Elster-F2',
  'GWF-MTKcoder',
  'REL-Relay-Padpuls2',
  'SEN_Pollustat',
  'SEN_Sensus-PolluStat-E',
  'SEN_Sensus-PolluTherm',
  'SLB_CF-Compact-Integral-MK-MaXX',
  'ZRM_Minol-Minocal-C2',
  'abb_f95',
  'allmess_cf50',
  'berg_dz_plus',
  'els_falcon',
  'els_tmpa_telegramm1',
  'engelmann_sensostar2c',
  'example_data_01',
  'example_data_02',
  'frame2',
  'itron_bm_plusm',
  'itron_cf_51',
  'itron_cf_55',
  'itron_cf_echo_2',
  'itron_cyble_m-bus_v1.4_cold_water',
  'itron_cyble_m-bus_v1.4_gas',
  'itron_cyble_m-bus_v1.4_water',
  'itron_integral_mk_maxx',
  'kamstrup_382_005',
  'kamstrup_multical_601',
  'landisplusgyr_ultraheat_t230',
  'manual_frame3',
  'metrona_pollutherm',
  'metrona_ultraheat_xs',
  'minol_minocal_c2',
  'minol_minocal_wr3',
  'nzr_dhz_5_63',
  'oms_frame1',
  'oms_frame2',
  'oms_frame3',
  'ram_modularis',
  'rel_padpuls2',
  'sen_pollucom_e',
  'sen_pollutherm',
  'siemens_water',
  'siemens_wfh21',
  'sontex_supercal_531_telegram1',
  'svm_f22_telegram1',
  'tch_telegramm1',
];

export function mbusFrameSource(o: { fixture: string; frame: Uint8Array; seed: number }): FrameSource {
  const frame = o.frame.slice();
  const slots = findSlots(o.fixture, frame);
  if (!slots.some((s) => s.counter)) throw new Error(`${o.fixture}: no counter record to change`);
  const n = frame.length;
  const access = accessNumberAt(frame[6] as number);
  const rng = seededRng(o.seed);
  return {
    protocol: 'mbus',
    fixture: o.fixture,
    next(): GeneratedFrame {
      const b = frame.slice();
      const expected: ExpectedValue[] = [];
      for (const s of slots) {
        if (s.counter) s.raw = (s.raw + randInt(rng, 1, 100)) % s.limit;
        else {
          const r = randInt(rng, 0, s.span);
          s.raw = r === s.raw ? (r + 1) % (s.span + 1) : r;
        }
        writeRaw(b, s.at, s.width, s.bcd, s.raw);
        expected.push({ cde: s.key, value: scaled(s.raw, s.exponent) });
      }
      if (access !== undefined) frame[access] = ((frame[access] as number) + 1) & 0xff;
      if (access !== undefined) b[access] = frame[access] as number;
      let sum = 0;
      for (let i = 4; i < n - 2; i++) sum = (sum + (b[i] as number)) & 0xff;
      b[n - 2] = sum;
      return { bytes: b, expected };
    },
  };
}
