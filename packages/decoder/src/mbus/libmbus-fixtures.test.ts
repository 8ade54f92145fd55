import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertValue, mediumFromCode, type Medium, type Unit } from '@smi/model';
import type { MbusTelegram } from './application';
import type { MbusRecord } from './records';
import { recordToReading } from './readings';
import { decodeMbusFrame, decodeMbusTelegram } from './snapshot';

/**
 * Table-driven comparison of every libmbus test frame with libmbus' own reference output
 * (`expected` = XML, `expected_normalized` = .norm.xml). Values are compared numerically after
 * bringing libmbus' base unit to ours with the model's `convertValue`.
 */

const DIR = join(__dirname, '../../fixtures/mbus');

interface LibRecord {
  readonly value: string;
  readonly unit?: string | null;
  readonly function?: string;
  readonly storagenumber?: string;
  readonly tariff?: string;
  readonly device?: string;
  readonly quantity?: string | null;
}

interface Fixture {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly slave: Readonly<Record<string, string>>;
  readonly expected: Readonly<Record<string, LibRecord>>;
  readonly normalized: Readonly<Record<string, LibRecord>>;
}

function load(): Fixture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      const json = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as {
        slave_information: Record<string, string>;
        expected: Record<string, LibRecord>;
        expected_normalized: Record<string, LibRecord>;
      };
      return {
        name,
        bytes: Uint8Array.from(Buffer.from(readFileSync(join(DIR, f), 'utf8').trim(), 'hex')),
        slave: json.slave_information,
        expected: json.expected,
        normalized: json.expected_normalized,
      };
    });
}

/** libmbus normalised unit → model unit and factor to it (J → MJ). */
const LIB_UNITS: Readonly<Record<string, readonly [Unit, number]>> = {
  Wh: ['Wh', 1],
  J: ['MJ', 1e-6],
  'm^3': ['m³', 1],
  'm^3/h': ['m³/h', 1],
  W: ['W', 1],
  'Â°C': ['°C', 1],
  '°C': ['°C', 1],
  K: ['K', 1],
  s: ['s', 1],
  V: ['V', 1],
  A: ['A', 1],
  kWh: ['kWh', 1],
  l: ['L', 1],
};

/** libmbus normalised quantity → our VIF definition key (plain-text units compare by text). */
const LIB_QUANTITIES: Readonly<Record<string, readonly string[]>> = {
  Energy: ['energy'],
  Volume: ['volume'],
  Power: ['power'],
  'Volume flow': ['volume_flow'],
  'Flow temperature': ['flow_temperature'],
  'Return temperature': ['return_temperature'],
  'External temperature': ['external_temperature'],
  'Temperature difference': ['temperature_difference'],
  'On time': ['on_time'],
  'Operating time': ['operating_time'],
  // libmbus' normalised table labels 74–77 (actuality) "Averaging Duration" too.
  'Averaging Duration': ['averaging_duration', 'actuality_duration'],
  'Actuality Duration': ['actuality_duration'],
  'Fabrication No': ['fabrication_number'],
  '(Enhanced) Identification': ['enhanced_identification'],
  'Time point (date & time)': ['date_time'],
  'Time point (date)': ['date'],
  'H.C.A.': ['hca_units'],
  'Error flags': ['error_flags'],
  'Digital Input': ['digital_input'],
  'Digital Output': ['digital_output'],
  'Firmware version': ['firmware_version'],
  'Software version': ['software_version'],
  'Model / Version': ['model_version'],
  'Parameter set identification': ['parameter_set_id'],
  'Customer location': ['customer_location'],
  Dimensionless: ['dimensionless'],
  Voltage: ['voltage'],
  Current: ['current'],
  'Reset counter': ['reset_counter'],
  'Special supplier information': ['supplier_information'],
  'Manufacturer specific': ['manufacturer_specific'],
  Medium: ['medium'],
  Reserved: ['reserved_fd_7c'],
};

const LIB_FUNCTIONS: Readonly<Record<string, string>> = {
  'Instantaneous value': 'instantaneous',
  'Maximum value': 'maximum',
  'Minimum value': 'minimum',
  'Value during error state': 'error',
};

