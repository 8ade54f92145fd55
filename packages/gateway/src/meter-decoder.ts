import { createDecoder, type StreamDecoder } from '@smi/decoder';
import type { MeterConfig } from './config/schema';
import { createD0MeterDecoder } from './sessions/d0-factory';
import { meterProfilesFor } from './meter-profiles';
import { createMbusPollingSession, isMbusPolling } from './sessions/mbus-session';
import { createModbusPollingSession, isModbusPolling } from './sessions/modbus-session';

export type MeterDecoderResult = { ok: true; value: StreamDecoder } | { ok: false; error: string };

/**
 * The decoder (or, for meters that must be asked, the session) for one configured meter.
 * Push protocols get the plain stream decoder of the protocol.
 */
export function createMeterDecoder(m: MeterConfig): MeterDecoderResult {
  if (m.protocol === 'iec62056-21') return createD0MeterDecoder(m);
  if (isMbusPolling(m)) return createMbusPollingSession(m);
  if (isModbusPolling(m)) return createModbusPollingSession(m);
  if (m.modbus) return { ok: false, error: `modbus: settings for protocol modbus, but the meter's protocol is ${m.protocol}` };
  const profiles = meterProfilesFor(m);
  if (!profiles.ok) return profiles;
  if (m.sml && m.protocol !== 'sml' && m.protocol !== 'auto')
    return { ok: false, error: `sml: settings for protocol sml, but the meter's protocol is ${m.protocol}` };
  if (m.dsmr && m.protocol !== 'dsmr' && m.protocol !== 'auto')
    return { ok: false, error: `dsmr: settings for protocol dsmr, but the meter's protocol is ${m.protocol}` };
  const smlProfiles = profiles.value.sml;
  const sml =
    m.sml || smlProfiles.length > 0
      ? {
          acceptBadFileCrc: m.sml?.acceptBadFileCrc ?? false,
          ...(m.sml?.model === undefined ? {} : { model: m.sml.model }),
          ...(m.sml?.quirks === undefined ? {} : { quirks: stripUndefined(m.sml.quirks) }),
          ...(smlProfiles.length > 0 ? { profiles: smlProfiles } : {}),
        }
      : undefined;
  return createDecoder(m.protocol, { key: m.key, authKey: m.authKey, profiles: [...profiles.value.dlms], sml, dsmr: m.dsmr });
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
