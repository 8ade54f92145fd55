import { createDecoder, type StreamDecoder } from '@smi/decoder';
import type { MeterConfig } from './config/schema';
import { createD0MeterDecoder } from './sessions/d0-factory';
import { dlmsProfilesFor } from './meter-profiles';
import { createMbusPollingSession, isMbusPolling } from './sessions/mbus-session';

export type MeterDecoderResult = { ok: true; value: StreamDecoder } | { ok: false; error: string };

/**
 * The decoder (or, for meters that must be asked, the session) for one configured meter.
 * Push protocols get the plain stream decoder of the protocol.
 */
export function createMeterDecoder(m: MeterConfig): MeterDecoderResult {
  if (m.protocol === 'iec62056-21') return createD0MeterDecoder(m);
  if (isMbusPolling(m)) return createMbusPollingSession(m);
  const profiles = dlmsProfilesFor(m);
  if (!profiles.ok) return profiles;
  return createDecoder(m.protocol, { key: m.key, authKey: m.authKey, profiles: profiles.value });
}
