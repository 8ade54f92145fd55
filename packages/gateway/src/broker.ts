import { createServer, type Server } from 'node:net';
import { createBroker } from 'aedes';
import { createBrokerAuth } from './broker-auth';
import { loadOrCreateCredentials, type BrokerUser } from './broker-credentials';
import { listenProblem } from './config/load';
import type { Logger } from './log';
import { maskSecrets } from './mask-secrets';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  /** Configured users; absent or empty: generated credentials kept in `stateDir`. */
  readonly users?: readonly BrokerUser[] | undefined;
  /** Resolved state folder (see `resolveStateDir`); used only when no users are configured. */
  readonly stateDir: string;
  /** Home Assistant's status topic: anonymous clients may publish it (birth and last will). */
  readonly statusTopic: string;
}

export interface EmbeddedBroker {
  /** Without credentials: safe to log and show. */
  readonly url: string;
  /** What the gateway's own clients connect with. */
  readonly credentials: BrokerUser;
  /** Every password the broker accepts: the logger masks them from here on. */
  readonly secrets: readonly string[];
  /** Publishes dropped since the start (status API `mqtt.refusedPublishes`). */
  refusedPublishes(): number;
  close(): Promise<void>;
}

/** Says once where the credentials are; the generated password only at the start that made it. */
function announceCredentials(o: EmbeddedBrokerOptions, log: Logger): [BrokerUser, ...BrokerUser[]] {
  const [first, ...rest] = o.users ?? [];
  if (first !== undefined) {
    log.info(
      `embedded broker: ${rest.length + 1} user(s) from mqtt.embeddedBroker.users may publish; clients without credentials may only subscribe and publish ${o.statusTopic}`,
    );
    return [first, ...rest];
  }
  const c = loadOrCreateCredentials(o.stateDir);
  if (c.generated) {
    // The one place the password is written out: the logger masks it in every later line.
    log.warn(
      `embedded broker: generated credentials for clients that publish (Home Assistant): user name '${c.username}', password '${c.password}'. ` +
        `They are stored in ${c.file} (mode 0600) and shown only this once.`,
    );
  } else {
    log.info(`embedded broker: credentials for clients that publish are in ${c.file}`);
  }
  if (c.tightened) log.warn(`embedded broker: ${c.file} was readable by other users; its mode is now 0600`);
  return [{ username: c.username, password: c.password }];
}

/**
 * A small MQTT broker inside the gateway (aedes), started when no broker is configured, so Home
 * Assistant or any MQTT client can connect to this machine at once. Anyone may subscribe; only
 * clients with credentials may publish (see `createBrokerAuth`). Retained messages live in
 * memory: they are re-sent at every gateway start.
 */
export async function startEmbeddedBroker(o: EmbeddedBrokerOptions, log: Logger): Promise<EmbeddedBroker> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenProblem('mqtt.embeddedBroker.port', o.host, o.port, err)));
    server.listen(o.port, o.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  // Credentials are read (or made) after the port is known to be free and before the first
  // connection is handled: both happen in this one synchronous step after `listen`.
  let users: [BrokerUser, ...BrokerUser[]];
  try {
    users = announceCredentials(o, log);
  } catch (e) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw e;
  }
  const secrets = users.map((u) => u.password);
  const quiet = maskSecrets(log, secrets);
  const auth = createBrokerAuth({ users, statusTopic: o.statusTopic, log: quiet });
  const broker = createBroker(auth.hooks);
  server.on('connection', (socket) => {
    socket.setNoDelay(true); // deliver each small message at once (no Nagle delay)
    broker.handle(socket);
  });
  broker.on('clientError', (client, err) => quiet.debug(`embedded broker: client ${client.id}: ${err.message}`));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : o.port;
  quiet.info(`embedded MQTT broker listening on ${o.host}:${actualPort} (connect Home Assistant's MQTT integration to this machine, port ${actualPort})`);
  const connectHost = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    url: `mqtt://${connectHost}:${actualPort}`,
    credentials: users[0],
    secrets,
    refusedPublishes: auth.refusedPublishes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        broker.close();
      }),
  };
}
