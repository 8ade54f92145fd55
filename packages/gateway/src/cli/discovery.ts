import type { Config } from '../config/schema';
import { MessageFactory } from '../mqtt/messages';
import { VERSION } from '../version';
import { decodeInput } from './decode';
import type { ProtocolChoice } from '@smi/decoder';

/**
 * `smi discovery`: every MQTT message the gateway would publish for the frames in a capture,
 * in the order it would publish them, as NDJSON `{topic, payload, retain}`.
 */
export function runDiscovery(file: string | undefined, o: { protocol: ProtocolChoice; key?: string; authKey?: string; hex: boolean }, config: Config, out: (line: string) => void, err: (line: string) => void): number {
  const messages = new MessageFactory(config, VERSION);
  const { topics } = messages;
  const print = (m: { topic: string; payload: string; retain: boolean }): void => out(JSON.stringify({ topic: m.topic, payload: m.payload, retain: m.retain }));
  print({ topic: topics.gatewayAvailability, payload: 'online', retain: true });
  for (const m of messages.gatewayMessages()) print(m);
  const announced = new Map<string, string>();
  let frames = 0;
  for (const ev of decodeInput(file, o)) {
    if (!ev.ok) {
      err(JSON.stringify({ error: ev.error.kind, layer: ev.error.layer, message: ev.error.message }));
      continue;
    }
    frames++;
    for (const m of messages.discoveryMessages(ev.snapshot)) {
      if (announced.get(m.topic) === m.payload) continue;
      announced.set(m.topic, m.payload);
      print(m);
    }
    print({ topic: topics.meterAvailability(ev.snapshot.meter.id), payload: 'online', retain: true });
    for (const m of messages.stateMessages(ev.snapshot)) print(m);
  }
  return frames > 0 ? 0 : 1;
}
