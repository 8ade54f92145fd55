import { fail, ok, type Result } from '../common';
import type { MbusVariableTelegram } from './application';

/**
 * Multi-telegram readout (protocol notes §5.9): a slave whose response ends with DIF 1F has more
 * records; the master sends REQ_UD2 again (toggled FCB) until a telegram without 1F arrives.
 * This pure accumulator collects the telegrams of one readout and merges them.
 */
export interface ReadoutAccumulator {
  readonly telegrams: readonly MbusVariableTelegram[];
  /** The last telegram had no "more records follow" DIF. */
  readonly complete: boolean;
}

export const EMPTY_READOUT: ReadoutAccumulator = { telegrams: [], complete: false };

/** Upper bound of telegrams in one readout (a slave that never stops saying "more" is an error). */
export const DEFAULT_MAX_TELEGRAMS = 16;

const LAYER = 'mbus-readout';

function sameMeter(a: MbusVariableTelegram, b: MbusVariableTelegram): boolean {
  if (a.header && b.header) {
    return a.header.id === b.header.id && a.header.manufacturerCode === b.header.manufacturerCode && a.header.mediumCode === b.header.mediumCode;
  }
  return !a.header && !b.header && a.address === b.address;
}

/** True when `telegram` belongs to the readout in `acc` (same secondary address, or same primary address without header). */
export function belongsToReadout(acc: ReadoutAccumulator, telegram: MbusVariableTelegram): boolean {
  const first = acc.telegrams[0];
  return first === undefined || sameMeter(first, telegram);
}

/** Adds the next telegram. Starting over after a complete readout begins a new one. */
export function accumulateReadout(acc: ReadoutAccumulator, telegram: MbusVariableTelegram, maxTelegrams = DEFAULT_MAX_TELEGRAMS): Result<ReadoutAccumulator> {
  const base = acc.complete ? EMPTY_READOUT : acc;
  if (!belongsToReadout(base, telegram)) return fail('bad-value', LAYER, 'telegram from another meter in the middle of a readout');
  if (base.telegrams.length >= maxTelegrams) return fail('too-long', LAYER, `more than ${maxTelegrams} telegrams in one readout`);
  return ok({ telegrams: [...base.telegrams, telegram], complete: !telegram.moreRecordsFollow });
}

/**
 * One telegram with the records of all collected telegrams (header of the last one, so the
 * access number is current). Undefined when nothing was collected.
 */
export function mergeReadout(acc: ReadoutAccumulator): MbusVariableTelegram | undefined {
  const last = acc.telegrams[acc.telegrams.length - 1];
  if (!last) return undefined;
  return {
    ...last,
    records: acc.telegrams.flatMap((t) => t.records),
    moreRecordsFollow: !acc.complete,
  };
}
