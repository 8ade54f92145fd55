import { fail, ok, type Result } from '../common';
import { bcc } from './bcc';
import { ACK, ETX, LAYER, MODE_CONTROL, PROTOCOL_CONTROL, SOH, STX, type ModeControl, type ProtocolControl } from './constants';
import { asciiBytes, latin1 } from './text';

/** Longest device address in a request (smartmeter-obis truncates at 32; the standard allows 32). */
export const MAX_ADDRESS = 32;

const ADDRESS = /^[\x20-\x7e]*$/;

/** `/ ? [address] ! CR LF`. Returns undefined when the address cannot be sent. */
export function buildRequest(address = ''): Uint8Array | undefined {
  if (address.length > MAX_ADDRESS || !ADDRESS.test(address) || address.includes('!') || address.includes('/')) return undefined;
  return asciiBytes(`/?${address}!\r\n`);
}

/** Device address of a request line (`/?12345!`), or undefined when the line is no request. */
export function parseRequest(line: string): string | undefined {
  const m = /^\/\?([^!]*)!\r?\n?$/.exec(line);
  return m ? m[1] : undefined;
}

/** The acknowledgement / option select message `ACK V Z Y CR LF`. */
export interface OptionSelect {
  /** V: `0` normal, `1` secondary, `2` HDLC (mode E); other digits reserved. */
  readonly protocolChar: string;
  /** Z: baud character both sides switch to. */
  readonly baudChar: string;
  /** Y: `0` readout, `1` programming, `2` binary (HDLC), `6`–`9` manufacturer specific. */
  readonly modeChar: string;
}

export function optionSelect(protocol: ProtocolControl, baudChar: string, mode: ModeControl): OptionSelect {
  return { protocolChar: PROTOCOL_CONTROL[protocol], baudChar, modeChar: MODE_CONTROL[mode] };
}

export function buildOptionSelect(o: OptionSelect): Uint8Array {
  return asciiBytes(`\x06${o.protocolChar}${o.baudChar}${o.modeChar}\r\n`);
}

/** Parses `ACK V Z Y [CR] LF` (the line may also lack CR LF). */
export function parseOptionSelect(bytes: Uint8Array, start = 0, end = bytes.length): Result<OptionSelect> {
  if (bytes[start] !== ACK) return fail('bad-format', LAYER, 'option select must start with ACK', start);
  let stop = end;
  if (stop > start && bytes[stop - 1] === 0x0a) stop--;
  if (stop > start && bytes[stop - 1] === 0x0d) stop--;
  const body = latin1(bytes, start + 1, stop);
  if (body.length < 3) return fail('truncated', LAYER, 'option select needs V Z Y', start);
  if (body.length > 3) return fail('bad-length', LAYER, 'option select longer than V Z Y', start);
  const [v = '', z = '', y = ''] = body;
  if (!/[0-9]/.test(v) || !/[0-9A-I]/.test(z) || !/[0-9]/.test(y)) {
    return fail('bad-format', LAYER, 'option select characters out of range', start + 1);
  }
  return ok({ protocolChar: v, baudChar: z, modeChar: y });
}

/**
 * A programming-mode command message `SOH C D [STX data] ETX BCC` (`P0` password operand,
 * `R1` read, `W1` write, `E2` execute, `B0` break).
 */
export interface CommandMessage {
  /** C: `P`, `W`, `R`, `E` or `B`. */
  readonly command: string;
  /** D: command type digit. */
  readonly type: string;
  /** Data set between STX and ETX (undefined when the message has no STX part). */
  readonly data?: string;
}

export function buildCommand(c: CommandMessage): Uint8Array {
  const body = c.data === undefined ? `${c.command}${c.type}\x03` : `${c.command}${c.type}\x02${c.data}\x03`;
  const bytes = asciiBytes(`\x01${body}?`);
  bytes[bytes.length - 1] = bcc(bytes, 1, bytes.length - 1);
  return bytes;
}

/** The break message `SOH B 0 ETX BCC` that ends a session. */
export function buildBreak(): Uint8Array {
  return buildCommand({ command: 'B', type: '0' });
}

/** Parses a command message; `end` is just past the BCC. `verifyBcc` false skips the BCC check. */
export function parseCommand(bytes: Uint8Array, start = 0, end = bytes.length, verifyBcc = true): Result<CommandMessage> {
  if (bytes[start] !== SOH) return fail('bad-format', LAYER, 'command must start with SOH', start);
  if (end - start < 5) return fail('truncated', LAYER, 'command shorter than SOH C D ETX BCC', start);
  if (bytes[end - 2] !== ETX && bytes[end - 2] !== 0x04) return fail('truncated', LAYER, 'command without ETX', end - 2);
  if (verifyBcc && bcc(bytes, start + 1, end - 1) !== bytes[end - 1]) return fail('bad-crc', LAYER, 'command BCC mismatch', end - 1);
  const command = String.fromCharCode(bytes[start + 1] as number);
  const type = String.fromCharCode(bytes[start + 2] as number);
  if (!/[A-Z]/.test(command) || !/[0-9]/.test(type)) return fail('bad-format', LAYER, 'command identifier out of range', start + 1);
  if (bytes[start + 3] === STX) return ok({ command, type, data: latin1(bytes, start + 4, end - 2) });
  if (end - start !== 5) return fail('bad-format', LAYER, 'command data without STX', start + 3);
  return ok({ command, type });
}
