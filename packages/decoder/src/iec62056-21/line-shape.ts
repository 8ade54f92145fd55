import type { Reading } from '@smi/model';
import { parseDecimalText } from '../common/decimal-text';
import { convertWithTemplate, fillReading, type ReadingTemplate } from '../common/reading-template';
import type { DataSet } from './data-sets';
import { isValueFact, type BlockFacts } from './facts';
import type { AddressInfo, ReadingFactory } from './readings';
import { splitUnit } from './values';

/**
 * The fixed text around the number of a line that holds one OBIS data set with one number
 * (`1-0:1.8.1*255(032942.0263)`, `1.7.0(00.01*kW)`): meters send the same lines every readout
 * with only that number changed, so a changed line with the same head and tail is read by
 * parsing the number alone; the result equals what the full parse of the line gives.
 */
export interface LineShape {
  /** Line text up to and including the `(`. */
  readonly head: string;
  /** Line text from the end of the number to the line end (`*kWh)`, `)`, plus any CR). */
  readonly tail: string;
  /** Characters of `tail` inside the bracket (`*kWh`: 4; none: 0). */
  readonly inTail: number;
  /** Characters before the address (white space). */
  readonly lead: number;
  readonly address: string;
  readonly template: ReadingTemplate;
  /** The line's facts (the medium: it comes from the address alone). */
  readonly facts: BlockFacts | undefined;
}

/** One line of a data block read through its shape. */
export interface ShapedLine {
  readonly text: string;
  readonly set: DataSet;
  readonly reading: Reading;
}

/** Whether a character may be part of a number read through a shape: digits, `.`, `+`, `-`. */
function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45;
}

function isNumberText(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isNumberChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * The shape of a parsed line, when it has one: a single data set of an OBIS code with one value
 * that is a plain number (no white space) read through the code's template, no line noise, no
 * control character, and no value that is a fact (id, clock, time stamp).
 */
export function lineShape(
  lineText: string,
  sets: readonly DataSet[],
  info: AddressInfo,
  factory: ReadingFactory,
  facts: BlockFacts | undefined,
): LineShape | undefined {
  const set = sets[0];
  if (sets.length !== 1 || set === undefined || set.values.length !== 1 || info.kind !== 'obis' || info.profile || isValueFact(info.cde)) return undefined;
  const raw = set.values[0] as string;
  if (raw.includes('&')) return undefined;
  const open = lineText.indexOf('(');
  const star = raw.indexOf('*');
  const numberEnd = star < 0 ? raw.length : star;
  if (open < 0 || !isNumberText(raw, 0, numberEnd)) return undefined;
  const [number, unitText] = splitUnit(raw);
  if (parseDecimalText(number) === undefined || (unitText === '' && !info.numeric)) return undefined;
  return {
    head: lineText.slice(0, open + 1),
    tail: lineText.slice(open + 1 + numberEnd),
    inTail: raw.length - numberEnd,
    lead: lineText.indexOf(set.address),
    address: set.address,
    template: factory.template(info.obis, unitText),
    facts,
  };
}

/**
 * Line `text[a, b)` (line number `k`) read through the shape of the line before it in the
 * previous block; undefined when it does not have that shape (then it is parsed in full).
 */
export function readShaped(text: string, a: number, b: number, k: number, shape: LineShape): ShapedLine | undefined {
  const from = a + shape.head.length;
  const to = b - shape.tail.length;
  if (to <= from || !isNumberText(text, from, to)) return undefined;
  if (text.slice(a, from) !== shape.head || text.slice(to, b) !== shape.tail) return undefined;
  const n = parseDecimalText(text.slice(from, to));
  if (n === undefined) return undefined;
  const raw = text.slice(from, to + shape.inTail);
  const t = shape.template;
  const reading = Object.freeze(fillReading(t, t.key, t.unit === undefined ? n : convertWithTemplate(t, n), undefined, undefined, raw));
  const set: DataSet = { address: shape.address, values: [raw], line: k, text: text.slice(a + shape.lead, to + shape.inTail + 1) };
  return { text: text.slice(a, b), set, reading };
}
