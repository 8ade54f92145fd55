import { crc16X25 } from '../common';
import { swap16 } from './messages';
import { SML_TYPE } from './tl';

/**
 * A small SML writer for simulators, demos and tests: TL fields, messages with their CRC, and
 * transport v1 files with escaping, padding and the file CRC. It writes what the decoder reads;
 * it is not a general SML encoder (no signatures, no requests beyond raw bytes).
 */

/** TL bytes for a field: `length` is data bytes (non-list) or element count (list). */
export function encodeTl(type: number, length: number): number[] {
  let n = 1;
  if (type === SML_TYPE.list) {
    while (length >= 16 ** n) n++;
  } else {
    while (length + n >= 16 ** n) n++;
  }
  const total = type === SML_TYPE.list ? length : length + n;
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const nibble = Math.floor(total / 16 ** i) % 16;
    const more = i > 0 ? 0x80 : 0;
    out.push(more | (i === n - 1 ? type : 0) | nibble);
  }
  return out;
}

function bigEndian(value: number | bigint, width: number): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << BigInt(8 * width);
  const out: number[] = [];
  for (let i = width - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

export const smlw = {
  octets(data: Uint8Array | string | readonly number[]): number[] {
    const bytes = typeof data === 'string' ? Array.from(Buffer.from(data, 'latin1')) : Array.from(data);
    return [...encodeTl(SML_TYPE.octets, bytes.length), ...bytes];
  },
  absent(): number[] {
    return [0x01];
  },
  bool(v: boolean): number[] {
    return [0x42, v ? 0x01 : 0x00];
  },
  uint(v: number | bigint, width = 1): number[] {
    return [...encodeTl(SML_TYPE.unsigned, width), ...bigEndian(v, width)];
  },
  int(v: number | bigint, width = 1): number[] {
    return [...encodeTl(SML_TYPE.integer, width), ...bigEndian(v, width)];
  },
  list(...items: readonly number[][]): number[] {
    return [...encodeTl(SML_TYPE.list, items.length), ...items.flat()];
  },
  /** SML_Time: choice 1 secIndex, 2 timestamp. */
  time(choice: 1 | 2, seconds: number): number[] {
    return smlw.list(smlw.uint(choice), smlw.uint(seconds, 4));
  },
  /** SML_ListEntry. */
  entry(obis: readonly number[], value: number[], opts: { unit?: number; scaler?: number; status?: number[]; valTime?: number[] } = {}): number[] {
    return smlw.list(
      smlw.octets(obis),
      opts.status ?? smlw.absent(),
      opts.valTime ?? smlw.absent(),
      opts.unit === undefined ? smlw.absent() : smlw.uint(opts.unit),
      opts.scaler === undefined ? smlw.absent() : smlw.int(opts.scaler),
      value,
      smlw.absent(),
    );
  },
};

export interface SmlMessageSpec {
  readonly transactionId: readonly number[];
  readonly tag: number;
  /** The encoded body (the list that follows the tag). */
  readonly body: readonly number[];
  readonly groupNo?: number;
  /** Bytes for the tag (default: 2, as meters send `63 07 01`; the spec's Unsigned32 is 4). */
  readonly tagWidth?: number;
  /** Write a wrong CRC (for tests of CRC handling). */
  readonly corruptCrc?: boolean;
}

/** One SML_Message with its CRC (X.25, LSB first) and endOfSmlMsg. */
export function encodeSmlMessage(spec: SmlMessageSpec): Uint8Array {
  const head = [
    0x76,
    ...smlw.octets(spec.transactionId),
    ...smlw.uint(spec.groupNo ?? 0),
    ...smlw.uint(0),
    0x72,
    ...smlw.uint(spec.tag, spec.tagWidth ?? 2),
    ...spec.body,
  ];
  const bytes = Uint8Array.from(head);
  let crc = swap16(crc16X25(bytes));
  if (spec.corruptCrc === true) crc ^= 0x5a5a;
  return Uint8Array.from([...head, 0x63, crc >> 8, crc & 0xff, 0x00]);
}

/** Transport v1 file: start, escaped payload, `00` padding to a multiple of 4, end, file CRC. */
export function encodeSmlFile(messages: readonly Uint8Array[]): Uint8Array {
  const raw = messages.flatMap((m) => Array.from(m));
  const padding = (4 - (raw.length % 4)) % 4;
  for (let i = 0; i < padding; i++) raw.push(0);
  const out: number[] = [0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01];
  for (let i = 0; i < raw.length; i += 4) {
    const word = raw.slice(i, i + 4);
    out.push(...word);
    if (word.every((b) => b === 0x1b)) out.push(0x1b, 0x1b, 0x1b, 0x1b);
  }
  out.push(0x1b, 0x1b, 0x1b, 0x1b, 0x1a, padding);
  const crc = crc16X25(Uint8Array.from(out));
  out.push(crc & 0xff, crc >> 8);
  return Uint8Array.from(out);
}
