import { optional } from '@smi/model';
import { fail, ok, type Result } from '../common';
import { baudInfo, LAYER, type D0Mode } from './constants';
import { asciiBytes, latin1 } from './text';

/** The identification message `/ XXX Z [\W] ident CR LF`, parsed. */
export interface Identification {
  /** FLAG manufacturer id as sent (`ISk`, `EMH`). */
  readonly manufacturerId: string;
  /** Baud-rate character Z. */
  readonly baudChar: string;
  /** Mode family the baud character belongs to (`A`: no change-over, `B`: letters, `C`: digits). */
  readonly family: 'A' | 'B' | 'C';
  /** Baud rate Z announces (undefined in mode A and for reserved characters). */
  readonly baud?: number;
  /** `W` of the mode-E escape `\W` (`2` announces binary mode = HDLC). */
  readonly escape?: string;
  /** Identification text after Z and the escape, as sent. */
  readonly ident: string;
  /**
   * Third letter of XXX in lower case: the meter answers after 20 ms instead of 200 ms
   * (protocol-notes §2.3, unverified).
   */
  readonly fastReaction: boolean;
  /** The whole line after `/`, without CR LF. */
  readonly line: string;
}

/** Longest identification line accepted (the standard allows ident ≤ 16 chars; meters exceed it). */
export const MAX_IDENT_LINE = 128;

const FLAG = /^[A-Za-z]{3}$/;
const BAUD_CHAR = /^[0-9A-Z]$/;
/** The enhanced-capability character W of `\W` (mode E: `\2` announces HDLC; Elster sends `\@`): printable, no `/` or `!`. */
const ESCAPE_CHAR = /^[\x22-\x2e\x30-\x7e]$/;

/**
 * Parses an identification line: `bytes[start]` is `/`, the line may end with CR LF, LF or
 * nothing. A byte 0x02 right after Z is read as the escape `\2`: DSMR examples written as JS or
 * Python source literals (`'/ISk5\2MT382'`) carry that byte instead of backslash + `2`.
 */
export function parseIdentification(bytes: Uint8Array, start = 0, end = bytes.length): Result<Identification> {
  let stop = end;
  if (stop > start && bytes[stop - 1] === 0x0a) stop--;
  if (stop > start && bytes[stop - 1] === 0x0d) stop--;
  if (bytes[start] !== 0x2f) return fail('bad-format', LAYER, 'identification must start with /', start);
  if (stop - start > MAX_IDENT_LINE) return fail('too-long', LAYER, 'identification line too long', start);
  const line = latin1(bytes, start + 1, stop);
  if (line.length < 4) return fail('truncated', LAYER, 'identification shorter than /XXXZ', start);
  const manufacturerId = line.slice(0, 3);
  if (!FLAG.test(manufacturerId)) return fail('bad-format', LAYER, 'manufacturer id is not three letters', start + 1);
  const baudChar = line.charAt(3);
  // Z is a digit (modes C, D, E) or a letter (mode B: A-I); anything else is noise, not a meter
  if (!BAUD_CHAR.test(baudChar)) {
    return fail('bad-format', LAYER, 'invalid baud character', start + 4);
  }
  let rest = line.slice(4);
  let escape: string | undefined;
  if (rest.charAt(0) === '\\' && rest.length >= 2 && ESCAPE_CHAR.test(rest.charAt(1))) {
    escape = rest.charAt(1);
    rest = rest.slice(2);
  } else if (rest.charCodeAt(0) === 0x02) {
    escape = '2';
    rest = rest.slice(1);
  }
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return fail('bad-format', LAYER, 'control character in identification', start + 1 + line.length - rest.length + i);
    // IEC 62056-21, identification message: it holds no `/` or `!`; a `/` here is a new sign-on
    // after a cut line, which the framer must find instead of reading it as part of this one
    if (c === 0x2f || c === 0x21) return fail('bad-format', LAYER, `'${String.fromCharCode(c)}' in identification`, start + 1 + line.length - rest.length + i);
  }
  const info = baudInfo(baudChar);
  const third = manufacturerId.charAt(2);
  return ok({
    manufacturerId,
    baudChar,
    family: info.family,
    ...optional('baud', info.baud),
    ...optional('escape', escape),
    ident: rest,
    fastReaction: third >= 'a' && third <= 'z',
    line,
  });
}

/**
 * Protocol mode an identification stands for. `solicited` is false for an identification the
 * meter pushed without a request (mode D). Mode E needs a digit baud character and an escape.
 */
export function identificationMode(id: Identification, solicited: boolean): D0Mode {
  if (!solicited) return 'D';
  if (id.escape !== undefined && id.family === 'C') return 'E';
  return id.family;
}

export interface IdentificationInit {
  readonly manufacturerId: string;
  readonly baudChar: string;
  readonly escape?: string;
  readonly ident: string;
}

/** Builds `/XXXZ[\W]ident CR LF`. */
export function buildIdentification(init: IdentificationInit): Uint8Array {
  const escape = init.escape === undefined ? '' : `\\${init.escape}`;
  return asciiBytes(`/${init.manufacturerId}${init.baudChar}${escape}${init.ident}\r\n`);
}
