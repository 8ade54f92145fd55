import type { StreamDecoder } from '@smi/decoder';
import type { Config } from '../config/schema';
import { MessageFactory } from '../mqtt/messages';
import { VERSION } from '../version';
import { errorLine, forEachEvent, openDecoder, stdoutDrain, type Drain, type InputOptions, type LineWriter } from './decode';
import { openInput, readChunks } from './input';

/**
 * `smi discovery`: every MQTT message the gateway would publish for the frames in a capture,
 * in the order it would publish them, as NDJSON `{topic, payload, retain}`. Reads the input with
 * the same streaming reader as `smi decode` and prints each frame's messages as it arrives.
 */
export async function discoveryCommand(config: Config, decoder: StreamDecoder, chunks: AsyncIterable<Uint8Array>, out: LineWriter, err: LineWriter, drain: Drain = stdoutDrain): Promise<number> {
  const messages = new MessageFactory(config, VERSION);
  const { topics } = messages;
  const print = (m: { topic: string; payload: string; retain: boolean }): void => out(JSON.stringify({ topic: m.topic, payload: m.payload, retain: m.retain }));
  print({ topic: topics.gatewayAvailability, payload: 'online', retain: true });
  for (const m of messages.gatewayMessages()) print(m);
  const announced = new Map<string, string>();
  let frames = 0;
  await forEachEvent(decoder, chunks, (ev) => {
    if (!ev.ok) {
      err(errorLine(ev));
      return undefined;
    }
    frames++;
    for (const m of messages.discoveryMessages(ev.snapshot)) {
      if (announced.get(m.topic) === m.payload) continue;
      announced.set(m.topic, m.payload);
      print(m);
    }
    print({ topic: topics.meterAvailability(ev.snapshot.meter.id), payload: 'online', retain: true });
    for (const m of messages.stateMessages(ev.snapshot)) print(m);
    return drain();
  });
  return frames > 0 ? 0 : 1;
}

/** Entry point for `smi discovery`: resolves with the exit code at end of input. */
export async function runDiscovery(file: string | undefined, o: InputOptions, config: Config, out: LineWriter, err: LineWriter): Promise<number> {
  const decoder = openDecoder(o);
  return discoveryCommand(config, decoder, readChunks(file, o.hex, openInput(file)), out, err);
}
