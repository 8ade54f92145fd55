import type { ObisCode } from '@smi/model';
import { ok, type DecodeError, type Result } from '../common/errors';
import type { DsmrOptions } from './envelope';
import type { Groups, ObjectVisitor } from './line-scanner';
import type { ObisRef } from './obis-ref';
import { DsmrState } from './state';
import { scanTelegram } from './telegram-pass';
import type { ByteText } from '../common/byte-text';

/**
 * The telegram as written, before any interpretation: for diagnostics (CLI dumps, tests that
 * compare with other parsers) and for objects the snapshot does not carry. Not on the fast path.
 */
export interface DsmrValue {
  /** Bracket content before `*` (`001581.123`, `170102192002W`, hex text). */
  readonly text: string;
  /** Unit after `*`, as written (`kWh`, `m3`). */
  readonly unit?: string;
}

export interface DsmrObject {
  /** Canonical OBIS code (`*255` dropped). */
  readonly obis: ObisCode;
  /** All brackets of the object, continuation lines included. */
  readonly values: readonly DsmrValue[];
  /** Offset of the object's line in the input. */
  readonly offset: number;
}

export interface DsmrTelegram {
  readonly identification: string;
  readonly manufacturerId?: string;
  readonly model: string;
  /** CRC as sent, when present (already checked). */
  readonly crc?: number;
  readonly objects: readonly DsmrObject[];
}

class RawCollector implements ObjectVisitor {
  readonly objects: DsmrObject[] = [];

  constructor(private readonly text: ByteText) {}

  object(ref: ObisRef, groups: Groups, offset: number): DecodeError | undefined {
    const values: DsmrValue[] = [];
    for (let i = 0; i < groups.count; i++) {
      const s = groups.starts[i] as number;
      const e = groups.ends[i] as number;
      const star = groups.stars[i] as number;
      values.push(star < 0 ? { text: this.text.slice(s, e) } : { text: this.text.slice(s, star), unit: this.text.slice(star + 1, e) });
    }
    this.objects.push({ obis: ref.code, values, offset });
    return undefined;
  }
}

/** Splits one complete telegram into its objects (CRC checked as in `decodeDsmrTelegram`). */
export function parseDsmrTelegram(bytes: Uint8Array, options: DsmrOptions = {}, state: DsmrState = new DsmrState()): Result<DsmrTelegram> {
  const pass = scanTelegram(bytes, options, (text) => new RawCollector(text), state);
  if (!pass.ok) return pass;
  const { header, crc, visitor } = pass.value;
  const telegram: DsmrTelegram = {
    identification: header.identification,
    ...(header.manufacturerId === undefined ? {} : { manufacturerId: header.manufacturerId }),
    model: header.model,
    ...(crc === undefined ? {} : { crc }),
    objects: visitor.objects,
  };
  return ok(telegram);
}
