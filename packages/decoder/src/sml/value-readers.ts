import { SML_TYPE, type SmlReader } from './tl';
import type { SmlTime, SmlValue } from './types';

/**
 * The value-level SML readers shared by list entries and message bodies: SML_Value (any nesting)
 * and SML_Time. Like every reader they work on an `SmlReader` with a sticky error.
 */

const MAX_VALUE_DEPTH = 16;
const EMPTY: SmlValue = { type: 'octets', bytes: new Uint8Array(0) };

/** SML_Value (and SML_ListType) with types and integer widths as sent; undefined for `01`. */
export function readValue(r: SmlReader, what: string): SmlValue | undefined {
  if (r.skipIfAbsent()) return undefined;
  return readAnyValue(r, what, 0);
}

/** An SML_Value that is present, at list nesting `depth` (list-entry values start at 0). */
export function readAnyValue(r: SmlReader, what: string, depth: number): SmlValue {
  if (!r.tl()) return EMPTY;
  switch (r.type) {
    case SML_TYPE.octets: {
      const start = r.pos;
      r.pos += r.length;
      return { type: 'octets', bytes: r.bytes.subarray(start, r.pos) };
    }
    case SML_TYPE.boolean: {
      if (r.length !== 1) {
        r.fail('bad-length', `${what}: boolean of ${r.length} bytes`);
        return EMPTY;
      }
      return { type: 'boolean', value: (r.bytes[r.pos++] as number) !== 0 };
    }
    case SML_TYPE.integer:
    case SML_TYPE.unsigned: {
      const width = r.length;
      const value = r.intData(r.type === SML_TYPE.integer, what);
      return r.type === SML_TYPE.integer ? { type: 'integer', value, width } : { type: 'unsigned', value, width };
    }
    default: {
      if (depth >= MAX_VALUE_DEPTH) {
        r.fail('bad-format', `${what}: lists nested too deeply`);
        return EMPTY;
      }
      const items: SmlValue[] = [];
      for (let i = r.length; i > 0 && r.ok; i--) items.push(readAnyValue(r, what, depth + 1));
      return { type: 'list', items };
    }
  }
}

/**
 * SML_Time: `72 62 cc 65 tttttttt` (choice 1 secIndex, 2 timestamp) or choice 3 with a list of
 * (timestamp, localOffset, seasonTimeOffset). Tolerated: a bare Unsigned in place of the list, as
 * the Holley DTZ541 sends in valTime (libsml issue #75) — read as a seconds index.
 */
export function readTime(r: SmlReader, what: string): SmlTime | undefined {
  if (r.skipIfAbsent()) return undefined;
  const at = r.pos;
  if (!r.tl()) return undefined;
  if (r.type === SML_TYPE.unsigned) return { kind: 'secIndex', seconds: toSmallNumber(r, r.intData(false, what), what) };
  if (r.type !== SML_TYPE.list || r.length !== 2) {
    r.fail('bad-format', `${what}: SML_Time must be a list of 2`, at);
    return undefined;
  }
  const choice = r.smallUnsigned(`${what} choice`);
  if (r.peek() >= 0 && (r.peek() & 0x70) === SML_TYPE.list) {
    if (r.list(`${what} local timestamp`, 3) < 0) return undefined;
    const unix = r.smallUnsigned(`${what} timestamp`);
    const localOffset = toSmallNumber(r, r.integer(`${what} localOffset`), what);
    const seasonTimeOffset = toSmallNumber(r, r.integer(`${what} seasonTimeOffset`), what);
    return { kind: 'localTimestamp', unix, localOffset, seasonTimeOffset };
  }
  const seconds = r.smallUnsigned(what);
  switch (choice) {
    case 1:
      return { kind: 'secIndex', seconds };
    case 2:
    case 3:
      return { kind: 'timestamp', unix: seconds };
    default:
      r.fail('bad-value', `${what}: SML_Time choice ${choice}`, at);
      return undefined;
  }
}

function toSmallNumber(r: SmlReader, v: number | bigint, what: string): number {
  if (typeof v === 'number') return v;
  r.fail('bad-value', `${what}: value too large`);
  return 0;
}
