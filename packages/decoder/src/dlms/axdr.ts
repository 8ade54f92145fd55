import { bytesAt, fail, ok, type DecodeError, type Result } from '../common';
import { AXDR_TAGS, type AxdrTag, type DlmsData } from './axdr-types';

const LAYER = 'axdr';
/** Nesting limit for arrays and structures (real push lists use 3 levels). */
const MAX_DEPTH = 16;
/** Data bytes of the fixed-size types by tag; 0 for the others (null-data has none either). */
const FIXED_SIZE = new Uint8Array(256);
for (const [tag, size] of [
  [0x03, 1],
  [0x05, 4],
  [0x06, 4],
  [0x0d, 1],
  [0x0f, 1],
  [0x10, 2],
  [0x11, 1],
  [0x12, 2],
  [0x14, 8],
  [0x15, 8],
  [0x16, 1],
  [0x17, 4],
  [0x18, 8],
  [0x19, 12],
  [0x1a, 5],
  [0x1b, 4],
] as const)
  FIXED_SIZE[tag] = size;

const utf8 = new TextDecoder('utf-8');

/** Elements shorter than this are parsed again rather than compared. */
const LIST_MEMO_MIN = 32;

/**
 * The nested arrays/structures of the last outermost list, by position, with their bytes: the same
 * bytes at the same position give the same (immutable) value without parsing them again.
 */
export interface AxdrListMemo {
  readonly lists: ({ readonly bytes: Uint8Array; readonly value: DlmsData } | undefined)[];
}

export function createAxdrListMemo(): AxdrListMemo {
  return { lists: [] };
}

/** Visible-string bytes as text (one char per byte; faster than TextDecoder for short strings). */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/**
 * A cursor over A-XDR bytes. Methods return undefined and set `error` on the first problem, so the
 * hot path allocates no Result objects.
 */
export class AxdrReader {
  pos: number;
  error: DecodeError | undefined;
  /** Only for the 64-bit and floating-point types (integers up to 32 bits are read from the bytes). */
  private dataView: DataView | undefined;

