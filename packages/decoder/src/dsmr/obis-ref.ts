import { formatObis, type ObisCode } from '@smi/model';
import { objectSpec, type DsmrObjectSpec } from './object-specs';
import type { ReadingTemplate } from './reading-templates';
import type { TextMemo } from './text-values';

/**
 * An OBIS code as found at the start of a telegram line, resolved once and then memoised by its
 * numeric value: a line's code is read byte by byte, never cut out as a string.
 */
export interface ObisRef {
  /** The six fields, packed: A·2^40 + B·2^32 + C·2^24 + D·2^16 + E·2^8 + F. */
  readonly key: number;
  /** Canonical text (`1-0:1.8.1`; `*F` only when F ≠ 255, so EasyMeter `*255` drops). */
  readonly code: ObisCode;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** M-Bus channel (B) for `0-n:` objects with n ≥ 1. */
  readonly channel: number | undefined;
  readonly spec: DsmrObjectSpec;
  /** Reading templates met for this code (one per meter unit and medium), filled lazily. */
  readonly templates: ReadingTemplate[];
  /** The id or text last read for this code (see `readHexText`). */
  lastText: TextMemo | undefined;
}

/**
 * Open-addressing table of the codes met so far, hashed with small-integer arithmetic (a Map keyed
 * by the 48-bit packed code would hash a heap number on every line).
 */
const TABLE_SIZE = 1024; // small enough to stay in L1 cache; a telegram has a few dozen codes
const REF_LIMIT = TABLE_SIZE / 2;
let table: (ObisRef | undefined)[] = new Array<ObisRef | undefined>(TABLE_SIZE).fill(undefined);
let tableCount = 0;

/** Separators after A, B, C and D: `-`, `:`, `.`, `.`. */
const SEPARATORS = new Uint8Array([45, 58, 46, 46]);

/** Where the last `readObis` stopped: the byte after the code (a `(` on a well-formed line). */
export const obisCursor = { end: 0 };

/**
 * Reads an OBIS code (`A-B:C.D.E`, optionally `*F`, `.F` or `&F`) starting at `start` and
 * resolves it to a reference; the byte after it is left in `obisCursor.end`. Undefined when the
 * bytes are not an OBIS code. Allocation-free unless the code is new.
 */
export function readObis(b: Uint8Array, start: number, end: number): ObisRef | undefined {
  let key = 0;
  let hash = 0;
  let i = start;
  let f = 255;
  for (let k = 0; k < 6; k++) {
    if (k === 5) {
      const sep = b[i];
      if (sep !== 42 /* * */ && sep !== 46 /* . */ && sep !== 38 /* & */) break;
      i++;
    }
    let value = 0;
    const from = i;
    while (i < end) {
      const c = b[i] as number;
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    if (i === from || i - from > 3 || value > 255) return undefined;
    if (k < 5) {
      key = key * 256 + value;
      hash = (Math.imul(hash, 31) + value) | 0;
    } else {
      f = value;
    }
    if (k < 4) {
      if (b[i] !== SEPARATORS[k]) return undefined;
      i++;
    }
  }
  obisCursor.end = i;
  key = key * 256 + f;
  hash = (Math.imul(hash, 31) + f) & (TABLE_SIZE - 1);
  for (;;) {
    const ref = table[hash];
    if (ref === undefined) return newRef(key, hash);
    if (ref.key === key) return ref;
    hash = (hash + 1) & (TABLE_SIZE - 1);
  }
}

function newRef(key: number, slot: number): ObisRef {
  let rest = key;
  const f = rest % 256;
  rest = (rest - f) / 256;
  const e = rest % 256;
  rest = (rest - e) / 256;
  const d = rest % 256;
  rest = (rest - d) / 256;
  const c = rest % 256;
  rest = (rest - c) / 256;
  const b = rest % 256;
  const a = (rest - b) / 256;
  const ref: ObisRef = {
    key,
    code: formatObis({ a, b, c, d, e, f }),
    a,
    b,
    c,
    channel: a === 0 && b >= 1 ? b : undefined,
    spec: objectSpec(a, b, `${c}.${d}.${e}`),
    templates: [],
    lastText: undefined,
  };
  // A full table (only with a huge `maxLength` full of distinct codes) stops memoising.
  if (tableCount < TABLE_SIZE - 1) {
    table[slot] = ref;
    tableCount++;
  }
  return ref;
}

/** Drops the memo when it has grown past its bound (called between telegrams). */
export function trimObisRefs(): boolean {
  if (tableCount < REF_LIMIT) return false;
  table = new Array<ObisRef | undefined>(TABLE_SIZE).fill(undefined);
  tableCount = 0;
  return true;
}
