import type { DecodeError, ErrorKind } from '../common';

/**
 * SML type-length fields (SML 1.04, protocol-notes §3.2) and a cursor over them.
 *
 * A TL byte is `m ttt llll`: m = another TL byte follows, ttt = type, llll = length nibble. Every
 * following TL byte adds 4 more length bits. For lists the length counts elements; for every other
 * type it counts bytes including the TL byte(s) themselves.
 */
export const SML_TYPE = {
  octets: 0x00,
  boolean: 0x40,
  integer: 0x50,
  unsigned: 0x60,
  list: 0x70,
} as const;
export type SmlTypeName = keyof typeof SML_TYPE;

/** `01`: an optional field that is absent (an empty octet string). */
export const SML_OPTIONAL_ABSENT = 0x01;
/** `00`: endOfSmlMsg. */
export const SML_END_OF_MESSAGE = 0x00;

/** At most this many TL bytes (32 length bits) — more means the bytes are not SML. */
const MAX_TL_BYTES = 8;
/** Nesting limit for the generic walk; SML bodies nest a handful of levels. */
const MAX_DEPTH = 32;

const TWO_POW_32 = 0x1_0000_0000;
/** 2^(8·width) for widths 0…6. */
const RANGE = [1, 0x100, 0x1_0000, 0x100_0000, 0x1_0000_0000, 0x100_0000_0000, 0x1_0000_0000_0000];

/** An integer as SML sends it: a JS number when it is safe, a bigint beyond ±(2^53−1). */
export type SmlInt = number | bigint;

export interface TlHeader {
  /** Masked type bits (one of SML_TYPE's values; anything else is not SML). */
  readonly type: number;
  /** Data bytes after the TL field (non-list types) or element count (lists). */
  readonly length: number;
  /** Number of TL bytes read. */
  readonly tlBytes: number;
}

/**
 * A cursor over SML bytes with a sticky error: after the first failure every read returns a neutral
 * value and the caller checks `error` once per structure (the way bufio-style readers work). Never
 * writes to the bytes it reads.
 */
