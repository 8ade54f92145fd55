import { decoderFor, type DecoderConfig } from './options';
import { eventMessage, FrameCounter, payloadBytes, type StringMode } from './payload';
import { KEY_CREDENTIALS, type KeyCredentials, type NodeAPI, type NodeDef, type NodeInstance, type NodeMessage } from './red';

export const DECODE_TYPE = 'smart-meter-decode';

export interface DecodeNodeDef extends NodeDef, DecoderConfig {
  /** How string payloads are read: `hex` (default) or `text` (the meter's own characters). */
  readonly strings?: string;
}

/**
 * The "decode" node: bytes from any other node (Buffer or string in `msg.payload`) through one
 * stream decoder per node, so a frame split over several messages is decoded when its last part
 * arrives. Frames go to output 1, rejected frames to output 2; the other message properties of
 * the input message that completed the frame are kept.
 */
export function registerSmartMeterDecode(RED: NodeAPI): void {
  function SmartMeterDecode(this: NodeInstance<KeyCredentials>, def: DecodeNodeDef): void {
    RED.nodes.createNode(this, def);
    const mode: StringMode = def.strings === 'text' ? 'text' : 'hex';
    const decoder = decoderFor(def, this.credentials);
    if (!decoder.ok) this.status({ fill: 'red', shape: 'ring', text: decoder.error });
    const counter = new FrameCounter();
    this.on('input', (msg, send, done) => {
      if (!decoder.ok) {
        done(new Error(`not configured: ${decoder.error}`));
        return;
      }
      const bytes = payloadBytes(msg.payload, mode);
      if (!bytes.ok) {
        done(new Error(bytes.error));
        return;
      }
      const events = decoder.value.push(bytes.value);
      if (events.length === 0) {
        done();
        return;
      }
      const { payload: _input, ...rest } = msg;
      const frames: NodeMessage[] = [];
      const rejected: NodeMessage[] = [];
      for (const ev of events) {
        const m = eventMessage(ev);
        const out = RED.util.cloneMessage<NodeMessage>(rest);
        out.topic = m.topic;
        out.payload = m.payload;
        (m.output === 0 ? frames : rejected).push(out);
        this.status(counter.count(ev));
      }
      send([frames, rejected]);
      done();
    });
  }
  RED.nodes.registerType(DECODE_TYPE, SmartMeterDecode, { credentials: KEY_CREDENTIALS });
}
