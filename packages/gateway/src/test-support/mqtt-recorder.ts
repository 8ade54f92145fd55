import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from './ports';

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  readonly at: number;
}

/** A plain MQTT client that records everything it receives, as Home Assistant would see it. */
export class MqttRecorder {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain, at: Date.now() }));
  }

  static async connect(url: string, subscriptions: string[] = ['#']): Promise<MqttRecorder> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: `recorder-${process.pid}-${Math.random().toString(16).slice(2)}` });
    const r = new MqttRecorder(client);
    await client.subscribeAsync(subscriptions, { qos: 1 });
    return r;
  }

  on(topic: string, since = 0): Received[] {
    return this.messages.filter((m) => m.topic === topic && m.at >= since);
  }

  last(topic: string): Received | undefined {
    const all = this.on(topic);
    return all[all.length - 1];
  }

  async next(topic: string, since: number, predicate: (m: Received) => boolean = () => true, timeoutMs = 10000): Promise<Received> {
    return waitFor(`a message on ${topic}`, () => this.messages.find((m) => m.topic === topic && m.at >= since && predicate(m)), timeoutMs);
  }

  /**
   * The messages matching `filter` once at least `atLeast` of them arrived, or whatever arrived
   * by the timeout (the caller's assertion then reports the count). Discovery goes out at QoS 1
   * and states at QoS 0, so a broker may deliver a state before the rest of an announcement:
   * count an announcement only after it settled.
   */
  async settled(filter: (m: Received) => boolean, atLeast: number, timeoutMs = 10000): Promise<Received[]> {
    const matching = (): Received[] => this.messages.filter(filter);
    await waitFor(`${atLeast} matching messages`, () => matching().length >= atLeast, timeoutMs).catch(() => undefined);
    return matching();
  }

  async publish(topic: string, payload: string, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