/** libmbus' variable-data medium text → EN 13757-3 code (for the header check). */
const LIB_MEDIA: Readonly<Record<string, number>> = {
  Other: 0x00,
  Oil: 0x01,
  Electricity: 0x02,
  Gas: 0x03,
  'Heat: Outlet': 0x04,
  Steam: 0x05,
  'Hot water': 0x06,
  Water: 0x07,
  'Heat Cost Allocator': 0x08,
  'Compressed Air': 0x09,
  'Cooling load meter: Outlet': 0x0a,
  'Cooling load meter: Inlet': 0x0b,
  'Heat: Inlet': 0x0c,
  'Heat / Cooling load meter': 0x0d,
  'Bus/System': 0x0e,
  'Unknown Medium': 0x0f,
  'Cold water': 0x16,
};

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Compares one libmbus record with ours; returns undefined when they agree, else why not. */
function compareRecord(lib: LibRecord, norm: LibRecord, ours: MbusRecord | undefined): string | undefined {
  if (!ours) return 'missing record';
  if (lib.function === 'Manufacturer specific' || lib.function === 'More records follow') {
    if (ours.type !== 'manufacturer-data') return `expected manufacturer data, got ${ours.key}`;
    if (ours.moreRecordsFollow !== (lib.function === 'More records follow')) return 'more-records-follow flag';
    const hex = Buffer.from(ours.data).toString('hex').toUpperCase();
    return hex === lib.value.replace(/\s+/g, '') ? undefined : `manufacturer bytes ${hex}`;
  }
  if (ours.type !== 'data') return 'expected a data record';
  if (LIB_FUNCTIONS[lib.function ?? ''] !== ours.function) return `function ${ours.function}`;
  if (Number(lib.storagenumber ?? 0) !== ours.storage) return `storage ${ours.storage}`;
  if (lib.tariff !== undefined && Number(lib.tariff) !== ours.tariff) return `tariff ${ours.tariff}`;
  if (lib.device !== undefined && Number(lib.device) !== ours.subunit) return `subunit ${ours.subunit}`;
  // The reading carries storage, tariff and subunit as fields (absent when 0), as libmbus states them.
  const placed = recordToReading(ours, {});
  const libPlace = [Number(lib.storagenumber ?? 0), Number(lib.tariff ?? ours.tariff), Number(lib.device ?? ours.subunit)];
  const ourPlace = [placed?.storage ?? 0, placed?.tariff ?? 0, placed?.subunit ?? 0];
  if (ourPlace.join() !== libPlace.join()) return `reading storage/tariff/subunit ${ourPlace.join('/')} vs ${libPlace.join('/')}`;
  if (norm.quantity === undefined || norm.quantity === null) {
    // libmbus could not normalise (reserved VIF): compare the raw number.
    if (ours.vib.table !== 'reserved') return `libmbus has no meaning, ours ${ours.vib.table} ${ours.key}`;
    return ours.rawValue === Number(lib.value) ? undefined : `raw ${String(ours.rawValue)} vs ${lib.value}`;
  }
  const quantity = norm.quantity;
  const keys = LIB_QUANTITIES[quantity];
  const meaningOk = keys ? keys.includes(ours.vib.definition.key) : ours.vib.plainText === quantity;
  if (!meaningOk) return `meaning: libmbus "${quantity}", ours ${ours.vib.definition.key}`;
  if (ours.vib.valueIs)
    return `our VIFE turns the value into ${ours.vib.valueIs.kind} "${ours.name}" = ${String(ours.value)}; libmbus ignores the VIFE (${norm.value} ${norm.unit ?? ''})`;
  if (quantity.startsWith('Time point')) {
    return ours.value === norm.value.replace(/Z$/, '') ? undefined : `date ${String(ours.value)} vs ${norm.value}`;
  }
  if (typeof ours.value === 'string' && !/^[0-9]+$/.test(ours.value)) {
    // libmbus prints binary as spaced hex and trims text.
    const libText = ours.coding === 'lvar-binary' ? lib.value.replace(/\s+/g, '') : lib.value.trim();
    return ours.value === libText ? undefined : `text ${ours.value} vs ${lib.value}`;
  }
  if (ours.value === null) return `our value is null (${ours.errors.join(', ')}); libmbus gives ${norm.value}`;
  const libValue = Number(norm.value);
  const ourValue = Number(ours.value);
  const libUnit = LIB_UNITS[norm.unit ?? ''];
  if (!libUnit || ours.unit === undefined) {
    if (libUnit || ours.unit !== undefined) return `unit: libmbus "${norm.unit ?? ''}", ours ${ours.unit ?? ours.meterUnit ?? 'none'}`;
    return close(libValue, ourValue) ? undefined : `value ${ourValue} vs ${libValue}`;
  }
  const converted = convertValue(libValue * libUnit[1], libUnit[0], ours.unit);
  if (converted === undefined) return `unit: libmbus ${norm.unit ?? ''} cannot convert to ${ours.unit}`;
  if (!close(converted, ourValue)) return `value ${ourValue} ${ours.unit} vs libmbus ${libValue} ${norm.unit ?? ''}`;
  // The reading carries the same value in the publishing unit.
  const reading = recordToReading(ours, {});
  if (reading && reading.unit !== undefined && typeof reading.value === 'number') {
    const inReadingUnit = convertValue(libValue * libUnit[1], libUnit[0], reading.unit);
    if (inReadingUnit === undefined || !close(inReadingUnit, reading.value)) return `reading ${reading.value} ${reading.unit}`;
  }
  return undefined;
}

