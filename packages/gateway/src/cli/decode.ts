import { once } from 'node:events';
import { createDecoder, errorRecord, type ErrorKind, type FrameEvent, type StreamDecoder } from '@smi/decoder';
import type { ProtocolChoice } from '@smi/decoder';
import { openInput, readChunks, UsageError, type Input } from './input';

export interface DecodeOptions {
  protocol: ProtocolChoice;
  key?: string;
  authKey?: string;
  hex: boolean;
  summary: boolean;
}

export type InputOptions = Omit<DecodeOptions, 'summary'>;
export type LineWriter = (line: string) => void;
/** Resolves when the output can take more (stdout backpressure); undefined when it can right now. */
export type Drain = () => Promise<unknown> | undefined;

/** Backpressure of the process's standard output. */
export const stdoutDrain: Drain = () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain') : undefined);

/** The decoder for the options; a bad key or protocol is a UsageError (exit code 2). */
export function openDecoder(o: InputOptions): StreamDecoder {
  const decoder = createDecoder(o.protocol, { key: o.key, authKey: o.authKey });
  if (!decoder.ok) throw new UsageError(decoder.error);
  return decoder.value;
}

/**
 * Decodes the input as it arrives: every frame event, in stream order, as soon as its bytes are
 * read; `flush` at end of input so that no buffered frame is dropped without an event. The
 * callback may return a promise (output backpressure): reading waits for it.
 */
export async function forEachEvent(
  decoder: StreamDecoder,
  chunks: AsyncIterable<Uint8Array>,
  onEvent: (ev: FrameEvent) => Promise<unknown> | undefined,
): Promise<void> {
  for await (const chunk of chunks) {
    for (const ev of decoder.push(chunk)) await onEvent(ev);
  }
  for (const ev of decoder.flush?.() ?? []) await onEvent(ev);
}

export function errorLine(e: FrameEvent & { ok: false }): string {
  const { error } = e;
  return JSON.stringify(errorRecord(error));
}

/**
 * `smi decode`: NDJSON snapshots on stdout as each frame is decoded, one error line per rejected
 * frame on stderr; with `summary` only one closing line of counts. Exit code 0 when a frame
 * decoded, 1 when none did.
 */
export async function decodeCommand(
  o: DecodeOptions,
  decoder: StreamDecoder,
  chunks: AsyncIterable<Uint8Array>,
  out: LineWriter,
  err: LineWriter,
  drain: Drain = stdoutDrain,
): Promise<number> {
  let frames = 0;
  let rejected = 0;
  let readings = 0;
  const errors: Partial<Record<ErrorKind, number>> = {};
  await forEachEvent(decoder, chunks, (ev) => {
    if (ev.ok) {
      frames++;
      readings += ev.snapshot.readings.length;
      if (o.summary) return undefined;
      out(JSON.stringify(ev.snapshot));
      return drain();
    }
    rejected++;
    errors[ev.error.kind] = (errors[ev.error.kind] ?? 0) + 1;
    if (!o.summary) err(errorLine(ev));
    return undefined;
  });
  if (o.summary) out(JSON.stringify({ frames, rejected, readings, errors }));
  return frames > 0 ? 0 : 1;
}

/**
 * Entry point for `smi decode`: resolves with the exit code when the input ends. Streams: memory
 * stays flat and lines appear as frames arrive. Usage errors (bad key, missing file, bad hex text)
 * reject with a UsageError (exit code 2).
 */
export async function runDecode(file: string | undefined, o: DecodeOptions, out: LineWriter, err: LineWriter, input?: Input): Promise<number> {
  const decoder = openDecoder(o);
  const chunks = readChunks(file, o.hex, input ?? openInput(file));
  return decodeCommand(o, decoder, chunks, out, err);
}
