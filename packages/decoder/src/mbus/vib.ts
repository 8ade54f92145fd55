import { optional } from '@smi/model';
import { fail, ok, type Result } from '../common';
import { reversedText } from './data-coding';
import { COMBINABLE_EXTENSION, combinableVife, type VifeEffect } from './vif-combinable';
import { FB_VIFS, FD_VIFS } from './vif-extension';
import { PRIMARY_VIFS, VIF_EXTENSION_FB, VIF_EXTENSION_FD, VIF_PLAIN_TEXT } from './vif-primary';
import { findRow, resolveRow, type VifDefinition, type VifRow } from './vif-types';

export type VifTable = 'primary' | 'fb' | 'fd' | 'plain-text' | 'manufacturer' | 'reserved';

export interface Qualifier {
  readonly key: string;
  readonly name: string;
}

/** A parsed value information block: the VIF, its VIFEs and what they mean together. */
export interface ValueInformationBlock {
  readonly vif: number;
  readonly vifes: readonly number[];
  readonly table: VifTable;
  /** Code within the table (VIF without bit 7, or the first VIFE's code for FB/FD). */
  readonly code: number;
  readonly definition: VifDefinition;
  /** Plain-text unit (VIF 7C/FC), already un-reversed. */
  readonly plainText?: string;
  /** Sum of multiplicative-correction exponents (VIFE 70–77, 7D). */
  readonly scaleExponent: number;
  /** Additive corrections (VIFE 78–7B) as powers of ten. */
  readonly offsetExponents: readonly number[];
  readonly qualifiers: readonly Qualifier[];
  /** Date or duration VIFEs turn the value into a time point or duration concerning the VIF. */
  readonly valueIs?: Extract<VifeEffect, { kind: 'date' | 'duration' }>;
  /** Record errors the slave reported (VIFE 01–1F). */
  readonly errors: readonly string[];
  /** VIFEs after a manufacturer-specific marker (VIF 7F/FF or VIFE 7F/FF). */
  readonly manufacturerVifes: readonly number[];
  readonly end: number;
}

/** At most 10 VIFEs per record (EN 13757-3). */
export const MAX_VIFES = 10;
const LAYER = 'mbus-record';

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function reserved(table: string, code: number): VifDefinition {
  return {
    key: `reserved_${table}_${hex2(code)}`,
    name: `Reserved VIF ${table === 'vif' ? '' : `${table.toUpperCase()} `}0x${hex2(code).toUpperCase()}`,
    quantity: 'unknown',
    enabledByDefault: false,
    exponent: 0,
    factor: 1,
    valueType: 'number',
  };
}

/** Every code of a table resolved once (constant data derived from the tables; null: reserved). */
const RESOLVED = new Map<readonly VifRow[], readonly (VifDefinition | null)[]>();

/** The code's row in a table, resolved; undefined for reserved codes. */
function lookup(rows: readonly VifRow[], code: number): VifDefinition | undefined {
  let table = RESOLVED.get(rows);
  if (table === undefined) {
    table = Array.from({ length: 128 }, (_, c) => {
      const row = findRow(rows, c);
      return row ? resolveRow(row, c) : null;
    });
    RESOLVED.set(rows, table);
  }
  return table[code] ?? undefined;
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'text' : s;
}

