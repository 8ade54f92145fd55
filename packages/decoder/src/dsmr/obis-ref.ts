import { formatObis, type ObisCode } from '@smi/model';
import { obisHash } from '../common/obis-hash';
import { NO_MORE, type TemplateList } from '../common/template-list';
import { objectSpec, type DsmrObjectSpec } from './object-specs';
import type { DsmrTemplate } from './reading-templates';

/**
 * An OBIS code as found at the start of a telegram line, resolved once and then memoised by its
 * numeric value: a line's code is read byte by byte, never cut out as a string. With the reading
 * templates met for the code (one per meter unit and medium), filled lazily.
 */
export interface ObisRef extends TemplateList<DsmrTemplate> {
  /**
   * The six fields, packed in two small integers: A·2^16 + B·2^8 + C and D·2^16 + E·2^8 + F (one
   * 48-bit number would be a heap number: 16 bytes more per reference).
   */
  readonly hi: number;
  readonly lo: number;
  /** Canonical text (`1-0:1.8.1`; `*F` only when F ≠ 255, so EasyMeter `*255` drops). */
  readonly code: ObisCode;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** M-Bus channel (B) for `0-n:` objects with n ≥ 1. */
  readonly channel: number | undefined;
  readonly spec: DsmrObjectSpec;
}

/**
 * Both tables start small and double when three quarters full, up to 1,024 slots (small enough to
 * stay in L1 cache): a telegram has a few dozen codes, so most meters stay at 32 or 64 slots (1,000
 * meters with 1,024 slots from the start held 12 MB of empty slots; growing at half full, a meter
 * with 37 codes held 128 slots, 2.3 KB more than at 64).
 */
const INITIAL_SIZE = 32;
const TABLE_SIZE = 1024;
const REF_LIMIT = TABLE_SIZE / 2;

/** Separators after A, B, C and D: `-`, `:`, `.`, `.`. */
const SEPARATORS = new Uint8Array([45, 58, 46, 46]);

const TEXT_LIMIT = TABLE_SIZE / 2;
/**
 * The text table keeps five int32 per slot in one array (first word, second, third, fourth,
 * length): one typed array instead of five saves ~740 bytes of typed-array and buffer headers
 * per decoder.
 */
const STRIDE = 5;
/** Low bytes kept of a word whose byte n is the `(`. */
const KEEP = [0, 0xff, 0xffff, 0xffffff];

/** Little-endian word of the bytes at i (four loads: cheaper than a DataView per telegram). */
function wordAt(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
}

/** Hash of a code as sent (its words and length); the slot is its top bits. */
function textHash(w0: number, w1: number, w2: number, w3: number, n: number): number {
  return Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca6b) ^ Math.imul(w3 + n, 0x27d4eb2f), 0xc2b2ae35) >>> 22;
}

const emptyRefs = (size: number): (ObisRef | undefined)[] => new Array<ObisRef | undefined>(size).fill(undefined);

/** Index of the first `(` byte in a little-endian word, or 4 (zero-byte test on `w ^ 0x28282828`). */
function parenIn(w: number): number {
  const x = w ^ 0x28282828;
  const t = (x - 0x01010101) & ~x & 0x80808080;
  return t === 0 ? 4 : (31 - Math.clz32(t & -t)) >>> 3;
}

/**
 * The OBIS codes one decoder has met (issue 13: owned by each decoder, never shared).
 *
 * An open-addressing table of references, hashed with small-integer arithmetic (a Map keyed by the
 * 48-bit packed code would hash a heap number on every line). In front of it, codes as sent, up to
 * 15 bytes before their `(`, map to their reference without parsing: the text is read as up to
 * four little-endian 32-bit words (bytes after the code masked off), found by a word-wise search
 * for `(`, and compared word by word with the texts already met (parallel typed arrays, open
 * addressing, reset with the reference table). Only a text that parsed as a code ending right at
 * its `(` is memoised, so a hit means exactly what parsing would have found.
 */
export class ObisTable {
  /** Where the last `read` stopped: the byte after the code (a `(` on a well-formed line). */
  end = 0;
  private table = emptyRefs(INITIAL_SIZE);
  private tableCount = 0;
  // the text table: set by resizeTexts; `texts` holds STRIDE int32 per slot of `textRefs`
  private texts!: Int32Array;
  private textRefs!: (ObisRef | undefined)[];
  private textCount = 0;

  constructor() {
    this.resizeTexts(INITIAL_SIZE, false);
  }

  /** Slots of the two tables (codes by value, codes as sent): they grow with the codes met. */
  get slots(): { readonly codes: number; readonly texts: number } {
    return { codes: this.table.length, texts: this.textRefs.length };
  }

