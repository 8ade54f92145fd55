import { manufacturerName } from '@smi/model';
import { fail, type DecodeError } from '../common/errors';
import { LAYER } from './envelope';
import type { ObisRef } from './obis-ref';
import type { ByteMemo } from '../common/byte-memo';
import type { DsmrState } from './state';
import type { ByteText } from '../common/byte-text';

/**
 * Splits a telegram body into COSEM objects in one forward pass over the bytes: `OBIS(value)…`
 * per line, CR LF or LF, DSMR 2.2/3.0 continuation lines (a line starting with `(` adds brackets
 * to the object above), up to the line starting with `!`. Bracket bounds go into reused typed
 * arrays: nothing is allocated per line.
 */

/** Brackets of the current object: content of bracket i is `bytes[starts[i], ends[i])`. */
export interface Groups {
  count: number;
  /** The object's bytes after its OBIS code: first `(` to the end of its last line. */
  open: number;
  end: number;
  starts: Int32Array;
  ends: Int32Array;
  /** Index of the `*` before a unit inside bracket i, or -1. */
  stars: Int32Array;
}

/** More brackets than any known object (Fluvius 13-month history: 42). */
export const MAX_GROUPS = 256;
/** Room at first: most objects have one or two brackets (one decoder per meter, so it adds up). */
const INITIAL_GROUPS = 16;

export function newGroups(): Groups {
  const { starts, ends, stars } = groupArrays(INITIAL_GROUPS);
  return { count: 0, open: 0, end: 0, starts, ends, stars };
}

/**
 * The three arrays of `size` entries as views on one buffer (one buffer and backing store per
 * Groups instead of three: ~220 bytes less, two Groups per decoder), holding `from`'s entries.
 */
function groupArrays(size: number, from?: Groups): Pick<Groups, 'starts' | 'ends' | 'stars'> {
  const all = new Int32Array(3 * size);
  const starts = all.subarray(0, size);
  const ends = all.subarray(size, 2 * size);
  const stars = all.subarray(2 * size);
  if (from !== undefined) {
    starts.set(from.starts);
    ends.set(from.ends);
    stars.set(from.stars);
  }
  return { starts, ends, stars };
}

/** Appends a bracket (the caller keeps `count` below MAX_GROUPS), doubling the room when it is full. */
function addGroup(groups: Groups, start: number, end: number, star: number): void {
  if (groups.count === groups.starts.length) {
    const next = groupArrays(Math.min(MAX_GROUPS, 2 * groups.starts.length), groups);
    groups.starts = next.starts;
    groups.ends = next.ends;
    groups.stars = next.stars;
  }
  groups.starts[groups.count] = start;
  groups.ends[groups.count] = end;
  groups.stars[groups.count] = star;
  groups.count++;
}

export interface ObjectVisitor {
  /** One object; `offset` is where its line starts. An error stops the scan. */
  object(ref: ObisRef, groups: Groups, offset: number): DecodeError | undefined;
}

export interface Header {
  /** The identification line as sent, from `/` to the end of line. */
  readonly identification: string;
  /** Three-letter FLAG id, when the header starts with three letters. */
  readonly manufacturerId: string | undefined;
  /** Manufacturer name for the FLAG id (model `manufacturerName`). */
  readonly manufacturer: string | undefined;
  /** Identification after the FLAG id and baud character, without the mode-E `\2` escape. */
  readonly model: string;
  /** A meter id made from the identification, for meters that send none (Nordic P1): `KAM`, `LGF-E360`. */
  readonly derivedId: string;
  /** Where the body starts. */
  readonly bodyStart: number;
}

const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const OPEN = 40;
const CLOSE = 41;
const STAR = 42;
const SLASH = 47;
const BANG = 33;

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

/** What an identification line says; memoised by its bytes (a meter repeats it in every telegram). */
export type HeaderInfo = Omit<Header, 'bodyStart'>;

