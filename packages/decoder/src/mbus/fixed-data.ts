import { optional, type Medium, type Quantity, type Unit } from '@smi/model';
import { fail, ok, scaleDecimal, type Result } from '../common';
import { bcdDigits, readBcd, readUnsignedLE } from './data-coding';
import { findRow, resolveRow, type VifRow } from './vif-types';

/**
 * Fixed data structure (CI 73 LSB first, 77 MSB first; EN 1434-3 heritage, libmbus
 * `mbus_data_fixed_*`): id (4 BCD), access number, status, two medium/unit bytes, two 4-byte
 * counters. Status bit 7: counters binary (else BCD); bit 6: stored (else actual) values.
 */
export const FIXED_DATA_LENGTH = 16;

/** Unit byte (bits 5–0) of a counter. 3E = "same unit as counter 1, historic value". */
export const FIXED_UNITS: readonly VifRow[] = [
  { from: 0x00, key: 'time', name: 'Time (h,m,s)', quantity: 'unknown' },
  { from: 0x01, key: 'date', name: 'Date (D,M,Y)', quantity: 'unknown' },
  { from: 0x02, to: 0x0a, key: 'energy', name: 'Energy', quantity: 'energy', unit: 'Wh', exp: 0 },
  { from: 0x0b, to: 0x13, key: 'energy', name: 'Energy', quantity: 'energy', unit: 'MJ', exp: -3 },
  { from: 0x14, to: 0x1c, key: 'power', name: 'Power', quantity: 'power', unit: 'W', exp: 0 },
  { from: 0x1d, to: 0x25, key: 'power', name: 'Power', quantity: 'power', unit: 'W', exp: 3, factor: 1 / 3600 },
  { from: 0x26, to: 0x2e, key: 'volume', name: 'Volume', quantity: 'volume', unit: 'm³', exp: -6 },
  { from: 0x2f, to: 0x37, key: 'volume_flow', name: 'Volume flow', quantity: 'volume_flow', unit: 'm³/h', exp: -6 },
  { from: 0x38, key: 'temperature', name: 'Temperature', quantity: 'temperature', unit: '°C', exp: -3 },
  { from: 0x39, key: 'hca_units', name: 'Heat cost allocator units', quantity: 'count' },
  { from: 0x3f, key: 'counter', name: 'Counter', quantity: 'unknown' },
];

export const FIXED_UNIT_HISTORIC = 0x3e;

/** Medium from the two top bits of each unit byte (libmbus `mbus_data_fixed_medium`); mode-2 codes map to their base medium. */
const FIXED_MEDIA: readonly Medium[] = [
  'other',
  'oil',
  'electricity',
  'gas',
  'heat',
  'steam',
  'warm_water',
  'water',
  'heat_cost_allocator',
  'unknown',
  'gas',
  'heat',
  'warm_water',
  'water',
  'heat_cost_allocator',
  'unknown',
];

export interface FixedCounter {
  readonly key: string;
  readonly name: string;
  /** Model quantity before the medium narrows it (`energy` → `heat_energy` on heat meters). */
  readonly quantity: Quantity;
  readonly value: number | null;
  readonly rawValue?: number;
  readonly raw: string;
  readonly unit?: Unit;
  readonly unitCode: number;
  readonly historic: boolean;
}

export interface MbusFixedData {
  readonly id: string;
  readonly accessNumber: number;
  readonly status: number;
  readonly mediumCode: number;
  readonly medium: Medium;
  /** Status bit 6: the counters are stored (e.g. due-date) values. */
  readonly stored: boolean;
  readonly bcd: boolean;
  readonly counters: readonly [FixedCounter, FixedCounter];
}

const LAYER = 'mbus-fixed';

function counter(bytes: Uint8Array, bcd: boolean, unitCode: number, counter1Unit: number, index: 1 | 2): FixedCounter {
  const historic = unitCode === FIXED_UNIT_HISTORIC;
  const code = historic ? counter1Unit : unitCode;
  const row = findRow(FIXED_UNITS, code);
  const def = row ? resolveRow(row, code) : { key: 'counter', name: 'Counter', quantity: 'unknown' as const, exponent: 0, factor: 1 };
  const rawValue = bcd ? readBcd(bytes) : readUnsignedLE(bytes);
  const raw = bcdDigits(bytes);
  const scaled = rawValue === undefined ? null : scaleDecimal(rawValue, def.exponent) * def.factor;
  const suffix = historic ? '_historic' : index === 2 && !historic && code === counter1Unit ? '_2' : '';
  return {
    key: `${def.key}${suffix}`,
    name: `${def.name}${historic ? ' (historic)' : ''}`,
    quantity: def.quantity,
    value: scaled,
    ...optional('rawValue', rawValue),
    raw,
    ...('unit' in def && def.unit !== undefined ? { unit: def.unit } : {}),
    unitCode,
    historic,
  };
}

/** Parses the 16 bytes of a fixed data response (`msbFirst` for CI 77: 4-byte fields reversed, unverified). */
export function parseFixedData(data: Uint8Array, msbFirst = false): Result<MbusFixedData> {
  if (data.length < FIXED_DATA_LENGTH) return fail('truncated', LAYER, 'fixed data needs 16 bytes', data.length);
  if (data.length > FIXED_DATA_LENGTH) return fail('bad-length', LAYER, 'fixed data is 16 bytes', FIXED_DATA_LENGTH);
  const f = (from: number, len: number): Uint8Array => {
    const b = data.slice(from, from + len);
    return msbFirst ? b.reverse() : b;
  };
  const status = data[5] as number;
  const t1 = data[6] as number;
  const t2 = data[7] as number;
  const mediumCode = ((t1 & 0xc0) >> 6) | ((t2 & 0xc0) >> 4);
  const bcd = (status & 0x80) === 0;
  return ok({
    id: bcdDigits(f(0, 4)),
    accessNumber: data[4] as number,
    status,
    mediumCode,
    medium: FIXED_MEDIA[mediumCode] as Medium,
    stored: (status & 0x40) !== 0,
    bcd,
    counters: [counter(f(8, 4), bcd, t1 & 0x3f, t1 & 0x3f, 1), counter(f(12, 4), bcd, t2 & 0x3f, t1 & 0x3f, 2)],
  });
}
