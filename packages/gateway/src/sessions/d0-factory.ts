import { createD0Decoder, D0_INITIAL_BAUD, type StreamDecoder } from '@smi/decoder';
import type { MeterConfig } from '../config/schema';
import { meterProfilesFor } from '../meter-profiles';
import { D0PushSession } from './d0-push-session';
import { D0RequestSession } from './d0-session';

export type D0DecoderResult = { ok: true; value: StreamDecoder } | { ok: false; error: string };

/**
 * What reads an IEC 62056-21 meter: on a serial port or TCP bridge the request session (the
 * default, modes A–C/E) or, with `iec62056.mode: push`, the mode-D decoder with its silence
 * timer; recordings (file, simulator) get the plain decoder, as nothing can be asked there.
 */
export function createD0MeterDecoder(m: MeterConfig): D0DecoderResult {
  const t = m.transport;
  const o = m.iec62056;
  const loaded = meterProfilesFor(m);
  if (!loaded.ok) return loaded;
  const profiles = loaded.value.d0;
  if (t.type === 'file' || t.type === 'simulator') return { ok: true, value: createD0Decoder({ profiles }) };
  // A port opened 8N1 hands over 7E1 characters with the parity in bit 7.
  const maskParity = t.type === 'serial' && t.dataBits === 8;
  if (o?.mode === 'push') return { ok: true, value: new D0PushSession({ maskParity, profiles }) };
  return {
    ok: true,
    value: new D0RequestSession({
      label: m.name ?? 'iec62056-21',
      address: o?.address ?? '',
      wakeUp: o?.wakeUp ?? false,
      readoutIntervalMs: (o?.readoutIntervalSeconds ?? 60) * 1000,
      maxBaudRate: o?.maxBaudRate ?? 9600,
      lineBaud: t.type === 'serial' ? t.baudRate : D0_INITIAL_BAUD,
      maskParity,
      profiles,
    }),
  };
}