function headerInfo(text: ByteText, start: number, lineEnd: number): HeaderInfo {
  const b = text.bytes;
  const identification = text.slice(start, lineEnd);
  let manufacturerId: string | undefined;
  let i = start + 1;
  if (isLetter(b[i] as number) && isLetter(b[i + 1] as number) && isLetter(b[i + 2] as number)) {
    manufacturerId = identification.slice(1, 4);
    i += 3;
    const baud = b[i] as number;
    if (baud >= 48 && baud <= 57) i++;
  }
  // Mode-E escape: `\2` as two characters or as a real 0x02 byte.
  if (b[i] === 92 /* \ */ && b[i + 1] === 50 /* 2 */) i += 2;
  else if (b[i] === 2) i += 1;
  // A non-standard separator instead of a baud character (`/NWA-WARMTELINK`).
  while (i < lineEnd && (b[i] === 45 || b[i] === SPACE)) i++;
  const manufacturer = manufacturerId === undefined ? undefined : manufacturerName(manufacturerId);
  const model = identification.slice(i - start);
  const idText = manufacturerId === undefined ? identification.slice(1) : [manufacturerId, model].filter((p) => p !== '').join('-');
  return { identification, manufacturerId, manufacturer, model, derivedId: idText.replace(/[^A-Za-z0-9._-]+/g, '_') };
}

/**
 * The identification line as IEC 62056-21 / DSMR write it: `/`, the three-letter FLAG
 * manufacturer id, the baud rate digit (`-` instead for the NWA WarmteLink), then the
 * identification in printable ASCII; a raw 0x02 byte may stand right after the baud digit (the
 * mode-E `\2` escape as one byte, Irish AM550). Anything else is no telegram (`bad-format`).
 * Checked once per distinct line (the memo holds only lines that passed).
 */
function checkIdentification(b: Uint8Array, start: number, lineEnd: number): DecodeError | undefined {
  if (lineEnd - start < 5) return fail('bad-format', LAYER, 'identification line too short', start).error;
  if (!isLetter(b[start + 1] as number) || !isLetter(b[start + 2] as number) || !isLetter(b[start + 3] as number)) {
    return fail('bad-format', LAYER, 'identification does not start with a three-letter manufacturer id', start + 1).error;
  }
  const baud = b[start + 4] as number;
  if ((baud < 48 || baud > 57) && baud !== 45) return fail('bad-format', LAYER, 'no baud rate digit after the manufacturer id', start + 4).error;
  for (let i = start + 5; i < lineEnd; i++) {
    const c = b[i] as number;
    if ((c < 32 || c > 126) && !(c === 2 && i === start + 5)) return fail('bad-format', LAYER, 'identification is not printable ASCII', i).error;
  }
  return undefined;
}

/** Reads the identification line of the telegram whose `/` is at `start`. */
export function readHeader(text: ByteText, start: number, end: number, headers: ByteMemo<HeaderInfo>): Header | DecodeError {
  const b = text.bytes;
  let lineEnd = start + 1;
  while (lineEnd < end && b[lineEnd] !== CR && b[lineEnd] !== LF && b[lineEnd] !== BANG) lineEnd++;
  if (lineEnd >= end || b[lineEnd] === BANG) return fail('truncated', LAYER, 'telegram ends inside its identification line', lineEnd).error;
  let info = headers.get(b, start, lineEnd);
  if (info === undefined) {
    const error = checkIdentification(b, start, lineEnd);
    if (error) return error;
    info = headers.set(b, start, lineEnd, headerInfo(text, start, lineEnd));
  }
  return {
    identification: info.identification,
    manufacturerId: info.manufacturerId,
    manufacturer: info.manufacturer,
    model: info.model,
    derivedId: info.derivedId,
    bodyStart: lineEnd,
  };
}

/**
 * Bytes a value bracket stops at: `)`, `*` (unit follows), and those that may not occur there (CR,
 * LF, `/`, and every byte that is not printable ASCII: values are numbers, time stamps or
 * hex-encoded text). Same table lookup per byte as before: the check costs nothing.
 */
const BRACKET_STOP = new Uint8Array(256);
for (const c of [CLOSE, STAR, CR, LF, SLASH]) BRACKET_STOP[c] = 1;
for (let c = 0; c < 256; c++) if (c < 32 || c > 126) BRACKET_STOP[c] = 1;