  /**
   * `views`: octet strings, dates and times are views of `bytes` instead of copies — only for bytes
   * the decoder owns and never hands out otherwise (a decrypted APDU). `lists`: a decoder's memo of
   * the elements of the outermost array/structure (a push repeats its capture definitions).
   */
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    readonly views = false,
    readonly lists?: AxdrListMemo,
  ) {
    this.pos = start;
  }

  private get view(): DataView {
    this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.dataView;
  }

  fail(kind: DecodeError['kind'], message: string, offset = this.pos): undefined {
    this.error ??= fail(kind, LAYER, message, offset).error;
    return undefined;
  }

  private need(n: number): boolean {
    if (this.pos + n <= this.end) return true;
    this.fail('truncated', `needs ${n} more byte(s)`);
    return false;
  }

  u8(): number | undefined {
    if (!this.need(1)) return undefined;
    return this.bytes[this.pos++] as number;
  }

  /** BER length / count: `< 80` one byte, `81 nn`, `82 nnnn`, `83`, `84`. */
  berLength(): number | undefined {
    const first = this.u8();
    if (first === undefined || first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) return this.fail('bad-format', `BER length with ${n} length bytes`, this.pos - 1);
    if (!this.need(n)) return undefined;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (this.bytes[this.pos++] as number);
    return v;
  }

  take(n: number): Uint8Array | undefined {
    if (!this.need(n)) return undefined;
    const out = this.views ? this.bytes.subarray(this.pos, this.pos + n) : Uint8Array.prototype.slice.call(this.bytes, this.pos, this.pos + n); // a copy even for a Buffer
    this.pos += n;
    return out;
  }

  /** One tagged Data value. */
  data(depth = 0): DlmsData | undefined {
    const tag = this.u8();
    if (tag === undefined) return undefined;
    return this.value(tag, depth);
  }

  /** The value part of a Data item whose tag is already read. */
  value(tag: number, depth: number): DlmsData | undefined {
    const at = this.pos - 1;
    const fixed = FIXED_SIZE[tag] as number;
    if (fixed !== 0 && !this.need(fixed)) return undefined;
    const p = this.pos;
    const b = this.bytes;
    switch (tag) {
      case 0x00:
        return { type: 'null-data' };
      case 0x03:
        this.pos += 1;
        return { type: 'boolean', value: b[p] !== 0 };
      case 0x05:
        this.pos += 4;
        return { type: 'double-long', value: ((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number) };
      case 0x06:
        this.pos += 4;
        return {
          type: 'double-long-unsigned',
          value: (((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number)) >>> 0,
        };
      case 0x0d:
        return this.bcd();
      case 0x0f:
        this.pos += 1;
        return { type: 'integer', value: ((b[p] as number) << 24) >> 24 };
      case 0x10:
        this.pos += 2;
        return { type: 'long', value: ((((b[p] as number) << 8) | (b[p + 1] as number)) << 16) >> 16 };
      case 0x11:
        this.pos += 1;
        return { type: 'unsigned', value: b[p] as number };
      case 0x12:
        this.pos += 2;
        return { type: 'long-unsigned', value: ((b[p] as number) << 8) | (b[p + 1] as number) };
      case 0x14:
        this.pos += 8;
        return { type: 'long64', value: this.view.getBigInt64(p) };
      case 0x15:
        this.pos += 8;
        return { type: 'long64-unsigned', value: this.view.getBigUint64(p) };
      case 0x16:
        this.pos += 1;
        return { type: 'enum', value: b[p] as number };
      case 0x17:
        this.pos += 4;
        return { type: 'float32', value: this.view.getFloat32(p) };
      case 0x18:
        this.pos += 8;
        return { type: 'float64', value: this.view.getFloat64(p) };
      case 0x19:
        return { type: 'date-time', value: this.take(12) as Uint8Array };
      case 0x1a:
        return { type: 'date', value: this.take(5) as Uint8Array };
      case 0x1b:
        return { type: 'time', value: this.take(4) as Uint8Array };
      case 0x04:
        return this.bitString();
      case 0x09:
      case 0x0a:
      case 0x0c:
        return this.string(tag);
      case 0x01:
      case 0x02:
        return this.list(tag === 0x01 ? 'array' : 'structure', depth);
      case 0x13:
        return this.compactArray(depth);
      default:
        return this.fail('unsupported', `A-XDR tag ${tag.toString(16).padStart(2, '0')} not supported`, at);
    }
  }

  private bcd(): DlmsData | undefined {
    const b = this.bytes[this.pos] as number;
    if (b >> 4 > 9 || (b & 15) > 9) return this.fail('bad-value', 'bcd byte with a nibble above 9');
    this.pos += 1;
    return { type: 'bcd', value: (b >> 4) * 10 + (b & 15) };
  }

  private bitString(): DlmsData | undefined {
    const bits = this.berLength();
    if (bits === undefined) return undefined;
    const value = this.take(Math.ceil(bits / 8));
    return value && { type: 'bit-string', bits, value };
  }

  private string(tag: 0x09 | 0x0a | 0x0c): DlmsData | undefined {
    const n = this.berLength();
    if (n === undefined) return undefined;
    if (!this.need(n)) return undefined;
    const raw = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    if (tag === 0x09) return { type: 'octet-string', value: this.views ? raw : Uint8Array.prototype.slice.call(raw) };
    return tag === 0x0a ? { type: 'visible-string', value: latin1(raw) } : { type: 'utf8-string', value: utf8.decode(raw) };
  }

  private list(type: 'array' | 'structure', depth: number): DlmsData | undefined {
    if (depth >= MAX_DEPTH) return this.fail('bad-format', `nesting deeper than ${MAX_DEPTH}`);
    const count = this.berLength();
    if (count === undefined) return undefined;
    if (count > this.end - this.pos) return this.fail('bad-length', `${type} of ${count} items in ${this.end - this.pos} bytes`);
    const items: DlmsData[] = new Array<DlmsData>(count);
    const memo = depth === 0 ? this.lists : undefined;
    for (let i = 0; i < count; i++) {
      const start = this.pos;
      const known = memo?.lists[i];
      if (known !== undefined && this.same(known.bytes)) {
        items[i] = known.value;
        this.pos += known.bytes.length;
        continue;
      }
      const d = this.data(depth + 1);
      if (d === undefined) return undefined;
      items[i] = d;
      if (memo !== undefined && i < 256 && (d.type === 'array' || d.type === 'structure') && this.pos - start >= LIST_MEMO_MIN) {
        memo.lists[i] = { bytes: this.bytes.slice(start, this.pos), value: d };
      }
    }
    return { type, items };
  }

  /** Whether the bytes at the cursor are `bytes`. */
  private same(bytes: Uint8Array): boolean {
    return this.pos + bytes.length <= this.end && bytesAt(this.bytes, this.pos, bytes);
  }

  /**
   * compact-array (Blue Book): a type description, then an octet string of untagged values that
   * repeat the description until it is used up. Array descriptions carry a 16-bit count.
   */
  private compactArray(depth: number): DlmsData | undefined {
    const desc = this.typeDescription(depth);
    if (desc === undefined) return undefined;
    const size = this.berLength();
    if (size === undefined || !this.need(size)) return undefined;
    const inner = new AxdrReader(this.bytes, this.pos, this.pos + size, this.views);
    this.pos += size;
    const items: DlmsData[] = [];
    while (inner.pos < inner.end) {
      const d = inner.described(desc, depth + 1);
      if (d === undefined) return this.fail(inner.error?.kind ?? 'bad-format', inner.error?.message ?? 'compact-array contents', inner.error?.offset);
      items.push(d);
    }
    return { type: 'compact-array', items };
  }

  private typeDescription(depth: number): TypeDescription | undefined {
    if (depth >= MAX_DEPTH) return this.fail('bad-format', `nesting deeper than ${MAX_DEPTH}`);
    const tag = this.u8();
    if (tag === undefined) return undefined;
    if (tag === 0x01) {
      if (!this.need(2)) return undefined;
      const count = ((this.bytes[this.pos] as number) << 8) | (this.bytes[this.pos + 1] as number);
      this.pos += 2;
      const of = this.typeDescription(depth + 1);
      return of && { tag, count, of: [of] };
    }
    if (tag === 0x02) {
      const count = this.berLength();
      if (count === undefined) return undefined;
      if (count > this.end - this.pos) return this.fail('bad-length', 'structure description longer than the data');
      const of: TypeDescription[] = [];
      for (let i = 0; i < count; i++) {
        const d = this.typeDescription(depth + 1);
        if (d === undefined) return undefined;
        of.push(d);
      }
      return { tag, count, of };
    }
    if (!(tag in AXDR_TAGS) || tag === 0x13) return this.fail('unsupported', `type description tag ${tag.toString(16)}`, this.pos - 1);
    return { tag, count: 0, of: [] };
  }

  private described(desc: TypeDescription, depth: number): DlmsData | undefined {
    if (desc.tag === 0x01 || desc.tag === 0x02) {
      const items: DlmsData[] = [];
      for (let i = 0; i < desc.count; i++) {
        const d = this.described((desc.tag === 0x01 ? desc.of[0] : desc.of[i]) as TypeDescription, depth + 1);
        if (d === undefined) return undefined;
        items.push(d);
      }
      return { type: desc.tag === 0x01 ? 'array' : 'structure', items };
    }
    return this.value(desc.tag, depth);
  }
}

interface TypeDescription {
  readonly tag: number;
  readonly count: number;
  readonly of: readonly TypeDescription[];
}

/** Decodes one tagged A-XDR Data value starting at `offset`; `end` is the offset after it. */
export function decodeAxdr(bytes: Uint8Array, offset = 0): Result<{ readonly value: DlmsData; readonly end: number }> {
  const r = new AxdrReader(bytes, offset);
  const value = r.data();
  if (value === undefined) return { ok: false, error: r.error ?? fail('bad-format', LAYER, 'no data', offset).error };
  return ok({ value, end: r.pos });
}

/** The A-XDR type name of a tag, or undefined for tags outside the Data CHOICE. */
export function axdrTypeName(tag: number): string | undefined {
  return tag in AXDR_TAGS ? AXDR_TAGS[tag as AxdrTag] : undefined;
}
