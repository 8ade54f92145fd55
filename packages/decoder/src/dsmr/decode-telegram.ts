import type { MeterSnapshot } from '@smi/model';
import { ok, type Result } from '../common/errors';
import type { DsmrOptions } from './envelope';
import { SnapshotBuilder } from './snapshot';
import { DsmrState } from './state';
import { scanTelegram } from './telegram-pass';

/**
 * Decodes one complete P1 telegram (`/` … `!` [CRC]) into a MeterSnapshot. Bytes before `/` and
 * after the CRC are ignored; the CRC is checked where present (`bad-crc`, never a snapshot) and
 * required as `options.crc` says (`missing-crc`). Error offsets count from the start of `bytes`.
 *
 * `state`: the memos of one decoder (see DsmrState). Without it the call starts from nothing
 * (pure, but every code is parsed again): to decode many telegrams use `createDsmrTelegramDecoder`.
 */
export function decodeDsmrTelegram(bytes: Uint8Array, options: DsmrOptions = {}, state: DsmrState = new DsmrState()): Result<MeterSnapshot> {
  const pass = scanTelegram(bytes, options, (text, header) => new SnapshotBuilder(text, header, state), state);
  if (!pass.ok) return pass;
  const snapshot = pass.value.visitor.finish();
  return 'kind' in snapshot ? { ok: false, error: snapshot } : ok(snapshot);
}

/** A telegram decoder with its own state: `decodeDsmrTelegram` for a series of telegrams. */
export function createDsmrTelegramDecoder(options: DsmrOptions = {}): (bytes: Uint8Array) => Result<MeterSnapshot> {
  const state = new DsmrState();
  return (bytes) => decodeDsmrTelegram(bytes, options, state);
}