  /**
   * Reads an OBIS code (`A-B:C.D.E`, optionally `*F`, `.F` or `&F`) starting at `start` and
   * resolves it to a reference; the byte after it is left in `this.end`. Undefined when the
   * bytes are not an OBIS code. Allocation-free unless the code is new.
   */
  read(b: Uint8Array, start: number, end: number): ObisRef | undefined {
    if (start + 16 > b.length) return this.parse(b, start, end);
    let w0 = wordAt(b, start);
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    let n = parenIn(w0);
    if (n < 4) w0 &= KEEP[n] as number;
    else {
      w1 = wordAt(b, start + 4);
      n = parenIn(w1);
      if (n < 4) w1 &= KEEP[n] as number;
      else {
        w2 = wordAt(b, start + 8);
        n = parenIn(w2);
        if (n < 4) w2 &= KEEP[n] as number;
        else {
          w3 = wordAt(b, start + 12);
          n = parenIn(w3);
          if (n === 4) return this.parse(b, start, end);
          w3 &= KEEP[n] as number;
          n += 4;
        }
        n += 4;
      }
      n += 4;
    }
    const paren = start + n;
    if (paren >= end) return this.parse(b, start, end);
    const mask = this.textRefs.length - 1;
    let slot = textHash(w0, w1, w2, w3, n) & mask;
    for (;;) {
      const ref = this.textRefs[slot];
      if (ref === undefined) break;
      const at = slot * STRIDE;
      const texts = this.texts;
      if (texts[at] === w0 && texts[at + 1] === w1 && texts[at + 2] === w2 && texts[at + 3] === w3 && texts[at + 4] === n) {
        this.end = paren;
        return ref;
      }
      slot = (slot + 1) & mask;
    }
    const ref = this.parse(b, start, end);
    if (ref !== undefined && this.end === paren && this.textCount < TEXT_LIMIT) {
      // up to TABLE_SIZE slots: TEXT_LIMIT keeps the table at most half full there
      if (4 * (this.textCount + 1) > 3 * this.textRefs.length) {
        this.resizeTexts(2 * this.textRefs.length, true);
        slot = this.freeTextSlot(w0, w1, w2, w3, n);
      }
      this.putText(slot, w0, w1, w2, w3, n, ref);
    }
    return ref;
  }

  /** First free slot of the text table for a code as sent. */
  private freeTextSlot(w0: number, w1: number, w2: number, w3: number, n: number): number {
    const mask = this.textRefs.length - 1;
    let slot = textHash(w0, w1, w2, w3, n) & mask;
    while (this.textRefs[slot] !== undefined) slot = (slot + 1) & mask;
    return slot;
  }

  private putText(slot: number, w0: number, w1: number, w2: number, w3: number, n: number, ref: ObisRef): void {
    const at = slot * STRIDE;
    const texts = this.texts;
    texts[at] = w0;
    texts[at + 1] = w1;
    texts[at + 2] = w2;
    texts[at + 3] = w3;
    texts[at + 4] = n;
    this.textRefs[slot] = ref;
    this.textCount++;
  }

  /** A text table of `size` slots, holding the current one's texts when `keep`. */
  private resizeTexts(size: number, keep: boolean): void {
    const { texts, textRefs: refs } = this;
    this.texts = new Int32Array(size * STRIDE);
    this.textRefs = emptyRefs(size);
    this.textCount = 0;
    if (!keep) return;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i];
      if (ref === undefined) continue;
      const at = i * STRIDE;
      const a = texts[at] as number;
      const b = texts[at + 1] as number;
      const c = texts[at + 2] as number;
      const d = texts[at + 3] as number;
      const n = texts[at + 4] as number;
      this.putText(this.freeTextSlot(a, b, c, d, n), a, b, c, d, n, ref);
    }
  }

  /** Parses the code field by field and finds or makes its reference (by numeric value). */
  private parse(b: Uint8Array, start: number, end: number): ObisRef | undefined {
    let hi = 0;
    let lo = 0;
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
      if (k < 3) hi = (hi << 8) | value;
      else if (k < 5) lo = (lo << 8) | value;
      else f = value;
      if (k < 4) {
        if (b[i] !== SEPARATORS[k]) return undefined;
        i++;
      }
    }
    this.end = i;
    lo = (lo << 8) | f;
    const mask = this.table.length - 1;
    let slot = obisHash(hi, lo) & mask;
    for (;;) {
      const ref = this.table[slot];
      if (ref === undefined) return this.newRef(hi, lo, slot);
      if (ref.hi === hi && ref.lo === lo) return ref;
      slot = (slot + 1) & mask;
    }
  }

  /** First free slot of the reference table for a code. */
  private freeRefSlot(hi: number, lo: number): number {
    const mask = this.table.length - 1;
    let slot = obisHash(hi, lo) & mask;
    while (this.table[slot] !== undefined) slot = (slot + 1) & mask;
    return slot;
  }

  private newRef(hi: number, lo: number, slot: number): ObisRef {
    const a = hi >>> 16;
    const b = (hi >>> 8) & 255;
    const c = hi & 255;
    const d = lo >>> 16;
    const e = (lo >>> 8) & 255;
    const f = lo & 255;
    const ref: ObisRef = {
      hi,
      lo,
      code: formatObis({ a, b, c, d, e, f }),
      a,
      b,
      c,
      channel: a === 0 && b >= 1 ? b : undefined,
      spec: objectSpec(a, b, `${c}.${d}.${e}`),
      first: undefined,
      more: NO_MORE,
    };
    // A full table (only with a huge `maxLength` full of distinct codes) stops memoising.
    if (this.tableCount < TABLE_SIZE - 1) {
      if (4 * (this.tableCount + 1) > 3 * this.table.length && this.table.length < TABLE_SIZE) {
        const old = this.table;
        this.table = emptyRefs(2 * old.length);
        for (const r of old) if (r !== undefined) this.table[this.freeRefSlot(r.hi, r.lo)] = r;
        slot = this.freeRefSlot(hi, lo);
      }
      this.table[slot] = ref;
      this.tableCount++;
    }
    return ref;
  }

  /** Drops the memo when it has grown past its bound (called between telegrams). */
  trim(): boolean {
    if (this.tableCount < REF_LIMIT && this.textCount < TEXT_LIMIT) return false;
    this.table = emptyRefs(INITIAL_SIZE);
    this.tableCount = 0;
    this.resizeTexts(INITIAL_SIZE, false);
    return true;
  }
}