/** Reads VIF, plain-text unit and VIFEs at `pos` and interprets them. */
export function parseVib(data: Uint8Array, pos: number, end = data.length): Result<ValueInformationBlock> {
  const vif = data[pos];
  if (vif === undefined || pos >= end) return fail('truncated', LAYER, 'record ends before its VIF', pos);
  let i = pos + 1;
  let plainText: string | undefined;
  if ((vif & 0x7f) === VIF_PLAIN_TEXT) {
    // libmbus and the fixtures (elv_temp_humid) put the text right after the VIF, before VIFEs.
    const len = data[i];
    if (len === undefined || i >= end) return fail('truncated', LAYER, 'plain-text VIF without length', i);
    if (i + 1 + len > end) return fail('truncated', LAYER, 'plain-text VIF longer than the frame', i);
    plainText = reversedText(data.subarray(i + 1, i + 1 + len));
    i += 1 + len;
  }
  const vifes: number[] = [];
  let more = (vif & 0x80) !== 0;
  while (more) {
    const vife = data[i];
    if (vife === undefined || i >= end) return fail('truncated', LAYER, 'record ends inside its VIFEs', i);
    if (vifes.length === MAX_VIFES) return fail('bad-format', LAYER, 'more than 10 VIFEs', i);
    vifes.push(vife);
    more = (vife & 0x80) !== 0;
    i++;
  }

  let table: VifTable;
  let code: number;
  let definition: VifDefinition;
  let rest: readonly number[];
  let manufacturerVifes: number[] = [];
  if (vif === VIF_EXTENSION_FB || vif === VIF_EXTENSION_FD) {
    const first = vifes[0];
    if (first === undefined) return fail('bad-format', LAYER, 'extension VIF without its VIFE', i);
    table = vif === VIF_EXTENSION_FB ? 'fb' : 'fd';
    code = first & 0x7f;
    const found = lookup(vif === VIF_EXTENSION_FB ? FB_VIFS : FD_VIFS, code);
    definition = found ?? reserved(table, code);
    if (!found) table = 'reserved';
    rest = vifes.slice(1);
  } else if (plainText !== undefined) {
    table = 'plain-text';
    code = VIF_PLAIN_TEXT;
    definition = { key: `plain_${slug(plainText)}`, name: plainText, quantity: 'unknown', meterUnit: plainText, exponent: 0, factor: 1, valueType: 'number' };
    rest = vifes;
  } else if ((vif & 0x7f) === 0x7f) {
    table = 'manufacturer';
    code = 0x7f;
    definition = lookup(PRIMARY_VIFS, code) ?? reserved('vif', code);
    manufacturerVifes = vifes;
    rest = [];
  } else if (vif === 0xef) {
    // Reserved for a third extension table (electricity); its code is the first VIFE.
    table = 'reserved';
    code = (vifes[0] ?? 0) & 0x7f;
    definition = reserved('ef', code);
    rest = vifes.slice(1);
  } else {
    code = vif & 0x7f;
    const found = lookup(PRIMARY_VIFS, code);
    definition = found ?? reserved('vif', code);
    table = found ? 'primary' : 'reserved';
    rest = vifes;
  }

  let scaleExponent = 0;
  const offsetExponents: number[] = [];
  const qualifiers: Qualifier[] = [];
  const errors: string[] = [];
  let valueIs: ValueInformationBlock['valueIs'];
  let manufacturerMarker = false;
  for (let k = 0; k < rest.length; k++) {
    const effect = combinableVife(rest[k] as number);
    switch (effect.kind) {
      case 'scale':
        scaleExponent += effect.exponent;
        break;
      case 'offset':
        offsetExponents.push(effect.exponent);
        break;
      case 'qualifier':
        qualifiers.push({ key: effect.key, name: effect.name });
        break;
      case 'date':
      case 'duration':
        valueIs = effect;
        break;
      case 'error':
        if (effect.code !== 0) errors.push(effect.name);
        break;
      case 'manufacturer':
        manufacturerMarker = true;
        manufacturerVifes = rest.slice(k + 1);
        k = rest.length;
        break;
      case 'extension': {
        const next = rest[k + 1];
        const ext = next === undefined ? undefined : COMBINABLE_EXTENSION[next & 0x7f];
        if (ext) qualifiers.push({ key: ext[0], name: ext[1] });
        else if (next !== undefined) qualifiers.push({ key: `ext_${hex2(next & 0x7f)}`, name: `extension 0x${hex2(next & 0x7f)}` });
        k++;
        break;
      }
      case 'reserved':
        qualifiers.push({ key: `vife_${hex2(rest[k] as number & 0x7f)}`, name: `VIFE 0x${hex2(rest[k] as number & 0x7f)}` });
        break;
    }
  }
  if (manufacturerMarker) {
    const tail = manufacturerVifes.map((v) => hex2(v & 0x7f)).join('');
    qualifiers.push(tail === '' ? { key: 'mfr', name: 'manufacturer specific' } : { key: `mfr_${tail}`, name: `manufacturer ${tail.toUpperCase()}` });
  }
  return ok({
    vif,
    vifes,
    table,
    code,
    definition,
    ...optional('plainText', plainText),
    scaleExponent,
    offsetExponents,
    qualifiers,
    ...optional('valueIs', valueIs),
    errors,
    manufacturerVifes,
    end: i,
  });
}
