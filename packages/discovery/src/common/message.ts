/** One MQTT publication. Discovery and Homie output are lists of these; the gateway sends them. */
export interface MqttMessage {
  readonly topic: string;
  /** UTF-8 text. An empty payload on a retained topic deletes the retained message. */
  readonly payload: string;
  readonly retain: boolean;
  readonly qos: 0 | 1 | 2;
}

/** Retained QoS 1: what both HA discovery and Homie 4 ask for (platform-conventions §1.3, §2.3). */
export function retained(topic: string, payload: string): MqttMessage {
  return { topic, payload, retain: true, qos: 1 };
}

/** Keeps the first message per topic (a snapshot with a repeated key must not announce twice). */
export function uniqueByTopic(messages: readonly MqttMessage[]): MqttMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => (seen.has(m.topic) ? false : (seen.add(m.topic), true)));
}
