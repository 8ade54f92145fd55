import type { Request, Response, Router } from 'express';
import type { MeterSnapshot } from '@smi/model';
import { formatMetrics, PROMETHEUS_CONTENT_TYPE, type MetricFamily } from './metrics';
import { openApiDocument } from './openapi';

/** Heartbeat comment spacing on event streams (keeps proxies from closing idle streams). */
export const SSE_HEARTBEAT_MS = 15000;
/** Bytes an event stream may have waiting for a client that does not read; beyond it the client is dropped. */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;
/** Event streams open at once; more get 503. */
export const SSE_MAX_CLIENTS = 32;

export interface SnapshotEventsOptions {
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
  readonly maxClients?: number;
}

/**
 * Server-Sent Events for the web UI: one `snapshot` event per decoded frame, a heartbeat comment
 * every 15 s. A client whose unread data exceeds the limit is disconnected rather than buffered
 * without bound; `close()` ends every stream (shutdown).
 */
export class SnapshotEvents {
  private readonly clients = new Set<Response>();
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly maxClients: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Clients disconnected because they did not read. */
  dropped = 0;

  constructor(o: SnapshotEventsOptions = {}) {
    this.heartbeatMs = o.heartbeatMs ?? SSE_HEARTBEAT_MS;
    this.maxBufferedBytes = o.maxBufferedBytes ?? SSE_MAX_BUFFERED_BYTES;
    this.maxClients = o.maxClients ?? SSE_MAX_CLIENTS;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  attach(req: Request, res: Response): void {
    if (req.method === 'HEAD') {
      res.status(200).type('text/event-stream').end();
      return;
    }
    if (this.closed || this.clients.size >= this.maxClients) {
      res.status(503).json({ error: 'too many event streams' });
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 5000\n\n`);
    this.clients.add(res);
    req.socket.setNoDelay(true);
    res.once('close', () => this.remove(res));
    this.timer ??= setInterval(() => this.broadcast(': heartbeat\n\n'), this.heartbeatMs);
  }

  publish(snapshot: MeterSnapshot): void {
    if (this.clients.size === 0) return;
    this.broadcast(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
  }

  /** Ends every stream and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const res of [...this.clients]) {
      this.remove(res);
      res.end();
    }
  }

  private broadcast(text: string): void {
    for (const res of [...this.clients]) {
      if (res.writableLength + text.length > this.maxBufferedBytes) {
        this.dropped++;
        this.remove(res);
        res.destroy();
      } else {
        res.write(text);
      }
    }
  }

  private remove(res: Response): void {
    this.clients.delete(res);
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

export interface ApiV1State {
  meters(): MeterSnapshot[];
  status(): unknown;
  /** Metric families for /metrics (readings and gateway health). */
  metrics(): MetricFamily[];
  readonly events: SnapshotEvents;
  readonly version: string;
}

/** Mounts `/api/v1/*` and `/metrics` (all GET). */
export function mountApiV1(router: Router, state: ApiV1State): void {
  const openapi = JSON.stringify(openApiDocument(state.version));
  router.get('/api/v1/meters', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(state.meters());
  });
  router.get('/api/v1/meters/:id', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const snapshot = state.meters().find((s) => s.meter.id === req.params['id']);
    if (snapshot) res.json(snapshot);
    else res.status(404).json({ error: 'unknown meter' });
  });
  router.get('/api/v1/status', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(state.status());
  });
  router.get('/api/v1/events', (req, res) => {
    state.events.attach(req, res);
  });
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  router.get('/metrics', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', PROMETHEUS_CONTENT_TYPE);
    res.send(formatMetrics(state.metrics()));
  });
}
