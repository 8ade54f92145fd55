import type { Server } from 'node:http';
import express from 'express';
import type { MeterSnapshot } from '@smi/model';
import { listenProblem } from '../config/load';
import type { Logger } from '../log';
import { PAGE } from './page';

export interface WebState {
  meters(): MeterSnapshot[];
  status(): unknown;
}

/** The local web page (live values) and the JSON API behind it. Never returns keys or passwords. */
export function createWebApp(state: WebState, allowedClients: readonly string[] = []): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (allowedClients.length) {
    // Behind Home Assistant ingress only the Supervisor's proxy may connect.
    const allowed = new Set(allowedClients.flatMap((a) => [a, `::ffff:${a}`]));
    app.use((req, res, next) => {
      if (allowed.has(req.socket.remoteAddress ?? '')) next();
      else res.status(403).json({ error: 'forbidden' });
    });
  }
  app.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/api/meters', (_req, res) => {
    res.json(state.meters());
  });
  app.get('/api/status', (_req, res) => {
    res.json(state.status());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

export async function startWebServer(state: WebState, host: string, port: number, log: Logger, allowedClients: readonly string[] = []): Promise<{ port: number; close(): Promise<void> }> {
  const app = createWebApp(state, allowedClients);
  const server: Server = await new Promise((resolve, reject) => {
    const fail = (err: unknown): void => reject(listenProblem('web.port', host, port, err));
    const s = app.listen(port, host, (err?: Error) => (err ? fail(err) : resolve(s)));
    s.once('error', fail);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  log.info(`web page with live values: http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}/`);
  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
