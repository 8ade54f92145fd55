/**
 * Identifier shapes the platforms accept. One home for them, so the state topic, the discovery
 * topic and the unique id of a meter are always derived the same way.
 */

/** A text that `topicId` returns as it is: allowed characters only, no `_` at either end. */
const TOPIC_ID = /^[a-zA-Z0-9-](?:[a-zA-Z0-9_-]*[a-zA-Z0-9-])?$/;

/** MQTT topic level / HA discovery id: `[a-zA-Z0-9_-]` only (HA's TOPIC_MATCHER). */
export function topicId(text: string): string {
  // the usual meter id is one already (asked several times per frame: no copies for it)
  if (TOPIC_ID.test(text)) return text;
  const id = text
    .trim()
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return id === '' ? 'unknown' : id;
}

/** Homie 4 id: lower-case `a-z0-9` and hyphens, not starting or ending with a hyphen. */
export function homieId(text: string): string {
  const id = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id === '' ? 'unknown' : id;
}