/** Fixed data (CI 73): libmbus prints counter values with their unit text, unnormalised. */
function compareFixed(t: MbusTelegram, lib: LibRecord, index: number): string | undefined {
  if (t.kind !== 'fixed') return 'expected fixed data';
  const c = t.fixed.counters[index];
  if (!c) return 'missing counter';
  if ((lib.function === 'Stored value') !== t.fixed.stored) return 'stored/actual';
  const libUnit = LIB_UNITS[lib.unit ?? ''];
  if (!libUnit) return c.rawValue === Number(lib.value) ? undefined : `raw ${String(c.rawValue)} vs ${lib.value}`;
  if (c.unit === undefined || c.value === null) return 'no unit';
  const converted = convertValue(Number(lib.value), libUnit[0], c.unit);
  return converted !== undefined && close(converted, c.value) ? undefined : `value ${c.value} ${c.unit} vs ${lib.value} ${lib.unit ?? ''}`;
}

/** The value of a result; throws (failing the test) on an error. */
function unwrap<T>(r: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly kind: string } }): T {
  if (!r.ok) throw new Error(`decode failed: ${r.error.kind}`);
  return r.value;
}

/** Our header facts in libmbus' slave-information terms. */
function ourSlave(t: MbusTelegram): Readonly<Record<string, string | number>> {
  if (t.kind === 'fixed') return { kind: 'fixed', Id: t.fixed.id.replace(/^0+/, '') };
  if (t.kind !== 'variable') return { kind: t.kind };
  const h = t.header;
  if (!h) return { kind: 'variable', header: 'none' };
  return {
    kind: 'variable',
    Id: Number(h.id),
    Manufacturer: h.manufacturerId,
    Version: String(h.version),
    Medium: h.mediumCode,
    AccessNumber: String(h.accessNumber),
    Status: h.status.toString(16).padStart(2, '0').toUpperCase(),
    Signature: h.signature.toString(16).padStart(4, '0').toUpperCase(),
    records: t.records.length,
  };
}

/** libmbus' slave information in the same shape, without the fields libmbus leaves out (matched as a subset). */
function libSlave(f: Fixture, kind: MbusTelegram['kind']): Readonly<Record<string, string | number>> {
  const s = f.slave;
  if (kind === 'fixed') return { kind: 'fixed', Id: s.Id ?? '' };
  const medium = LIB_MEDIA[s.Medium ?? ''];
  const all: Record<string, string | number> = {
    kind: 'variable',
    Id: Number(s.Id),
    AccessNumber: s.AccessNumber ?? '',
    Status: (s.Status ?? '').toUpperCase(),
    records: Object.keys(f.expected).length,
  };
  if (s.Manufacturer !== undefined) all['Manufacturer'] = s.Manufacturer;
  if (s.Version !== undefined) all['Version'] = s.Version;
  if (medium !== undefined) all['Medium'] = medium;
  if (s.Signature !== undefined) all['Signature'] = s.Signature.toUpperCase();
  return all;
}

/** The medium the snapshot must state: the header's (variable), the counters' (fixed), none without a header. */
function ourMedium(t: MbusTelegram): Medium | undefined {
  if (t.kind === 'fixed') return t.fixed.medium;
  return t.kind === 'variable' && t.header ? mediumFromCode(t.header.mediumCode) : undefined;
}

