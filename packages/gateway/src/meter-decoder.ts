import { createDecoder, type StreamDecoder } from '@smi/decoder';
import type { MeterConfig } from './config/schema';
import { createD0MeterDecoder } from './sessions/d0-factory';
import { createMbusPollingSession, isMbusPolling } from './sessions/mbus-session';

export type MeterDecoderResult = { ok: true; value: StreamDecoder } | { ok: false; error: string };

/**
 * The decoder (or, for meters that must be asked, the session) for one configured meter.
 * Push protocols get the plain stream decoder of the protocol.
 */
export function createMeterDecoder(m: MeterConfig): MeterDecoderResult {
  if (m.protocol === 'iec62056-21') return createD0MeterDecoder(m);
  if (isMbusPolling(m)) return createMbusPollingSession(m);
  return createDecoder(m.protocol, { key: m.key, authKey: m.authKey });
}
