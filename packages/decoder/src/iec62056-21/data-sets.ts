/**
 * Data block → data sets. A data set is `address(value)` with any number of bracketed values
 * after the address: `1.8.0(001234.567*kWh)`, `1-0:1.6.0*255(02.468*kW)(1703100930)`, several
 * sets on one line (`6.8(0029.055*MWh)6.26(01589.28*m3)`), and lines of bare brackets that
 * continue a profile (`(0.123)(0.000)`).
 */
export interface DataSet {
  /** Address as sent, trimmed; `''` for a line of bare brackets. */
  readonly address: string;
  /** Contents of each bracket in order, without the brackets. */
  readonly values: readonly string[];
  /** 0-based line number within the block. */
  readonly line: number;
  /** The data set exactly as sent, address through last `)`. */
  readonly text: string;
}

export interface DataBlock {
  readonly sets: DataSet[];
  /** Text that is no data set (no bracket, or a bracket left open at the line end). */
  readonly skipped: string[];
}

const LF = 10;
const CR = 13;
const OPEN = 0x28;
const CLOSE = 0x29;

/** Parses a data block; `firstLine` numbers its first line (for blocks parsed line by line). */
export function parseDataBlock(text: string, firstLine = 0): DataBlock {
  const sets: DataSet[] = [];
  const skipped: string[] = [];
  // Values are read into this scratch list and copied out at their exact number: a data set is
  // kept as long as its line repeats, and a list grown by `push` holds 17 slots for one value.
  const scratch: string[] = [];
  const n = text.length;
  let line = firstLine;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === LF) {
      line++;
      i++;
      continue;
    }
    if (c <= 0x20) {
      i++;
      continue;
    }
    const from = i;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c === OPEN || c === CLOSE || c === LF || c === CR) break;
      i++;
    }
    if (c === CLOSE) {
      // `)` before any `(`: not a data set (a cut or corrupted line); skip the rest of the line
      while (i < n && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
      skipped.push(text.slice(from, i));
      continue;
    }
    const address = text.slice(from, i).trim();
    if (c !== OPEN || i >= n) {
      if (address !== '') skipped.push(address);
      continue;
    }
    scratch.length = 0;
    let open = false;
    while (i < n && text.charCodeAt(i) === OPEN) {
      const j = closing(text, i + 1);
      if (j < 0) {
        open = true;
        break;
      }
      scratch.push(text.slice(i + 1, j));
      i = j + 1;
    }
    if (open) {
      let end = i;
      while (end < n && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
      skipped.push(text.slice(from, end));
      i = end;
      continue;
    }
    sets.push({ address, values: scratch.slice(), line, text: text.slice(from, i) });
  }
  // The sets at their exact number too (the interpreter keeps a line's sets).
  return { sets: sets.slice(), skipped };
}

/** Index of the `)` closing a value that starts at `i`, or -1 when the line ends first. */
function closing(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === CLOSE) return j;
    if (c === LF || c === CR) return -1;
  }
  return -1;
}
