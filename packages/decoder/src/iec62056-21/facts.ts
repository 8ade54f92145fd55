import type { Medium } from '@smi/model';
import { MEDIUM_BY_A } from './constants';
import type { DataSet } from './data-sets';
import type { ReadingFactory } from './readings';
import { parseTimestamp } from './values';

/**
 * Where the meter id comes from, first match wins (B = 0, F = 255 only; letter codes count as
 * their IEC 62056-61 numbers, `C.1.0` = 96.1.0):
 * 1. `96.1.0` / `C.1.0` / `C.1` — device id 1, the manufacturer's serial number;
 * 2. `96.1.255` — serial number on EMH eHZ meters (`0-0:96.1.255*255`);
 * 3. `96.1.1` — DSMR equipment identifier;
 * 4. `0.0.0` — device address 1 / property number (often the utility's meter number);
 * then `<FLAG>-<ident>` from the identification, then `unknown`.
 */
export const ID_PRECEDENCE: readonly string[] = ['96.1.0', '96.1.255', '96.1.1', '0.0.0'];

/** Whether the value of a code with `C.D.E` = `cde` can be a fact (id, clock, time stamp); the medium comes from the address alone. */
export function isValueFact(cde: string | undefined): boolean {
  return cde !== undefined && (ID_PRECEDENCE.includes(cde) || cde === '0.9.1' || cde === '0.9.2' || cde === '1.0.0');
}

/** What a data block says besides its readings: the meter id, its clock and its medium. */
export interface BlockFacts {
  readonly id?: string;
  /** Index in ID_PRECEDENCE of the code `id` came from. */
  readonly idRank?: number;
  /** 0.9.1, `hhmmss`. */
  readonly clockTime?: string;
  /** 0.9.2, `[c]YYMMDD`. */
  readonly clockDate?: string;
  /** 1.0.0 (DSMR style `YYMMDDhhmmssW`), as ISO. */
  readonly stamp?: string;
  /** From the first OBIS code whose A names a medium. */
  readonly medium?: Medium;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Facts of some data sets (a line, or a whole block). */
export function factsOf(sets: readonly DataSet[], factory: ReadingFactory): BlockFacts {
  const out: Mutable<BlockFacts> = {};
  for (const set of sets) {
    if (set.address === '') continue;
    const info = factory.address(set.address);
    if (out.medium === undefined && info.kind === 'obis' && info.a in MEDIUM_BY_A) {
      out.medium = MEDIUM_BY_A[info.a as keyof typeof MEDIUM_BY_A];
    }
    const cde = info.cde;
    if (cde === undefined) continue;
    const value = (set.values[0] ?? '').trim();
    if (value === '') continue;
    const rank = ID_PRECEDENCE.indexOf(cde);
    if (rank >= 0) {
      if (out.idRank === undefined || rank < out.idRank) {
        out.id = value;
        out.idRank = rank;
      }
    } else if (cde === '0.9.1') out.clockTime ??= value;
    else if (cde === '0.9.2') out.clockDate ??= value;
    else if (cde === '1.0.0' && out.stamp === undefined) {
      const stamp = parseTimestamp(value);
      if (stamp !== undefined) out.stamp = stamp;
    }
  }
  return out;
}

/** Merges facts in block order: the best-ranked id, the first clock, the first medium. */
export function mergeFacts(parts: readonly BlockFacts[]): BlockFacts {
  const out: Mutable<BlockFacts> = {};
  for (const p of parts) {
    if (p.idRank !== undefined && p.id !== undefined && (out.idRank === undefined || p.idRank < out.idRank)) {
      out.id = p.id;
      out.idRank = p.idRank;
    }
    if (p.clockTime !== undefined) out.clockTime ??= p.clockTime;
    if (p.clockDate !== undefined) out.clockDate ??= p.clockDate;
    if (p.stamp !== undefined) out.stamp ??= p.stamp;
    if (p.medium !== undefined) out.medium ??= p.medium;
  }
  return out;
}

/** Whether facts hold anything (lines without facts are skipped when merging). */
export function hasFacts(f: BlockFacts): boolean {
  return f.id !== undefined || f.clockTime !== undefined || f.clockDate !== undefined || f.stamp !== undefined || f.medium !== undefined;
}
