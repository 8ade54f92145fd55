import { haMigrationMessage, haRemovals } from '@smi/discovery';
import type { OutboundMessage } from './messages';

/** What an announcement must send even when the broker already holds the same retained payload from us. */
export interface AnnounceForce {
  readonly configs: boolean;
  readonly availability: boolean;
}

/** Everything one announcement of a meter depends on; rendering and I/O happen elsewhere. */
export interface AnnouncementInput {
  /**
   * The meter's discovery configs as rendered now; `undefined` when discovery is off or the
   * template could not be rendered: then no config is sent and none is removed.
   */
  readonly configs: readonly OutboundMessage[] | undefined;
  /** The meter's state messages as rendered now (none when they could not be rendered). */
  readonly states: readonly OutboundMessage[];
  readonly availabilityTopic: string;
  readonly online: boolean;
  /** Config topics this gateway announced for the meter the last time. */
  readonly announced: ReadonlySet<string>;
  /** Config topics the broker holds retained for the meter's node (also leftovers of earlier runs). */
  readonly onBroker: Iterable<string>;
  /**
   * The digest (`payloadDigest`) of the last payload this gateway sent per retained topic; topics
   * cleared or last sent as a state (whose payload is not digested) are absent.
   */
  readonly lastSent: ReadonlyMap<string, PayloadDigest>;
  readonly force: AnnounceForce;
  /**
   * Stale config topics of the other discovery style (per-entity ↔ device) whose entities live on
   * in the configs sent now: each gets HA's `migrate_discovery` message before the configs and is
   * cleared after them, so HA moves the entities instead of deleting and re-creating them.
   */
  readonly handover?: ReadonlySet<string>;
}

/** The state an announcement leaves behind, for the next one. */
export interface AnnouncementState {
  /** Config topics announced for the meter now (unchanged when the configs could not be rendered). */
  readonly announced: ReadonlySet<string>;
  /**
   * Changes to `lastSent`, one per retained topic this plan sends: the new payload's digest, or
   * `undefined` (to be deleted from the cache) for a topic cleared by an empty payload or sent a
   * state: states always go out, so their payloads are not digested, and their topics count as
   * holding an unknown payload (a later message there that is not forced is never skipped).
   */
  readonly lastSent: ReadonlyMap<string, PayloadDigest | undefined>;
}

export interface AnnouncementPlan {
  /** What to send, in order: discovery configs, removals, meter availability, states. */
  readonly messages: readonly OutboundMessage[];
  /** Config topics cleared by this plan (an empty retained payload is among `messages`). */
  readonly removed: readonly string[];
  /** Those of `removed` that were handed over to the other discovery style (migration message first). */
  readonly migrated: readonly string[];
  readonly nextState: AnnouncementState;
}

/**
 * What the publisher remembers of a retained payload it sent: a 53-bit hash of its text, not the
 * text (the discovery configs of 1,000 meters took 14 MB of heap as strings). Nothing is ever
 * re-sent from it; it only tells whether a payload is the one sent last. Two payloads that differ
 * get the same digest with a chance of about 2^-53 per comparison (then the newer is not sent).
 */
export type PayloadDigest = number;

/** Two 32-bit multiply-xor lanes over the UTF-16 code units, mixed at the end; the length seeds both. */
export function payloadDigest(payload: string): PayloadDigest {
  let a = 0x811c9dc5 ^ payload.length;
  let b = 0x6a09e667 ^ payload.length;
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a ^= Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b ^= Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
}

/** The one dedup rule: a retained message whose payload the broker already holds from us is skipped unless forced. */
export function isRepeat(m: OutboundMessage, force: boolean, lastSent: PayloadDigest | undefined, digest?: PayloadDigest): boolean {
  return m.retain && !force && lastSent !== undefined && lastSent === (digest ?? payloadDigest(m.payload));
}

const NO_CHANGES: ReadonlyMap<string, PayloadDigest | undefined> = new Map();

/**
 * What `MqttPublisher` sends when it announces a meter (after a snapshot, a reconnect or Home
 * Assistant's birth message): unchanged retained configs and availability are skipped unless
 * forced, configs no longer rendered and retained leftovers on the broker are removed with an
 * empty retained payload (those handed over to the other discovery style get HA's migration
 * message first, before the configs), and states always go out (undigested: see
 * `AnnouncementState.lastSent`). Pure: the caller applies `nextState`.
 */
export function planAnnouncement(input: AnnouncementInput): AnnouncementPlan {
  const messages: OutboundMessage[] = [];
  // made at the first change: the usual announcement (a known meter's states) changes nothing
  let changes: Map<string, PayloadDigest | undefined> | undefined;
  const emit = (m: OutboundMessage, force: boolean): void => {
    if (m.retain) {
      const last = changes?.has(m.topic) ? changes.get(m.topic) : input.lastSent.get(m.topic);
      const sent = m.payload === '' ? undefined : payloadDigest(m.payload);
      if (isRepeat(m, force, last, sent)) return;
      (changes ??= new Map()).set(m.topic, sent);
    }
    messages.push(m);
  };

  let announced = input.announced;
  const removed: string[] = [];
  const migrated: string[] = [];
  if (input.configs) {
    const current = new Set(input.configs.map((c) => c.topic));
    const stale = haRemovals([...input.announced, ...input.onBroker], current);
    for (const r of stale) {
      if (!input.handover?.has(r.topic)) continue;
      emit(haMigrationMessage(r.topic), true);
      migrated.push(r.topic);
    }
    for (const c of input.configs) emit(c, input.force.configs);
    for (const r of stale) {
      emit(r, false);
      removed.push(r.topic);
    }
    announced = current;
  }
  emit({ topic: input.availabilityTopic, payload: input.online ? 'online' : 'offline', retain: true, qos: 1 }, input.force.availability);
  // states always go out: not digested, their topics recorded as holding an unknown payload
  for (const s of input.states) {
    if (s.retain) (changes ??= new Map()).set(s.topic, undefined);
    messages.push(s);
  }
  return { messages, removed, migrated, nextState: { announced, lastSent: changes ?? NO_CHANGES } };
}

/** Applies `nextState.lastSent` to the cache of last payload digests per retained topic. */
export function applyLastSent(cache: Map<string, PayloadDigest>, changes: ReadonlyMap<string, PayloadDigest | undefined>): void {
  for (const [topic, payload] of changes) {
    if (payload === undefined) cache.delete(topic);
    else cache.set(topic, payload);
  }
}
