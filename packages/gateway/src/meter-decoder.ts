import { createDecoder, type StreamDecoder } from '@smi/decoder';
import type { MeterConfig } from './config/schema';

export type MeterDecoderResult = { ok: true; value: StreamDecoder } | { ok: false; error: string };

/**
 * The decoder (or, for meters that must be asked, the session) for one configured meter.
 * Push protocols get the plain stream decoder of the protocol.
 */
export function createMeterDecoder(m: MeterConfig): MeterDecoderResult {
  return createDecoder(m.protocol, { key: m.key, authKey: m.authKey });
}
