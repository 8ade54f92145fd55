import { pow10 } from './decimal';

/**
 * Decimal numbers and unit names as meters write them in text protocols (DSMR P1, IEC 62056-21),
 * read in place from bytes (no regexes, no text decoding), or from a string.
 */

const MAX_EXACT = 2 ** 53;

/**
 * Reads a decimal (`001581.123`, `-0.5`, `000`) in `b[start, end)` and scales it by 10^shift.
 * Exact: the digits are an integer mantissa, so `02.027` with shift 3 is 2027, not 2026.9999….
 * NaN when the text is not a decimal.
 */
export function parseDecimal(b: Uint8Array, start: number, end: number, shift = 0): number {
  let i = start;
  const first = b[i];
  const negative = first === 45; /* - */
  if (negative || first === 43 /* + */) i++;
  const digitsStart = i;
  let mantissa = 0;
  let dot = -1;
  for (; i < end; i++) {
    const d = (b[i] as number) - 48;
    if (d >= 0 && d <= 9) mantissa = mantissa * 10 + d;
    else if (d === -2 /* . */ && dot < 0) dot = i;
    else return NaN;
  }
  // Every byte was a digit but the one dot: counts follow from the positions.
  if (end - digitsStart === (dot < 0 ? 0 : 1)) return NaN;
  const decimals = dot < 0 ? 0 : end - dot - 1;
  let value: number;
  if (mantissa >= MAX_EXACT) {
    // More than 15 significant digits: the nearest double of the text, then scaled.
    const plain = Number(String.fromCharCode(...b.subarray(digitsStart, end)));
    value = shift >= 0 ? plain * pow10(shift) : plain / pow10(-shift);
  } else {
    const exponent = shift - decimals;
    value = exponent >= 0 ? mantissa * pow10(exponent) : mantissa / pow10(-exponent);
  }
  return negative && value !== 0 ? -value : value;
}

/** Whether `b[start, end)` is all decimal digits and at least one. */
export function isDigits(b: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether `b[start, end)` is only zeros (`00000000`, `0.000`): the placeholder for "no value". */
export function isAllZeros(b: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

/** Digits without leading zeros (`0002` → `2`, `0000` → `0`); other text unchanged. */
export function stripLeadingZeros(text: string): string {
  let i = 0;
  while (i < text.length - 1 && text.charCodeAt(i) === 48) i++;
  return i === 0 ? text : text.slice(i);
}

/** Whether `text` is `[+-]?(\d+(\.\d*)?|\.\d+)`, checked char by char (no regex). */
function isDecimalText(text: string): boolean {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) i++;
  const intStart = i;
  while (i < n && isDigitCode(text.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  if (i === n) return intDigits > 0;
  if (text.charCodeAt(i) !== 46 /* . */) return false;
  i++;
  const fracStart = i;
  while (i < n && isDigitCode(text.charCodeAt(i))) i++;
  return i === n && (intDigits > 0 || i > fracStart);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * A decimal number as D0 meters write it (`0008048.375`, `+000.8`, `5.`, `.5`; the caller trims)
 * from a string: the nearest double of the text, undefined for anything else. The same numbers as
 * `parseDecimal` without shift (up to 22 decimals), except that `-0` stays negative here.
 */
export function parseDecimalText(text: string): number | undefined {
  return isDecimalText(text) ? Number(text) : undefined;
}

/**
 * A number naming a short unit text (`kWh`, `m3`, `kVArh`) without allocating it: 7 bits per
 * character, up to 7 characters (exact in a double). -1 for longer or non-ASCII units; 0 for none.
 */
export function unitCode(b: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length <= 0) return 0;
  if (length > 7) return -1;
  let code = 0;
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    if (c > 127) return -1;
    code = code * 128 + c;
  }
  return code;
}
