import type { MeterSnapshot } from '@smi/model';
import { ok, type Result } from '../common/errors';
import type { DsmrOptions } from './envelope';
import { SnapshotBuilder } from './snapshot-builder';
import { scanTelegram } from './telegram-pass';

/**
 * Decodes one complete P1 telegram (`/` … `!` [CRC]) into a MeterSnapshot. Bytes before `/` and
 * after the CRC are ignored; the CRC is checked where present (`bad-crc`, never a snapshot).
 * Error offsets count from the start of `bytes`.
 */
export function decodeDsmrTelegram(bytes: Uint8Array, options: DsmrOptions = {}): Result<MeterSnapshot> {
  const pass = scanTelegram(bytes, options, (text, header) => new SnapshotBuilder(text, header));
  if (!pass.ok) return pass;
  const snapshot = pass.value.visitor.finish();
  return 'kind' in snapshot ? { ok: false, error: snapshot } : ok(snapshot);
}
