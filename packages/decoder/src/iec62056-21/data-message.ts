import { fail, ok, type Result } from '../common';
import { bcc } from './bcc';
import { BANG, CR, EOT, ETX, LAYER, LF, STX } from './constants';
import { asciiBytes, latin1 } from './text';

/** A data message: `STX data-block ! CR LF ETX BCC`, or the mode-D push form without STX/BCC. */
export interface DataMessage {
  /** `stx`: framed by STX…ETX; `push`: plain lines up to `!` (mode D, EMH eHZ, EasyMeter). */
  readonly form: 'stx' | 'push';
  /** The data block: data lines between STX (or the identification) and the final `!`. */
  readonly text: string;
  /**
   * `ok`: BCC checked; `absent`: no ETX/BCC sent (push form, or a readout that stops at `! CR LF`);
   * `mismatch`: wrong BCC accepted because checking was switched off.
   */
  readonly bcc: 'ok' | 'absent' | 'mismatch';
  /** Ended with `!` (a complete readout); false for programming-mode data blocks. */
  readonly complete: boolean;
  /** Ended with EOT: a partial block, more follow (programming mode). */
  readonly partial: boolean;
  /** Characters after `!` in the push form (a DSMR CRC): kept, not checked here. */
  readonly checksum?: string;
}

export interface DataMessageOptions {
  /** Reject a wrong BCC (`bad-crc`). Default true. */
  readonly verifyBcc?: boolean;
}

/** Builds `STX block ! CR LF ETX BCC` (or the push form `block ! CR LF`). */
export function buildDataMessage(block: string, form: 'stx' | 'push' = 'stx'): Uint8Array {
  const lines = block === '' || block.endsWith('\r\n') ? block : `${block}\r\n`;
  if (form === 'push') return asciiBytes(`${lines}!\r\n`);
  const bytes = asciiBytes(`\x02${lines}!\r\n\x03?`);
  bytes[bytes.length - 1] = bcc(bytes, 1, bytes.length - 1);
  return bytes;
}

/** Index of the `!` that ends the block when `text` ends in `! [CR] LF`, else -1. */
function endBang(bytes: Uint8Array, start: number, end: number): number {
  let i = end - 1;
  if (i >= start && bytes[i] === LF) i--;
  if (i >= start && bytes[i] === CR) i--;
  return i >= start && bytes[i] === BANG ? i : -1;
}

/** Builds the message value of an STX block whose ETX/EOT sits at `etx` (BCC at `etx + 1`, if any). */
export function stxMessage(bytes: Uint8Array, start: number, etx: number, check: DataMessage['bcc']): DataMessage {
  const bang = endBang(bytes, start + 1, etx);
  return {
    form: 'stx',
    text: latin1(bytes, start + 1, bang < 0 ? etx : bang),
    bcc: check,
    complete: bang >= 0,
    partial: bytes[etx] === EOT,
  };
}

/**
 * Parses one complete data message (no identification before it). STX form: the BCC follows
 * ETX/EOT; a block that ends at `! CR LF` without ETX is accepted with `bcc: 'absent'`.
 * Push form: the block ends at the first `!` outside brackets.
 */
export function parseDataMessage(bytes: Uint8Array, options: DataMessageOptions = {}): Result<DataMessage> {
  if (bytes.length === 0) return fail('truncated', LAYER, 'empty data message', 0);
  if (bytes[0] === STX) {
    let etx = -1;
    for (let i = 1; i < bytes.length; i++) {
      if (bytes[i] === ETX || bytes[i] === EOT) {
        etx = i;
        break;
      }
    }
    if (etx < 0) {
      if (endBang(bytes, 1, bytes.length) >= 0) return ok({ ...stxMessage(bytes, 0, bytes.length, 'absent') });
      return fail('truncated', LAYER, 'data message without ETX', bytes.length);
    }
    if (etx + 1 >= bytes.length) return fail('truncated', LAYER, 'data message without BCC', etx);
    const good = bcc(bytes, 1, etx + 1) === bytes[etx + 1];
    if (!good && options.verifyBcc !== false) return fail('bad-crc', LAYER, 'BCC mismatch', etx + 1);
    return ok(stxMessage(bytes, 0, etx, good ? 'ok' : 'mismatch'));
  }
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x28) depth++;
    else if (b === 0x29) depth = depth > 0 ? depth - 1 : 0;
    else if (b === LF) depth = 0;
    else if (b === BANG && depth === 0) {
      const tail = latin1(bytes, i + 1, bytes.length).replace(/\r?\n$/, '');
      return ok({
        form: 'push',
        text: latin1(bytes, 0, i),
        bcc: 'absent',
        complete: true,
        partial: false,
        ...(tail === '' ? {} : { checksum: tail }),
      });
    }
  }
  return fail('truncated', LAYER, 'data message without end character !', bytes.length);
}

/** Builds the message value of a push-form block `[start, bang)` whose `!` sits at `bang` and whose tail ends at `end`. */
export function pushMessage(bytes: Uint8Array, start: number, bang: number, end: number): DataMessage {
  const tail =
    end - bang <= 3
      ? ''
      : latin1(bytes, bang + 1, end)
          .replace(/\r?\n$/, '')
          .replace(/\r$/, '');
  return {
    form: 'push',
    text: latin1(bytes, start, bang),
    bcc: 'absent',
    complete: true,
    partial: false,
    ...(tail === '' ? {} : { checksum: tail }),
  };
}

/** Whether the STX block `[start, end)` ends with `! CR LF`. */
export function endsWithBang(bytes: Uint8Array, start: number, end: number): boolean {
  return bytes[start] === STX && end - start >= 4 && bytes[end - 3] === BANG && bytes[end - 2] === CR && bytes[end - 1] === LF;
}
