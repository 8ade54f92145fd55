import { retained, type MqttMessage } from '../common/message';

/**
 * Empty retained payloads for config topics published before but not any more (a meter gone, a
 * reading dropped): HA deletes those entities (platform-conventions §1.3, §4.3). Works for any
 * retained topics (state topics, Homie attributes) as well. Order follows `previousConfigTopics`;
 * duplicates are cleared once.
 */
export function haRemovals(previousConfigTopics: Iterable<string>, currentConfigTopics: ReadonlySet<string>): MqttMessage[] {
  const cleared = new Set<string>();
  const out: MqttMessage[] = [];
  for (const topic of previousConfigTopics) {
    if (currentConfigTopics.has(topic) || cleared.has(topic)) continue;
    cleared.add(topic);
    out.push(retained(topic, ''));
  }
  return out;
}