/**
 * Records where we deliberately differ from libmbus, with the reason. Everything else must match.
 * Keys: `<fixture>/<record index>`.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'ACW_Itron-BM-plus-m/record:2': 'type G date 00 00 means "no date": we give null, libmbus prints 2000-00-00',
  'itron_bm_plusm/record:2': 'type G date 00 00 means "no date": we give null, libmbus prints 2000-00-00',
  'siemens_water/record:3': 'type G date 00 00 means "no date": we give null, libmbus prints 2000-00-00',
  'siemens_wfh21/record:3': 'type G date 00 00 means "no date": we give null, libmbus prints 2000-00-00',
  'REL-Relay-Padpuls2/record:1': 'type F date with the time-invalid bit set (A1 15 E9 17): we give null, libmbus prints 1900-01-00T00:00:00',
  'ELS_Elster-F96-Plus/record:4': 'BCD with non-decimal digits during error state (DD…): we give null, libmbus folds the nibbles into a number',
  'ELS_Elster-F96-Plus/record:5': 'BCD with non-decimal digits during error state (DD…): we give null, libmbus folds the nibbles into a number',
  'abb_f95/record:2': 'BCD with non-decimal digits during error state (DD…): we give null, libmbus folds the nibbles into a number',
  'abb_f95/record:3': 'BCD with non-decimal digits during error state (DD…): we give null, libmbus folds the nibbles into a number',
  'SEN_Pollustat/record:12':
    'VIFE 50/58 = duration of first lower/upper limit exceed (EN 13757-3 combinable VIFE): we give a duration in s, libmbus ignores the VIFE and calls it volume flow',
  'SEN_Pollustat/record:13':
    'VIFE 50/58 = duration of first lower/upper limit exceed (EN 13757-3 combinable VIFE): we give a duration in s, libmbus ignores the VIFE and calls it volume flow',
  'landisplusgyr_ultraheat_t230/record:19': 'VIFE 6F with an all-zero type F date: we give null, libmbus prints 0 in the VIF unit',
  'landisplusgyr_ultraheat_t230/record:20': 'VIFE 6F with an all-zero type F date: we give null, libmbus prints 0 in the VIF unit',
  'landisplusgyr_ultraheat_t230/record:21':
    'VIFE 6F = date (/time) of end of last … (EN 13757-3 combinable VIFE): we decode the type F date, libmbus prints the raw 32-bit number in the VIF unit',
  'landisplusgyr_ultraheat_t230/record:22':
    'VIFE 6F = date (/time) of end of last … (EN 13757-3 combinable VIFE): we decode the type F date, libmbus prints the raw 32-bit number in the VIF unit',
};

describe('libmbus test frames', () => {
  const fixtures = load();
  const results: { fixture: string; record: string; problem: string | undefined }[] = [];

  it('has all 76 frames', () => expect(fixtures).toHaveLength(76));

  it.each(fixtures.map((f) => [f.name, f] as const))('%s decodes like libmbus', (_name, f) => {
    const t = unwrap(decodeMbusTelegram(f.bytes));
    const libKeys = Object.keys(f.expected);
    expect(ourSlave(t)).toMatchObject(libSlave(f, t.kind));
    libKeys.forEach((k, i) => {
      const problem =
        t.kind === 'fixed'
          ? compareFixed(t, f.expected[k] as LibRecord, i)
          : compareRecord(f.expected[k] as LibRecord, f.normalized[k] as LibRecord, t.kind === 'variable' ? t.records[i] : undefined);
      results.push({ fixture: f.name, record: k, problem });
    });
    const snapshot = unwrap(decodeMbusFrame(f.bytes));
    const keys = snapshot.readings.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9_]+$/);
    expect(snapshot.meter.medium).toBe(ourMedium(t));
  });

  it('matches every libmbus record except the known, explained differences', () => {
    const problems = results.filter((r) => r.problem !== undefined);
    const unexplained = problems.filter((p) => KNOWN_DIFFERENCES[`${p.fixture}/${p.record}`] === undefined);
    const stale = Object.keys(KNOWN_DIFFERENCES).filter((k) => !problems.some((p) => `${p.fixture}/${p.record}` === k));
    const frames = new Set(results.map((r) => r.fixture));
    const badFrames = new Set(problems.map((p) => p.fixture));
    // Printed for the report: how many frames/records agree.
    process.stdout.write(
      `libmbus comparison: ${frames.size - badFrames.size}/${frames.size} frames and ${results.length - problems.length}/${results.length} records match\n`,
    );
    for (const p of problems) process.stdout.write(`  ${p.fixture}/${p.record}: ${p.problem ?? ''}\n`);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
  });
});
