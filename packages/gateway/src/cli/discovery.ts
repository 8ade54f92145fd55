import type { StreamDecoder } from '@smi/decoder';
import { haDeviceComponentIds, homieDevice, homieValues } from '@smi/discovery';
import type { Config } from '../config/schema';
import { MessageFactory, OutputConfigError } from '../mqtt/messages';
import { homieLayoutOptions, homieSignature } from '../mqtt/homie';
import { describeProblems } from '../mqtt/template-check';
import { VERSION } from '../version';
import { errorLine, forEachEvent, openDecoder, stdoutDrain, type Drain, type InputOptions, type LineWriter } from './decode';
import { openInput, readChunks } from './input';

/**
 * `smi discovery`: every MQTT message the gateway would publish for the frames in a capture,
 * in the order it would publish them, as NDJSON `{topic, payload, retain}`. Reads the input with
 * the same streaming reader as `smi decode` and prints each frame's messages as it arrives.
 * With a custom output, the value-template check of the gateway goes to standard error (a
 * configuration whose value templates cannot resolve at all is refused, exit code 2).
 */
export async function discoveryCommand(
  config: Config,
  decoder: StreamDecoder,
  chunks: AsyncIterable<Uint8Array>,
  out: LineWriter,
  err: LineWriter,
  drain: Drain = stdoutDrain,
): Promise<number> {
  let messages: MessageFactory;
  try {
    messages = new MessageFactory(config, VERSION);
  } catch (e) {
    if (!(e instanceof OutputConfigError)) throw e;
    err(`smi: ${e.message}`);
    return 2;
  }
  for (const w of messages.startupTemplateWarnings) err(`smi: ${w}`);
  const { topics } = messages;
  const print = (m: { topic: string; payload: string; retain: boolean }): void => out(JSON.stringify({ topic: m.topic, payload: m.payload, retain: m.retain }));
  print({ topic: topics.gatewayAvailability, payload: 'online', retain: true });
  for (const m of messages.gatewayMessages()) print(m);
  const announced = new Map<string, string>();
  /** Device-based discovery: component ids announced per meter, so vanished ones are listed for removal. */
  const components = new Map<string, ReadonlySet<string>>();
  const checked = new Set<string>();
  let frames = 0;
  await forEachEvent(decoder, chunks, (ev) => {
    if (!ev.ok) {
      err(errorLine(ev));
      return undefined;
    }
    frames++;
    const id = ev.snapshot.meter.id;
    if (messages.customOutput && !checked.has(id)) {
      checked.add(id);
      const problems = messages.valueTemplateProblems(ev.snapshot);
      if (problems.length > 0)
        err(
          `smi: output: ${problems.length} Home Assistant ${problems.length === 1 ? 'entity' : 'entities'} of meter ${id} will show no value: ${describeProblems(problems)}`,
        );
    }
    const configs = messages.discoveryMessages(ev.snapshot, components.get(id));
    if (messages.discoveryStyle === 'device') components.set(id, new Set(configs.flatMap((m) => haDeviceComponentIds(m.payload))));
    for (const m of configs) {
      if (announced.get(m.topic) === m.payload) continue;
      announced.set(m.topic, m.payload);
      print(m);
    }
    print({ topic: topics.meterAvailability(id), payload: 'online', retain: true });
    for (const m of messages.stateMessages(ev.snapshot)) print(m);
    return drain();
  });
  return frames > 0 ? 0 : 1;
}

/**
 * `smi discovery --platform homie`: the Homie 4.0.0 messages the gateway would publish with
 * `homie.enabled` (root `homie.root`) for the frames in a capture, as NDJSON `{topic, payload,
 * retain}`: the whole init → attributes → values → ready cycle for a meter's first frame (and
 * when its set of values changes), only the values for the others. The last will (`$state` =
 * `lost`) is armed on the connection, not published, so it is not printed.
 */
export async function homieDiscoveryCommand(
  config: Config,
  decoder: StreamDecoder,
  chunks: AsyncIterable<Uint8Array>,
  out: LineWriter,
  err: LineWriter,
  drain: Drain = stdoutDrain,
): Promise<number> {
  const layout = homieLayoutOptions(config.homie.root);
  const signatures = new Map<string, string>();
  let frames = 0;
  await forEachEvent(decoder, chunks, (ev) => {
    if (!ev.ok) {
      err(errorLine(ev));
      return undefined;
    }
    frames++;
    const signature = homieSignature(ev.snapshot);
    const known = signatures.get(ev.snapshot.meter.id) === signature;
    signatures.set(ev.snapshot.meter.id, signature);
    for (const m of known ? homieValues(ev.snapshot, layout) : homieDevice(ev.snapshot, layout)) {
      out(JSON.stringify({ topic: m.topic, payload: m.payload, retain: m.retain }));
    }
    return drain();
  });
  return frames > 0 ? 0 : 1;
}

export type DiscoveryPlatform = 'homeassistant' | 'homie';

/** Entry point for `smi discovery`: resolves with the exit code at end of input. */
export async function runDiscovery(
  file: string | undefined,
  o: InputOptions & { platform?: DiscoveryPlatform },
  config: Config,
  out: LineWriter,
  err: LineWriter,
): Promise<number> {
  const decoder = openDecoder(o);
  const chunks = readChunks(file, o.hex, openInput(file));
  return o.platform === 'homie' ? homieDiscoveryCommand(config, decoder, chunks, out, err) : discoveryCommand(config, decoder, chunks, out, err);
}