export class SmlReader {
  pos: number;
  error: DecodeError | undefined;
  /** Set by `tl()`: type bits of the field just read. */
  type = 0;
  /** Set by `tl()`: data length (non-list) or element count (list). */
  length = 0;
  /**
   * Whether `octets` returns views. A caller that needs no octet strings but ids and object names
   * (read with `id`) turns it off: the strings are then checked and skipped, and read as empty.
   */
  views = true;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    /** Added to offsets in errors (position of `bytes[0]` within the enclosing frame). */
    readonly base = 0,
  ) {
    this.pos = start;
  }

  get ok(): boolean {
    return this.error === undefined;
  }

  fail(kind: ErrorKind, message: string, at = this.pos): void {
    if (this.error === undefined) this.error = { kind, layer: 'sml', message, offset: at + this.base };
    this.pos = this.end;
  }

  /** The byte at the cursor, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? (this.bytes[this.pos] as number) : -1;
  }

  /**
   * Reads a TL field and sets `type` and `length`; returns false (and sets the error) when the field
   * is cut off or impossible. `00` (endOfSmlMsg) is refused here: callers that expect it test
   * `peek()` first.
   */
  tl(): boolean {
    const start = this.pos;
    if (start >= this.end) {
      this.fail('truncated', 'SML field expected, bytes ended');
      return false;
    }
    let b = this.bytes[start] as number;
    const type = b & 0x70;
    let length = b & 0x0f;
    let n = 1;
    while (b & 0x80) {
      if (n >= MAX_TL_BYTES) {
        this.fail('bad-format', 'TL field longer than 8 bytes', start);
        return false;
      }
      if (start + n >= this.end) {
        this.fail('truncated', 'multi-byte TL field cut off', start);
        return false;
      }
      b = this.bytes[start + n] as number;
      length = length * 16 + (b & 0x0f);
      n++;
    }
    if (type !== SML_TYPE.list) {
      if (type === 0x10 || type === 0x20 || type === 0x30) {
        this.fail('bad-format', `TL type 0x${type.toString(16)} is not defined`, start);
        return false;
      }
      length -= n;
      if (length < 0) {
        this.fail('bad-length', 'TL length shorter than the TL field itself', start);
        return false;
      }
      if (start + n + length > this.end) {
        this.fail('truncated', `field of ${length} bytes runs past the end`, start);
        return false;
      }
    }
    this.pos = start + n;
    this.type = type;
    this.length = length;
    return true;
  }

  /** Reads a TL field of the given type; sets the error when it is another type. */
  expect(type: number, what: string): boolean {
    const at = this.pos;
    if (!this.tl()) return false;
    if (this.type !== type) {
      this.fail('bad-format', `${what}: unexpected TL type 0x${this.type.toString(16)}`, at);
      return false;
    }
    return true;
  }

  /** True (and consumes the byte) when the next field is an absent optional (`01`). */
  skipIfAbsent(): boolean {
    if (this.pos < this.end && this.bytes[this.pos] === SML_OPTIONAL_ABSENT) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** List header: returns the element count, or -1 on error. `exact` demands that count. */
  list(what: string, exact?: number): number {
    const at = this.pos;
    if (!this.expect(SML_TYPE.list, what)) return -1;
    if (exact !== undefined && this.length !== exact) {
      this.fail('bad-format', `${what}: list of ${this.length}, expected ${exact}`, at);
      return -1;
    }
    return this.length;
  }

  /**
   * An octet string as a view into the bytes being read (no copy: the reader never writes, and a
   * caller that keeps parsed messages while reusing its buffer should copy). `01` gives an empty one.
   */
  octets(what: string): Uint8Array {
    if (!this.expect(SML_TYPE.octets, what)) return EMPTY;
    const start = this.pos;
    this.pos += this.length;
    return this.views ? this.bytes.subarray(start, this.pos) : EMPTY;
  }

  /** An octet string that is always read as a view, also without `views` (server ids, object names). */
  id(what: string): Uint8Array {
    if (!this.expect(SML_TYPE.octets, what)) return EMPTY;
    const start = this.pos;
    this.pos += this.length;
    return this.bytes.subarray(start, this.pos);
  }

  /** An optional octet string: undefined when absent (`01`). */
  optionalOctets(what: string): Uint8Array | undefined {
    return this.skipIfAbsent() ? undefined : this.octets(what);
  }

  /** Unsigned integer of any width 1…8 (the spec's Unsigned8…64; meters also send 24/40/48/56 bit). */
  unsigned(what: string): SmlInt {
    if (!this.expect(SML_TYPE.unsigned, what)) return 0;
    return this.intData(false, what);
  }

  /** Signed integer of any width 1…8, sign-extended from its own width. */
  integer(what: string): SmlInt {
    if (!this.expect(SML_TYPE.integer, what)) return 0;
    return this.intData(true, what);
  }

  /** Unsigned that must fit a JS number (tags, choices, unit codes, CRCs). */
  smallUnsigned(what: string): number {
    const at = this.pos;
    const v = this.unsigned(what);
    if (typeof v === 'bigint') {
      this.fail('bad-value', `${what}: value too large`, at);
      return 0;
    }
    return v;
  }

  optionalUnsigned(what: string): SmlInt | undefined {
    return this.skipIfAbsent() ? undefined : this.unsigned(what);
  }

  optionalSmallUnsigned(what: string): number | undefined {
    return this.skipIfAbsent() ? undefined : this.smallUnsigned(what);
  }

  /** Optional signed 8-bit-ish value (scaler); any width is accepted, the value must be small. */
  optionalSmallInteger(what: string): number | undefined {
    if (this.skipIfAbsent()) return undefined;
    const at = this.pos;
    const v = this.integer(what);
    if (typeof v === 'bigint') {
      this.fail('bad-value', `${what}: value too large`, at);
      return 0;
    }
    return v;
  }

  boolean(what: string): boolean {
    if (!this.expect(SML_TYPE.boolean, what)) return false;
    if (this.length !== 1) {
      this.fail('bad-length', `${what}: boolean of ${this.length} bytes`);
      return false;
    }
    return (this.bytes[this.pos++] as number) !== 0;
  }

  /** Integer data after its TL field (`length` bytes, big-endian). */
  intData(signed: boolean, what: string): SmlInt {
    const w = this.length;
    if (w < 1 || w > 8) {
      this.fail('bad-length', `${what}: integer of ${w} bytes (1…8 allowed)`, this.pos - 1);
      return 0;
    }
    const v = readBigEndian(this.bytes, this.pos, w, signed);
    this.pos += w;
    return v;
  }

  /** Skips one complete field of any type (lists recursively). */
  skip(depth = 0): void {
    if (depth > MAX_DEPTH) {
      this.fail('bad-format', 'lists nested too deeply');
      return;
    }
    if (!this.tl()) return;
    if (this.type === SML_TYPE.list) {
      for (let i = this.length; i > 0 && this.error === undefined; i--) this.skip(depth + 1);
    } else if (this.type === SML_TYPE.integer || this.type === SML_TYPE.unsigned) {
      this.intData(this.type === SML_TYPE.integer, 'integer');
    } else {
      this.pos += this.length;
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Big-endian integer of 1…8 bytes. Signed values are sign-extended from their own width (`52 FF`
 * = −1, `53 D6 CA` = −10550). Values beyond ±(2^53−1) come back as bigint.
 */
export function readBigEndian(bytes: Uint8Array, offset: number, width: number, signed: boolean): SmlInt {
  if (width <= 6) {
    const first = bytes[offset] as number;
    let v = first;
    for (let i = 1; i < width; i++) v = v * 256 + (bytes[offset + i] as number);
    if (signed && first & 0x80) v -= RANGE[width] as number;
    return v;
  }
  const hiWidth = width - 4;
  let hi = 0;
  for (let i = 0; i < hiWidth; i++) hi = hi * 256 + (bytes[offset + i] as number);
  const o = offset + hiWidth;
  const lo = (((bytes[o] as number) << 24) >>> 0) + (((bytes[o + 1] as number) << 16) | ((bytes[o + 2] as number) << 8) | (bytes[o + 3] as number));
  if (signed && (bytes[offset] as number) & 0x80) hi -= 2 ** (8 * hiWidth);
  // hi·2³² is exact; adding lo is exact whenever the true result is a safe integer, and a true
  // result beyond the safe range can never round into it.
  const v = hi * TWO_POW_32 + lo;
  if (Number.isSafeInteger(v)) return v;
  return (BigInt(hi) << 32n) + BigInt(lo);
}

/** Human name of the type bits, for messages and tests. */
export function smlTypeName(type: number): SmlTypeName | undefined {
  switch (type) {
    case SML_TYPE.octets:
      return 'octets';
    case SML_TYPE.boolean:
      return 'boolean';
    case SML_TYPE.integer:
      return 'integer';
    case SML_TYPE.unsigned:
      return 'unsigned';
    case SML_TYPE.list:
      return 'list';
    default:
      return undefined;
  }
}

/** Reads one TL header at `offset` without a reader (for tools and tests). */
export function readTl(bytes: Uint8Array, offset = 0, end = bytes.length): { ok: true; value: TlHeader } | { ok: false; error: DecodeError } {
  const r = new SmlReader(bytes, offset, end);
  if (!r.tl() || r.error) return { ok: false, error: r.error ?? { kind: 'bad-format', layer: 'sml', message: 'bad TL field' } };
  return { ok: true, value: { type: r.type, length: r.length, tlBytes: r.pos - offset } };
}
