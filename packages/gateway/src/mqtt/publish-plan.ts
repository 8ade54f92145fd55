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
  /** The last payload this gateway sent per retained topic (cleared topics are absent). */
  readonly lastSent: ReadonlyMap<string, string>;
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
   * Changes to `lastSent`, one per retained topic this plan sends: the new payload, or
   * `undefined` for a topic cleared by an empty payload (to be deleted from the cache).
   */
  readonly lastSent: ReadonlyMap<string, string | undefined>;
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

/** The one dedup rule: a retained message whose payload the broker already holds from us is skipped unless forced. */
export function isRepeat(m: OutboundMessage, force: boolean, lastSent: string | undefined): boolean {
  return m.retain && !force && lastSent === m.payload;
}

/**
 * What `MqttPublisher` sends when it announces a meter (after a snapshot, a reconnect or Home
 * Assistant's birth message): unchanged retained configs and availability are skipped unless
 * forced, configs no longer rendered and retained leftovers on the broker are removed with an
 * empty retained payload (those handed over to the other discovery style get HA's migration
 * message first, before the configs), and states always go out. Pure: the caller applies `nextState`.
 */
export function planAnnouncement(input: AnnouncementInput): AnnouncementPlan {
  const messages: OutboundMessage[] = [];
  const changes = new Map<string, string | undefined>();
  const emit = (m: OutboundMessage, force: boolean): void => {
    if (m.retain) {
      const last = changes.has(m.topic) ? changes.get(m.topic) : input.lastSent.get(m.topic);
      if (isRepeat(m, force, last)) return;
      changes.set(m.topic, m.payload === '' ? undefined : m.payload);
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
  for (const s of input.states) emit(s, true);
  return { messages, removed, migrated, nextState: { announced, lastSent: changes } };
}

/** Applies `nextState.lastSent` to the cache of last payloads per retained topic. */
export function applyLastSent(cache: Map<string, string>, changes: ReadonlyMap<string, string | undefined>): void {
  for (const [topic, payload] of changes) {
    if (payload === undefined) cache.delete(topic);
    else cache.set(topic, payload);
  }
}
