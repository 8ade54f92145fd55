import { fail, ok, type Result } from '../common';
import { manufacturerName, optional, type MeterInfo, type MeterSnapshot } from '@smi/model';
import { LAYER } from './constants';
import type { DataMessage } from './data-message';
import type { BlockFacts } from './facts';
import type { Identification } from './identification';
import { ReadoutInterpreter } from './interpreter';
import { ReadingFactory } from './readings';
import { clockFrom } from './values';
import type { D0Profile } from './meter-profiles';

export interface SnapshotOptions {
  /** OBIS value group A for short codes (`1.8.0`): 1 electricity (default), 6 heat… */
  readonly defaultMedium?: number;
  /** Meter profiles (views of `d0` profiles, user files) tried before the built-in ones. */
  readonly profiles?: readonly D0Profile[];
}

/** Meter info from the identification and the data block's facts. */
function meterInfo(id: Identification | undefined, f: BlockFacts): MeterInfo {
  const model = id?.ident.trim() ?? '';
  const derived = id === undefined ? 'unknown' : model === '' ? id.manufacturerId : `${id.manufacturerId}-${model}`;
  const manufacturer = id === undefined ? undefined : manufacturerName(id.manufacturerId);
  return Object.freeze({
    id: f.id ?? derived,
    ...(id === undefined ? {} : { manufacturerId: id.manufacturerId }),
    ...optional('manufacturer', manufacturer),
    ...(model === '' ? {} : { model }),
    ...optional('medium', f.medium),
    ...(id === undefined ? {} : { identification: `/${id.line}` }),
  });
}

/**
 * Keeps the last MeterInfo of a stream: a meter repeats its identification and id every
 * readout, so the same frozen object is handed out again.
 */
export class MeterInfoCache {
  private last: { ident: Identification | undefined; id: string | undefined; medium: string | undefined; info: MeterInfo } | undefined;

  get(ident: Identification | undefined, f: BlockFacts): MeterInfo {
    const l = this.last;
    if (l !== undefined && l.ident === ident && l.id === f.id && l.medium === f.medium) return l.info;
    const info = meterInfo(ident, f);
    this.last = { ident, id: f.id, medium: f.medium, info };
    return info;
  }
}

/**
 * One readout (identification, if one came, plus data message) → MeterSnapshot. Fails with
 * `bad-format` when the block holds no data set, a line that is not made of data sets
 * (`address(value)…`, bare-bracket profile rows), or — unless its BCC was checked — a byte
 * outside printable ASCII. Pass the stream's interpreter to reuse what
 * the previous readout parsed.
 */
export function buildSnapshot(
  identification: Identification | undefined,
  message: DataMessage,
  interpreter: ReadoutInterpreter = new ReadoutInterpreter(),
  infos: MeterInfoCache = new MeterInfoCache(),
): Result<MeterSnapshot> {
  const { sets, readings, facts: f, malformed, control } = interpreter.interpret(message.text);
  if (sets.length === 0) return fail('bad-format', LAYER, 'data block holds no data set', 0);
  if (malformed > 0) return fail('bad-format', LAYER, `${malformed} data line(s) hold text that is no data set`, 0);
  // A checked BCC vouches for the bytes; without one, a control character is line noise.
  if (message.bcc !== 'ok' && control) return fail('bad-format', LAYER, 'control character in the data block', 0);
  const clock = f.stamp ?? (f.clockTime !== undefined && f.clockDate !== undefined ? clockFrom(f.clockTime, f.clockDate) : undefined);
  return ok({
    protocol: 'iec62056-21',
    meter: infos.get(identification, f),
    ...optional('time', clock),
    readings,
  });
}

/** Decodes a data message on its own (`options.defaultMedium` for short codes). */
export function decodeReadout(identification: Identification | undefined, message: DataMessage, options: SnapshotOptions = {}): Result<MeterSnapshot> {
  return buildSnapshot(identification, message, new ReadoutInterpreter(new ReadingFactory(options.defaultMedium ?? 1)));
}