function formatError(message: string, at: number, b: Uint8Array): DecodeError {
  // A `/` where a line or value should go on: the next telegram began before this one ended.
  if (b[at] === SLASH) return fail('truncated', LAYER, 'a new telegram starts before "!"', at).error;
  return fail('bad-format', LAYER, message, at).error;
}

/**
 * Reads the brackets starting at `p` (a `(`) into `groups`, continuation lines included; returns
 * the index after the object's last line end, or an error.
 */
function readBrackets(b: Uint8Array, p: number, end: number, groups: Groups): number | DecodeError {
  for (;;) {
    // p is at `(`
    const s = p + 1;
    let q = s;
    let star = -1;
    for (;;) {
      while (q < end && BRACKET_STOP[b[q] as number] === 0) q++;
      if (q >= end) return fail('truncated', LAYER, 'value bracket not closed', p).error;
      const c = b[q] as number;
      if (c === CLOSE) break;
      if (c !== STAR) {
        if (c !== CR && c !== LF && c !== SLASH) return fail('bad-format', LAYER, 'value holds a byte that is not printable ASCII', q).error;
        return formatError('value bracket not closed on its line', c === SLASH ? q : p, b);
      }
      star = q++;
    }
    if (groups.count >= MAX_GROUPS) return fail('bad-format', LAYER, 'too many value brackets on one line', p).error;
    addGroup(groups, s, q, star);
    p = q + 1;
    if (p < end && b[p] === OPEN) continue;
    // End of line: blanks, then LF (or the end of the body).
    while (p < end && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
    if (p < end) {
      if (b[p] !== LF) return formatError('unexpected text after a value bracket', p, b);
      groups.end = p;
      p++;
    } else {
      groups.end = p;
    }
    if (p < end && b[p] === OPEN) continue; // continuation line
    return p;
  }
}

/**
 * Visits every object from `start` (after the identification line) to the line starting with
 * `!`; returns the index of that `!`. `end` bounds the search (end of input).
 */
export function scanBody(b: Uint8Array, start: number, end: number, visitor: ObjectVisitor, state: DsmrState): number | DecodeError {
  const groups = state.groups;
  const obis = state.obis;
  let pos = start;
  while (pos < end) {
    const c = b[pos] as number;
    if (c === CR || c === LF || c === SPACE || c === TAB) {
      pos++;
      continue;
    }
    if (c === BANG) return pos;
    if (c === OPEN) return formatError('value bracket without an OBIS code', pos, b);
    const ref = obis.read(b, pos, end);
    const open = obis.end;
    if (ref === undefined || b[open] !== OPEN) {
      let stop = pos;
      while (stop < end && stop - pos < 32 && b[stop] !== SLASH && b[stop] !== LF && b[stop] !== OPEN) stop++;
      if (stop >= end) return fail('truncated', LAYER, 'telegram ends inside a line', pos).error;
      return formatError('line does not start with an OBIS code and a value bracket', b[stop] === SLASH ? stop : pos, b);
    }
    groups.count = 0;
    groups.open = open;
    const next = readBrackets(b, open, end, groups);
    if (typeof next !== 'number') return next;
    const error = visitor.object(ref, groups, pos);
    if (error) return error;
    pos = next;
  }
  return fail('truncated', LAYER, 'telegram ends before "!"', end).error;
}

/**
 * Reads again the brackets of an object already scanned (`open`/`end` from its Groups), into
 * `groups`: for channel objects, read once the whole telegram is known.
 */
export function regroup(b: Uint8Array, open: number, end: number, groups: Groups): void {
  groups.count = 0;
  groups.open = open;
  groups.end = end;
  let g = open;
  while (g < end && groups.count < MAX_GROUPS) {
    if (b[g] !== OPEN) {
      g++; // CR, LF between a line and its continuation
      continue;
    }
    let q = g + 1;
    let star = -1;
    while (b[q] !== CLOSE) {
      if (b[q] === STAR) star = q;
      q++;
    }
    addGroup(groups, g + 1, q, star);
    g = q + 1;
  }
}
