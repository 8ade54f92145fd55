import type { Reading } from '@smi/model';
import { parseDataBlock, type DataSet } from './data-sets';
import { factsOf, hasFacts as factsPresent, mergeFacts, type BlockFacts } from './facts';
import { lineShape, readShaped, type LineShape } from './line-shape';
import { ReadingFactory, UniqueKeys, type AddressInfo } from './readings';

/** One line of a data block, parsed, with its readings when the line stands on its own. */
interface Line {
  /** The line's text without its LF. */
  readonly text: string;
  readonly sets: readonly DataSet[];
  /** Id, clock and medium candidates on this line, when it has any. */
  readonly facts: BlockFacts | undefined;
  /** Undefined for lines that need their neighbours (profile header, bare-bracket rows). */
  readonly readings: readonly Reading[] | undefined;
  /** Text that is no data set (line noise). */
  readonly malformed: boolean;
  /** A byte outside printable ASCII and CR on this line. */
  readonly control: boolean;
  /** How the next block's line at this place is read when only its number changed. */
  readonly shape: LineShape | undefined;
}

/** A byte outside printable ASCII, CR and LF. */
const NOT_PRINTABLE = /[^\x20-\x7e\r\n]/;

export interface Interpretation {
  readonly sets: readonly DataSet[];
  readonly readings: Reading[];
  readonly facts: BlockFacts;
  /** Lines with text that is no data set. */
  readonly malformed: number;
  /** Whether the text holds a byte outside printable ASCII, CR and LF (checked per changed line). */
  readonly control: boolean;
}

interface Block {
  readonly text: string;
  /** Start of each line in `text`; one extra entry: the end of the text. */
  readonly starts: readonly number[];
  readonly lines: readonly Line[];
  readonly result: Interpretation;
  /**
   * Three rows of one int per line, in one array (one typed array per block instead of three:
   * ~430 bytes less kept per meter): at `k` the index of line k's first data set in `result.sets`,
   * at `n + k` of its first reading in `result.readings` (-1: none of its own), at `2n + k` 1 when
   * it was not the previous block's line (its text changed); n = `lines.length`.
   */
  readonly at: Int32Array;
}

/** Lines compared as one text when none of them changed in the block before. */
const GROUP = 8;

/** Line starts of `text` (each just after a LF), plus `text.length + 1` as sentinel. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  if (starts[starts.length - 1] !== text.length) starts.push(text.length + 1);
  else starts[starts.length - 1] = text.length + 1;
  return starts;
}

/** The bounds of line `k` in `text`, without its LF. */
function lineEnd(text: string, starts: readonly number[], k: number): number {
  return Math.min((starts[k + 1] as number) - 1, text.length);
}

/**
 * Whether line `k` has the text of `line` (a line of the previous block). A slice of a flat string
 * compared with `===` runs as one memory compare: twice as fast as a loop over char codes.
 */
function sameLine(text: string, starts: readonly number[], k: number, line: Line): boolean {
  const a = starts[k] as number;
  const b = lineEnd(text, starts, k);
  return b - a === line.text.length && text.slice(a, b) === line.text;
}

/**
 * Whether lines `[k, k + GROUP)` have the text of the previous block's, compared as one text (one
 * compare instead of GROUP: the compare is cheap, each slice is not). Equal texts from the same
 * line start have their line ends in the same places.
 */
function sameGroup(text: string, starts: readonly number[], k: number, prev: Block): boolean {
  if (k + GROUP > prev.lines.length) return false;
  const changed = 2 * prev.lines.length;
  for (let j = k; j < k + GROUP; j++) if (prev.at[changed + j] !== 0) return false;
  const a = starts[k] as number;
  const b = starts[k + GROUP] as number;
  const pa = prev.starts[k] as number;
  const pb = prev.starts[k + GROUP] as number;
  return b - a === pb - pa && text.slice(a, b) === prev.text.slice(pa, pb);
}

/** Line `k` read through the shape of the previous block's line `k` (it carries the shape on). */
function shapedLine(text: string, starts: readonly number[], k: number, shape: LineShape): Line | undefined {
  const r = readShaped(text, starts[k] as number, lineEnd(text, starts, k), k, shape);
  if (r === undefined) return undefined;
  return newLine(r.text, [r.set], [r.reading], false, false, shape.facts, shape);
}

/**
 * The block whose lines are the previous block's, but for the lines `shaped` (read through their
 * shape: one data set, one reading each, the same key, no facts of their own but the medium):
 * the previous result with those sets and readings replaced. Keys were made unique over the same
 * sequence of keys, so each reading takes the key its place had (`_2`…), as UniqueKeys gives it.
 */
function patched(prev: Block, text: string, starts: readonly number[], lines: readonly Line[], at: Int32Array, shaped: readonly number[]): Block {
  const n = lines.length;
  // the same places as before: the previous block's set and reading rows
  const from = prev.at;
  for (let i = 0; i < 2 * n; i++) at[i] = from[i] as number;
  const before = prev.result;
  const sets = before.sets.slice();
  const readings = before.readings.slice();
  for (const k of shaped) {
    const line = lines[k] as Line;
    sets[at[k] as number] = line.sets[0] as DataSet;
    const r0 = at[n + k] as number;
    const r = (line.readings as readonly Reading[])[0] as Reading;
    const key = (readings[r0] as Reading).key;
    readings[r0] = r.key === key ? r : { ...r, key };
  }
  const result = { sets, readings, facts: before.facts, malformed: before.malformed, control: before.control };
  return { text, starts, lines, result, at };
}

