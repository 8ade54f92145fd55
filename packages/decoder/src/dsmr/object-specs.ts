/**
 * How each DSMR P1 object's brackets are read (protocol-notes §1.3–1.5). Specifications as data:
 * the OBIS registry in the model says what a code *means*; this table only says how its value
 * text is laid out. Codes not listed are read generically (one value, optionally with a unit, or
 * a capture time followed by a value).
 */
export type DsmrObjectKind =
  /** `(YYMMDDhhmmssX)` → ISO-8601 text. */
  | 'timestamp'
  /** P1 / eMUCS version text (`50`, `50217`). */
  | 'version'
  /** Hex-encoded ASCII equipment id; decoded when printable, raw hex kept in `raw`. */
  | 'identifier'
  /** Hex-encoded text message; decoded when printable, empty → null. */
  | 'text'
  /** Tariff indicator `0002` → `2`. */
  | 'tariff'
  /** Small state number (breaker, valve) kept as text. */
  | 'status'
  /** M-Bus device type (EN 13757-3 medium code) of channel B. */
  | 'device-type'
  /** `(capture TST)(value*unit)`: channel reading, capacity-tariff month peak. */
  | 'timed-value'
  /** DSMR 2.2/3.0 hourly gas: `(YYMMDDhhmmss)(00)(60)(1)(0-n:24.2.1)(m3)` + `(value)` on the next line. */
  | 'hourly-profile'
  /** `(n)(0-0:96.7.19)` then n × `(end TST)(duration*s)`. */
  | 'event-log'
  /** Fluvius `(n)(obis)(obis)` + n × `(start)(peak time)(value)`, or E.ON `(TST)(v1)…(vn)`. */
  | 'billing-history'
  /** Anything else: one value (number with optional unit, text, or empty). */
  | 'value';

/** Which id the meter is known by: lower wins (0-0:96.1.1, then 1-0:0.0.0, then 0-0:96.1.0). */
export type IdPriority = 1 | 2 | 3;

export interface DsmrObjectSpec {
  readonly kind: DsmrObjectKind;
  readonly idPriority?: IdPriority;
}

type Row = readonly [cde: string, kind: DsmrObjectKind, idPriority?: IdPriority];

/** A = 0, B = 0: abstract objects of the E-meter. */
const ABSTRACT: readonly Row[] = [
  ['1.0.0', 'timestamp'],
  ['96.1.1', 'identifier', 1],
  ['96.1.0', 'identifier', 3],
  ['42.0.0', 'identifier'], // logical device name (E.ON Hungary)
  ['96.1.4', 'version'], // eMUCS (Fluvius) version information
  ['96.13.0', 'text'],
  ['96.13.1', 'text'],
  ['96.14.0', 'tariff'],
  ['96.3.10', 'status'],
  ['98.1.0', 'billing-history'],
];

/** A = 1: electricity objects (any B: `1-3:0.2.8` carries the P1 version). */
const ELECTRICITY: readonly Row[] = [
  ['0.2.8', 'version'],
  ['0.0.0', 'identifier', 2],
  ['1.6.0', 'timed-value'],
  ['99.97.0', 'event-log'],
];

/** A = 0, B = 1…n: M-Bus channel objects (gas, water, heat). */
const CHANNEL: readonly Row[] = [
  ['24.1.0', 'device-type'],
  ['96.1.0', 'identifier'],
  ['96.1.1', 'identifier'],
  ['24.2.1', 'timed-value'],
  ['24.2.3', 'timed-value'],
  ['24.3.0', 'hourly-profile'],
  ['24.4.0', 'status'],
];

function index(rows: readonly Row[]): ReadonlyMap<string, DsmrObjectSpec> {
  return new Map(rows.map(([cde, kind, idPriority]) => [cde, idPriority === undefined ? { kind } : { kind, idPriority }]));
}

const ABSTRACT_SPECS = index(ABSTRACT);
const ELECTRICITY_SPECS = index(ELECTRICITY);
const CHANNEL_SPECS = index(CHANNEL);
const GENERIC: DsmrObjectSpec = { kind: 'value' };

/** Layout of an object's value brackets, by OBIS fields. */
export function objectSpec(a: number, b: number, cde: string): DsmrObjectSpec {
  let spec: DsmrObjectSpec | undefined;
  if (a === 0) spec = b === 0 ? ABSTRACT_SPECS.get(cde) : CHANNEL_SPECS.get(cde);
  else if (a === 1) spec = ELECTRICITY_SPECS.get(cde);
  return spec ?? GENERIC;
}
