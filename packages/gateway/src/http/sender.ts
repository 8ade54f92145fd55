import type { MeterSnapshot } from '@smi/model';
import type { Logger } from '../log';
import type { BodyBuilder, PushRequest } from './bodies';
import { BoundedQueue } from './queue';
import { Shaper, type ShapingOptions } from './shaping';

/** First retry delay; doubled per failure in a row up to `RETRY_MAX_MS`. */
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 60000;

/** Delay before retry number `failures` (1 s, 2 s, 4 s … 60 s). */
export function retryDelay(failures: number, baseMs = RETRY_BASE_MS, maxMs = RETRY_MAX_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/** HTTP statuses worth a retry: the receiver is busy or broken, not refusing this request. */
export function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export interface PushTargetOptions {
  readonly name: string;
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly queueSize: number;
  readonly shaping: ShapingOptions;
  readonly build: BodyBuilder;
  readonly log: Logger;
  readonly retryBaseMs?: number;
  readonly clock?: () => number;
}

export interface PushTargetStatus {
  readonly name: string;
  /** The URL without user info and query (either may hold a token). */
  readonly url: string;
  readonly method: string;
  /** Header names with their values replaced by `***`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queued: number;
  readonly lastError: string | null;
}

/** A URL for logs and status: scheme, host and path only. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url.replace(/\{(meter|key)\}/g, '_$1_'));
    return `${u.protocol}//${u.host}${u.pathname}`.replace(/_(meter|key)_/g, '{$1}');
  } catch {
    return '(invalid url)';
  }
}

/**
 * One push target: shapes snapshots, turns them into requests, queues them (bounded, oldest
 * dropped) and sends one at a time with a timeout, retrying with exponential back-off. Header
 * values never reach the log or the status.
 */
export class PushTarget {
  private readonly shaper: Shaper;
  private readonly queue: BoundedQueue<PushRequest>;
  private readonly abort = new AbortController();
  private readonly clock: () => number;
  private inFlight: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private dueTimer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;
  private failuresInRow = 0;
  private stopped = false;
  private sent = 0;
  private failed = 0;
  private lastError: string | null = null;

  constructor(private readonly o: PushTargetOptions) {
    this.shaper = new Shaper(o.shaping);
    this.queue = new BoundedQueue(o.queueSize);
    this.clock = o.clock ?? Date.now;
  }

  /** A decoded snapshot: queued for sending when the shaping says so. */
  offer(snapshot: MeterSnapshot): void {
    if (this.stopped) return;
    const now = this.clock();
    const s = this.shaper.offer(snapshot, now);
    if (s) this.enqueue(s);
    this.armDue();
  }

  status(): PushTargetStatus {
    return {
      name: this.o.name,
      url: describeUrl(this.o.url),
      method: this.o.method,
      headers: Object.fromEntries(Object.keys(this.o.headers).map((k) => [k, '***'])),
      sent: this.sent,
      failed: this.failed,
      dropped: this.queue.dropped,
      queued: this.queue.length + (this.inFlight ? 1 : 0),
      lastError: this.lastError,
    };
  }

  /** Stops at once: the request in flight is aborted, retries and held snapshots are given up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.dueTimer);
    const pending = this.queue.clear() + (this.inFlight ? 1 : 0);
    this.abort.abort();
    await this.inFlight;
    if (pending > 0) this.o.log.info(`push ${this.o.name}: ${pending} unsent request${pending === 1 ? '' : 's'} discarded at shutdown`);
  }

  private enqueue(s: MeterSnapshot): void {
    const built = this.o.build(s);
    if (!built.ok) {
      this.lastError = built.error;
      this.o.log.warn(`push ${this.o.name}: ${built.error}`);
      return;
    }
    const before = this.queue.dropped;
    for (const r of built.requests) this.queue.push(r);
    const dropped = this.queue.dropped - before;
    if (dropped > 0)
      this.o.log.debug(`push ${this.o.name}: queue full, ${dropped} oldest request${dropped === 1 ? '' : 's'} dropped (${this.queue.dropped} in total)`);
    this.pump();
  }

  private armDue(): void {
    const due = this.shaper.nextDue();
    if (due === undefined || due >= this.dueAt) return;
    clearTimeout(this.dueTimer);
    this.dueAt = due;
    this.dueTimer = setTimeout(
      () => {
        this.dueTimer = undefined;
        this.dueAt = Infinity;
        if (this.stopped) return;
        for (const s of this.shaper.due(this.clock())) this.enqueue(s);
        this.armDue();
      },
      Math.max(0, due - this.clock()),
    );
  }

  private pump(): void {
    if (this.stopped || this.inFlight || this.retryTimer) return;
    const req = this.queue.shift();
    if (!req) return;
    this.inFlight = this.send(req).finally(() => {
      this.inFlight = undefined;
      this.pump();
    });
  }

  private async send(req: PushRequest): Promise<void> {
    let problem: string;
    let again = true;
    try {
      const res = await fetch(req.url, {
        method: this.o.method,
        headers: { ...this.o.headers, 'content-type': req.contentType },
        body: req.body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs)]),
        redirect: 'manual', // a redirect could carry the headers elsewhere: it counts as a refusal
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        this.sent++;
        if (this.failuresInRow > 0)
          this.o.log.info(`push ${this.o.name}: sent again after ${this.failuresInRow} failed attempt${this.failuresInRow === 1 ? '' : 's'}`);
        this.failuresInRow = 0;
        return;
      }
      problem = `HTTP ${res.status}`;
      again = retryable(res.status);
    } catch (e) {
      if (this.stopped) return;
      problem = nameOf(e) === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : causeOf(e);
    }
    if (this.stopped) return;
    this.failed++;
    this.lastError = problem;
    if (!again) {
      this.failuresInRow = 0;
      this.o.log.warn(`push ${this.o.name}: ${describeUrl(req.url)} refused a request (${problem}); not retried`);
      return;
    }
    this.failuresInRow++;
    const delay = retryDelay(this.failuresInRow, this.o.retryBaseMs);
    const line = `push ${this.o.name}: ${describeUrl(req.url)}: ${problem}; retry in ${delay / 1000} s`;
    if (this.failuresInRow === 1) this.o.log.warn(line);
    else this.o.log.debug(line);
    if (!this.queue.unshift(req)) this.o.log.debug(`push ${this.o.name}: queue full, the request to retry was dropped`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
  }
}

/** An error's name; errors may come from another realm (undici's DOMException), so no instanceof. */
function nameOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;
}

/** What went wrong with a request that got no answer (ECONNREFUSED…), without URLs or headers. */
function causeOf(e: unknown): string {
  const cause = typeof e === 'object' && e !== null && 'cause' in e ? (e.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `cannot connect (${cause.code})`;
  return `request failed (${nameOf(e) ?? 'error'})`;
}
