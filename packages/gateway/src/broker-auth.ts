import { createHash, timingSafeEqual } from 'node:crypto';
import type { AedesOptions, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import type { BrokerUser } from './broker-credentials';
import type { Logger } from './log';

/**
 * Where a refused publish is sent instead: `authorizeForward` never delivers this topic and it is
 * never retained, so the message is dropped while the client still gets its normal PUBACK/PUBREC
 * (MQTT 3.1.1, 3.3.5: a refused publish is either acknowledged or the connection closed; closing
 * would make a QoS 1 client resend the same message after every reconnect).
 */
export const REFUSED_TOPIC = '$SYS/smi/refused';

/** At most one warning about refused publishes per this many milliseconds. */
export const REFUSED_WARN_INTERVAL_MS = 60_000;

/** CONNACK return code 4 (MQTT 3.1.1): bad user name or password. */
const BAD_USERNAME_OR_PASSWORD = 4;

export interface BrokerAuthOptions {
  /** Clients that connect with one of these may publish anywhere (except `$` topics). */
  readonly users: readonly BrokerUser[];
  /** Home Assistant's status topic: the only topic anonymous clients may publish to (birth, last will). */
  readonly statusTopic: string;
  readonly log: Logger;
  readonly now?: () => number;
}

export type BrokerAuthHooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;

export interface BrokerAuth {
  readonly hooks: BrokerAuthHooks;
  /** Publishes dropped since the broker started (for the status API). */
  refusedPublishes(): number;
}

const digest = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

/** A topic or client id from the network, quoted and cut short for one log line. */
function quote(s: string): string {
  return JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);
}

/** MQTT topic filter matching (`+` one level, `#` the rest; wildcards never match a leading `$`). */
export function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (i === 0 && (level === '#' || level === '+') && topic.startsWith('$')) return false;
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * The embedded broker's access rules. Anyone may connect without a user name and subscribe; without
 * credentials only the status topic may be published. A user name with a wrong password is refused
 * at CONNECT (return code 4). Refused publishes are dropped, counted, logged at debug each and
 * warned about at most once a minute. Passwords are compared in constant time and never logged.
 */
export function createBrokerAuth(o: BrokerAuthOptions): BrokerAuth {
  const now = o.now ?? Date.now;
  const users = new Map(o.users.map((u) => [u.username, digest(u.password)]));
  const authenticated = new WeakSet<Client>();
  let refused = 0;
  let refusedSinceWarn = 0;
  let lastWarnAt: number | undefined;

  const refuse = (client: Client | null, packet: PublishPacket): void => {
    refused++;
    refusedSinceWarn++;
    const who = client ? `client ${quote(client.id)}${authenticated.has(client) ? '' : ' (no credentials)'}` : 'a last will';
    o.log.debug(`embedded broker: refused publish to ${quote(packet.topic)} from ${who}`);
    const t = now();
    if (lastWarnAt === undefined || t - lastWarnAt >= REFUSED_WARN_INTERVAL_MS) {
      o.log.warn(
        `embedded broker: refused ${refusedSinceWarn} publish${refusedSinceWarn === 1 ? '' : 'es'} ${lastWarnAt === undefined ? 'so far' : 'in the last minute'} ` +
          `(last: ${quote(packet.topic)} from ${who}); clients without credentials may only publish ${quote(o.statusTopic)} ` +
          '(next warning at most in a minute; debug logs each one)',
      );
      lastWarnAt = t;
      refusedSinceWarn = 0;
    }
    packet.topic = REFUSED_TOPIC;
    packet.retain = false;
    packet.payload = Buffer.alloc(0);
  };

  const hooks: BrokerAuthHooks = {
    authenticate: (client, username, password, done) => {
      if (username === undefined && password === undefined) {
        done(null, true);
        return;
      }
      const expected = username === undefined ? undefined : users.get(username);
      // Both sides are hashed to one length, so the comparison takes the same time for any guess.
      const given = digest(password ?? '');
      if (expected !== undefined && password !== undefined && timingSafeEqual(given, expected)) {
        authenticated.add(client);
        done(null, true);
        return;
      }
      o.log.debug(`embedded broker: client ${quote(client.id)} refused at connect: wrong user name or password`);
      const err = Object.assign(new Error('bad user name or password'), { returnCode: BAD_USERNAME_OR_PASSWORD }) as AuthenticateError;
      done(err, null);
    },
    authorizePublish: (client, packet, callback) => {
      const authed = client !== null && authenticated.has(client);
      const allowed = !packet.topic.startsWith('$') && (authed || packet.topic === o.statusTopic);
      if (!allowed) refuse(client, packet);
      callback(null);
    },
    authorizeSubscribe: (_client, sub: Subscription, callback) => {
      // The drop topic is never delivered; refusing it here also keeps it out of offline queues.
      callback(null, filterMatches(sub.topic, REFUSED_TOPIC) ? null : sub);
    },
    authorizeForward: (_client, packet) => (packet.topic === REFUSED_TOPIC ? null : packet),
  };
  return { hooks, refusedPublishes: () => refused };
}
