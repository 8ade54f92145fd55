import type { FrameEvent } from '@smi/decoder';
import { decoderFor, describeSource, sourceSettings, type DecoderConfig, type SourceConfig } from './options';
import { eventMessage, FrameCounter } from './payload';
import { KEY_CREDENTIALS, type KeyCredentials, type NodeAPI, type NodeDef, type NodeInstance, type NodeMessage } from './red';
import { ByteSource, DEFAULT_BACKOFF, type BackoffTimes, type SourceState } from './source';

export const INPUT_TYPE = 'smart-meter-in';

export interface InputNodeDef extends NodeDef, SourceConfig, DecoderConfig {}

/** One message per decoded frame on output 1, one per rejected frame on output 2. */
export function frameOutput(ev: FrameEvent): [NodeMessage | null, NodeMessage | null] {
  const m = eventMessage(ev);
  const msg: NodeMessage = { topic: m.topic, payload: m.payload };
  return m.output === 0 ? [msg, null] : [null, msg];
}

/**
 * The "smart meter" input node: reads a serial port or a TCP bridge, decodes it with the
 * project's stream decoder and sends one message per frame. `backoff` is for tests.
 */
export function createSmartMeterIn(backoff: BackoffTimes = DEFAULT_BACKOFF): (RED: NodeAPI) => void {
  return (RED) => {
    function SmartMeterIn(this: NodeInstance<KeyCredentials>, def: InputNodeDef): void {
      RED.nodes.createNode(this, def);
      const settings = sourceSettings(def);
      const decoder = decoderFor(def, this.credentials);
      if (!settings.ok || !decoder.ok) {
        const error = settings.ok ? (decoder.ok ? '' : decoder.error) : settings.error;
        this.status({ fill: 'red', shape: 'ring', text: error });
        this.error(`not started: ${error}`);
        return;
      }
      const where = describeSource(settings.value);
      const counter = new FrameCounter();
      let warned = false;
      const onState = (state: SourceState, detail: string): void => {
        if (state === 'connecting') this.status({ fill: 'yellow', shape: 'ring', text: `connecting ${where}` });
        if (state === 'open') {
          warned = false;
          this.log(`reading ${where}`);
          this.status(
            counter.frames + counter.rejected > 0
              ? { fill: 'green', shape: 'ring', text: `reopened ${where}` }
              : { fill: 'green', shape: 'ring', text: `waiting for frames on ${where}` },
          );
        }
        if (state === 'waiting') {
          this.status({ fill: 'red', shape: 'ring', text: detail });
          // One warning per outage; the retries themselves only show in the status.
          if (!warned) this.warn(detail);
          warned = true;
        }
      };
      const source = new ByteSource(
        settings.value,
        {
          data: (chunk) => {
            for (const ev of decoder.value.push(chunk)) {
              this.status(counter.count(ev));
              this.send(frameOutput(ev));
            }
          },
          state: onState,
        },
        backoff,
      );
      source.start();
      this.on('close', (_removed, done) => {
        source.stop().then(done, done);
      });
    }
    RED.nodes.registerType(INPUT_TYPE, SmartMeterIn, { credentials: KEY_CREDENTIALS });
  };
}

export const registerSmartMeterIn = createSmartMeterIn();
