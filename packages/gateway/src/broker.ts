import { createServer, type Server } from 'node:net';
import { createBroker } from 'aedes';
import { listenProblem } from './config/load';
import type { Logger } from './log';

export interface EmbeddedBroker {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A small MQTT broker inside the gateway (aedes), started when no broker is configured, so Home
 * Assistant or any MQTT client can connect to this machine at once. Retained messages live in
 * memory: they are re-sent at every gateway start.
 */
export async function startEmbeddedBroker(host: string, port: number, log: Logger): Promise<EmbeddedBroker> {
  const broker = createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      broker.close();
      reject(listenProblem('mqtt.embeddedBroker.port', host, port, err));
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  broker.on('clientError', (client, err) => log.debug(`embedded broker: client ${client.id}: ${err.message}`));
  log.info(`embedded MQTT broker listening on ${host}:${actualPort} (connect Home Assistant's MQTT integration to this machine, port ${actualPort})`);
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `mqtt://${connectHost}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        broker.close();
      }),
  };
}
