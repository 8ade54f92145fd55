import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { MeterSnapshot } from '@smi/model';
import { listenProblem } from '../config/load';
import type { Logger } from '../log';
import { mountApiV1, type ApiV1State } from './api-v1';
import { FAVICON, PAGE } from './page';
import { uiAssets } from './ui-bundle';
import { errorHandler, guardWrites, MAX_BODY_BYTES, notFound, securityHeaders, type Authenticator } from './security';

export interface WebState {
  meters(): MeterSnapshot[];
  status(): unknown;
}

export interface WebAppOptions {
  /** Accepts logged-in requests; without one every non-GET/HEAD request is refused (405). */
  readonly authenticate?: Authenticator | undefined;
  /** Mounted before the write guard: decides which reads need a login (web.readOnlyOpen). */
  readonly readGuard?: RequestHandler | undefined;
  /** Largest request body in bytes (default 64 KiB). */
  readonly maxBodyBytes?: number | undefined;
  /** More routes (the web UI's), mounted after the built-in ones behind the same guard and limits. */
  readonly routes?: ((router: express.Router) => void) | undefined;
  /** The versioned API (`/api/v1/*`) and `/metrics`, mounted after the built-in routes. */
  readonly apiV1?: ApiV1State | undefined;
}

/**
 * The local web page (live values) and the JSON API behind it. Never returns keys or passwords.
 * Order matters: headers first (every answer carries them, refusals too), then the client
 * allow-list, then the write guard (an unauthenticated write is refused before its body is read),
 * then the body limit, then the routes; unknown paths and errors get fixed JSON answers.
 */
export function createWebApp(state: WebState, allowedClients: readonly string[] = [], options: WebAppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(allowedClients.length ? 'ingress' : 'self'));
  if (allowedClients.length) {
    // Behind Home Assistant ingress only the Supervisor's proxy may connect.
    const allowed = new Set(allowedClients.flatMap((a) => [a, `::ffff:${a}`]));
    // The container's own health check asks /healthz from inside (loopback), nothing else does.
    const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
    app.use((req, res, next) => {
      const from = req.socket.remoteAddress ?? '';
      if (allowed.has(from) || (req.path === '/healthz' && loopback.has(from))) next();
      else res.status(403).json({ error: 'forbidden' });
    });
  }
  if (options.readGuard) app.use(options.readGuard);
  app.use(guardWrites(options.authenticate));
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  app.use(express.json({ limit }));
  app.use(express.raw({ limit, type: () => true }));
  app.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/app.js', (_req, res) => {
    res.type('text/javascript').send(uiAssets().js);
  });
  app.get('/app.css', (_req, res) => {
    res.type('text/css').send(uiAssets().css);
  });
  app.get('/favicon.svg', (_req, res) => {
    res.type('image/svg+xml').send(FAVICON);
  });
  app.get('/api/meters', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(state.meters());
  });
  app.get('/api/status', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(state.status());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  if (options.apiV1) {
    const router = express.Router();
    mountApiV1(router, options.apiV1);
    app.use(router);
  }
  if (options.routes) {
    const router = express.Router();
    options.routes(router);
    app.use(router);
  }
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

export async function startWebServer(
  state: WebState,
  host: string,
  port: number,
  log: Logger,
  allowedClients: readonly string[] = [],
  options: WebAppOptions = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const app = createWebApp(state, allowedClients, options);
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
