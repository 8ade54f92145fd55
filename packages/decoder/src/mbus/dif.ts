import { fail, ok, type Result } from '../common';

/** DIF bits 3–0: how the data is coded and how long it is (EN 13757-3, protocol notes §5.4). */
export type DataCoding = 'none' | 'int' | 'real' | 'bcd' | 'lvar' | 'selection' | 'special';

export interface DataField {
  readonly coding: DataCoding;
  /** Length in bytes; for LVAR the length comes from the LVAR byte. */
  readonly length: number;
}

export const DATA_FIELDS: readonly DataField[] = [
  { coding: 'none', length: 0 },
  { coding: 'int', length: 1 },
  { coding: 'int', length: 2 },
  { coding: 'int', length: 3 },
  { coding: 'int', length: 4 },
  { coding: 'real', length: 4 },
  { coding: 'int', length: 6 },
  { coding: 'int', length: 8 },
  { coding: 'selection', length: 0 },
  { coding: 'bcd', length: 1 },
  { coding: 'bcd', length: 2 },
  { coding: 'bcd', length: 3 },
  { coding: 'bcd', length: 4 },
  { coding: 'lvar', length: 0 },
  { coding: 'bcd', length: 6 },
  { coding: 'special', length: 0 },
];

/** DIF bits 5–4. */
export const FUNCTIONS = ['instantaneous', 'maximum', 'minimum', 'error'] as const;
export type RecordFunction = (typeof FUNCTIONS)[number];

/** Special DIFs (data field F). */
export const DIF_MANUFACTURER_DATA = 0x0f;
export const DIF_MORE_RECORDS_FOLLOW = 0x1f;
export const DIF_IDLE_FILLER = 0x2f;
export const DIF_GLOBAL_READOUT = 0x7f;

/** At most 10 DIFEs per record (EN 13757-3). */
export const MAX_DIFES = 10;

/** Where a record sits: function, storage number, tariff and subunit (from the DIB). */
export interface RecordPlace {
  readonly function: RecordFunction;
  /** DIF bit 6 + 4 bits per DIFE. */
  readonly storage: number;
  /** 2 bits per DIFE. */
  readonly tariff: number;
  /** Subunit (device): 1 bit per DIFE. */
  readonly subunit: number;
}

export interface DataInformationBlock extends RecordPlace {
  readonly dif: number;
  readonly difes: readonly number[];
  readonly field: DataField;
  /** Offset just after the DIB. */
  readonly end: number;
}

const LAYER = 'mbus-record';

/** Reads DIF and DIFEs at `pos` (the caller has handled the special DIFs 0F/1F/2F/7F). */
export function parseDib(data: Uint8Array, pos: number): Result<DataInformationBlock> {
  const dif = data[pos] as number;
  const difes: number[] = [];
  let i = pos + 1;
  let more = (dif & 0x80) !== 0;
  let storage = (dif & 0x40) >> 6;
  let tariff = 0;
  let subunit = 0;
  while (more) {
    const dife = data[i];
    if (dife === undefined) return fail('truncated', LAYER, 'record ends inside its DIFEs', i);
    if (difes.length === MAX_DIFES) return fail('bad-format', LAYER, 'more than 10 DIFEs', i);
    const n = difes.length;
    storage += (dife & 0x0f) * 2 ** (1 + 4 * n);
    tariff += ((dife & 0x30) >> 4) * 2 ** (2 * n);
    subunit += ((dife & 0x40) >> 6) * 2 ** n;
    difes.push(dife);
    more = (dife & 0x80) !== 0;
    i++;
  }
  return ok({
    dif,
    difes,
    field: DATA_FIELDS[dif & 0x0f] as DataField,
    function: FUNCTIONS[(dif & 0x30) >> 4] as RecordFunction,
    storage,
    tariff,
    subunit,
    end: i,
  });
}