/** A result to hand out: its own readings array (the caller may change it). */
function copyOf(r: Interpretation): Interpretation {
  return { sets: r.sets, readings: r.readings.slice(), facts: r.facts, malformed: r.malformed, control: r.control };
}

/** Every line as one object shape (monomorphic reads in `assemble`). */
function newLine(
  text: string,
  sets: readonly DataSet[],
  readings: readonly Reading[] | undefined,
  malformed: boolean,
  control: boolean,
  facts: BlockFacts | undefined,
  shape: LineShape | undefined,
): Line {
  return { text, sets, facts, readings, malformed, control, shape };
}

/**
 * Interprets the data blocks of one stream. Meters send the same layout every readout with most
 * lines unchanged, so the new block is compared with the previous one line by line: unchanged
 * lines reuse their parsed sets and readings, lines where only a number changed are read through
 * their shape (line-shape.ts), other lines are parsed and typed anew (through the factory's
 * per-set cache and the model's `buildReading`). When no line needed a full parse, the previous
 * result is patched in place of assembling a new one. An unchanged block returns copies of the
 * previous result's arrays.
 */
export class ReadoutInterpreter {
  private previous: Block | undefined;

  constructor(readonly factory: ReadingFactory = new ReadingFactory()) {}

  interpret(text: string): Interpretation {
    const prev = this.previous;
    if (prev !== undefined && prev.text === text) {
      return copyOf(prev.result);
    }
    const starts = lineStarts(text);
    const count = starts.length - 1;
    const lines: Line[] = new Array<Line>(count);
    const at = new Int32Array(3 * count);
    const shaped = this.fill(text, starts, lines, at, prev);
    const block =
      prev !== undefined && shaped !== undefined && count === prev.lines.length
        ? patched(prev, text, starts, lines, at, shaped)
        : this.assemble(text, starts, lines, at);
    this.previous = block;
    return copyOf(block.result);
  }

  /**
   * Fills `lines`, reusing the previous block's lines where the text is equal and reading them
   * through their shape where only the number changed. Returns the lines read through a shape
   * when every line was one of the two, else undefined (a line was parsed in full).
   */
  private fill(text: string, starts: readonly number[], lines: Line[], at: Int32Array, prev: Block | undefined): number[] | undefined {
    const count = lines.length;
    const reusable = prev === undefined ? 0 : Math.min(count, prev.starts.length - 1);
    let shaped: number[] | undefined = [];
    for (let k = 0; k < count;) {
      if (prev !== undefined && k + GROUP <= reusable && sameGroup(text, starts, k, prev)) {
        for (const end = k + GROUP; k < end; k++) lines[k] = prev.lines[k] as Line;
        continue;
      }
      for (const end = Math.min(count, k + GROUP); k < end; k++) {
        const before = prev !== undefined && k < reusable ? (prev.lines[k] as Line) : undefined;
        if (before !== undefined && sameLine(text, starts, k, before)) {
          lines[k] = before;
          continue;
        }
        at[2 * count + k] = 1;
        const line = before?.shape === undefined ? undefined : shapedLine(text, starts, k, before.shape);
        if (line !== undefined) shaped?.push(k);
        else shaped = undefined;
        lines[k] = line ?? this.parseLine(text, starts, k);
      }
    }
    return shaped;
  }

  private parseLine(text: string, starts: readonly number[], k: number): Line {
    const lineText = text.slice(starts[k], lineEnd(text, starts, k));
    const { sets, skipped } = parseDataBlock(lineText, k);
    const malformed = skipped.length > 0;
    const control = NOT_PRINTABLE.test(lineText);
    const readings: Reading[] = [];
    let alone = true;
    let hasFacts = false;
    let firstInfo: AddressInfo | undefined;
    for (const set of sets) {
      if (set.address === '') {
        alone = false;
        continue;
      }
      const info = this.factory.address(set.address);
      firstInfo ??= info;
      if (info.cde !== undefined || info.kind === 'obis') hasFacts = true;
      if (info.profile) alone = false;
      if (alone) readings.push(this.factory.cached(info, set));
    }
    const f = hasFacts ? factsOf(sets, this.factory) : undefined;
    const facts = f !== undefined && factsPresent(f) ? f : undefined;
    if (!alone) return newLine(lineText, sets, undefined, malformed, control, facts, undefined);
    const shape = malformed || control || firstInfo === undefined ? undefined : lineShape(lineText, sets, firstInfo, this.factory, facts);
    // Copied at their exact number: the line is kept while it repeats (`push` left 17 slots).
    return newLine(lineText, sets, readings.slice(), malformed, control, facts, shape);
  }

  private assemble(text: string, starts: readonly number[], lines: readonly Line[], at: Int32Array): Block {
    const n = lines.length;
    const sets: DataSet[] = [];
    const facts: BlockFacts[] = [];
    const keys = new UniqueKeys();
    let pending: DataSet[] = [];
    let malformed = 0;
    let control = false;
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k] as Line;
      if (line.malformed) malformed++;
      if (line.control) control = true;
      at[k] = sets.length;
      at[n + k] = -1;
      for (const s of line.sets) sets.push(s);
      if (line.facts !== undefined) facts.push(line.facts);
      if (line.readings === undefined) {
        for (const s of line.sets) pending.push(s);
        continue;
      }
      if (pending.length > 0) {
        this.factory.collect(pending, keys);
        pending = [];
      }
      at[n + k] = keys.readings.length;
      for (const r of line.readings) keys.add(r);
    }
    if (pending.length > 0) this.factory.collect(pending, keys);
    const result = { sets, readings: keys.readings, facts: mergeFacts(facts), malformed, control };
    return { text, starts, lines, result, at };
  }
}
