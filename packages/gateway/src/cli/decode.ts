import { createDecoder, type ErrorKind, type FrameEvent } from '@smi/decoder';
import type { ProtocolChoice } from '@smi/decoder';
import { readInput, UsageError } from './input';

export interface DecodeOptions {
  protocol: ProtocolChoice;
  key?: string;
  authKey?: string;
  hex: boolean;
  summary: boolean;
}

/** Decodes a capture and returns every frame event (used by `decode` and `discovery`). */
export function decodeInput(file: string | undefined, o: Omit<DecodeOptions, 'summary'>): FrameEvent[] {
  const decoder = createDecoder(o.protocol, { key: o.key, authKey: o.authKey });
  if (!decoder.ok) throw new UsageError(decoder.error);
  const bytes = readInput(file, o.hex);
  // Feed in 64 KiB chunks like a stream would; decoders are incremental.
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i += 65536) events.push(...decoder.value.push(bytes.subarray(i, i + 65536)));
  events.push(...(decoder.value.flush?.() ?? []));
  return events;
}

/** `smi decode`: NDJSON snapshots on stdout, one error line per rejected frame on stderr. */
export function runDecode(file: string | undefined, o: DecodeOptions, out: (line: string) => void, err: (line: string) => void): number {
  const events = decodeInput(file, o);
  let frames = 0;
  let rejected = 0;
  let readings = 0;
  const errors: Partial<Record<ErrorKind, number>> = {};
  for (const ev of events) {
    if (ev.ok) {
      frames++;
      readings += ev.snapshot.readings.length;
      if (!o.summary) out(JSON.stringify(ev.snapshot));
    } else {
      rejected++;
      errors[ev.error.kind] = (errors[ev.error.kind] ?? 0) + 1;
      if (!o.summary) err(JSON.stringify({ error: ev.error.kind, layer: ev.error.layer, ...(ev.error.offset === undefined ? {} : { offset: ev.error.offset }), message: ev.error.message }));
    }
  }
  if (o.summary) out(JSON.stringify({ frames, rejected, readings, errors }));
  return frames > 0 ? 0 : 1;
}
