import type { ErrorRequestHandler, Request, RequestHandler } from 'express';

/** Largest request body any route accepts (JSON or otherwise); larger bodies get 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Methods that never change state; every other method needs an authenticated request. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * Decides whether a request comes from a logged-in user. The web UI's login provides one; until
 * then there is none and the server is read-only.
 */
export type Authenticator = (req: Request) => boolean;

/**
 * How other pages may embed ours. `self`: only our own origin (standalone: npm start, Docker).
 * `ingress`: Home Assistant ingress shows the page in an iframe of the Home Assistant frontend,
 * whose origin we cannot know; only the Supervisor's proxy can reach us there (allowedClients),
 * so no frame restriction is sent.
 */
export type Framing = 'self' | 'ingress';

const CSP_BASE = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The Content-Security-Policy for a framing mode (no inline script or style is allowed). */
export function contentSecurityPolicy(framing: Framing): string {
  return (framing === 'self' ? [...CSP_BASE, "frame-ancestors 'self'"] : CSP_BASE).join('; ');
}

/** Security headers on every response, set before anything else can answer. */
export function securityHeaders(framing: Framing): RequestHandler {
  const csp = contentSecurityPolicy(framing);
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (framing === 'self') res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    next();
  };
}

/**
 * No state change without authentication: any method but GET and HEAD is refused unless the
 * authenticator accepts the request — 405 while no authenticator exists (the server is
 * read-only), 401 when one exists and the request is not logged in. Mounted before every route,
 * so a write route added later is covered without further code.
 */
export function guardWrites(authenticate: Authenticator | undefined): RequestHandler {
  const writeGuard: RequestHandler = (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (authenticate === undefined) {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).json({ error: 'method not allowed: this server is read-only' });
      return;
    }
    if (authenticate(req)) return next();
    res.status(401).json({ error: 'authentication required' });
  };
  return writeGuard;
}

/** Answers unknown paths with JSON (express' default page would name the method and path). */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not found' });
};

/**
 * Errors become a status and a fixed text: never the error's message or stack, which can quote
 * the request body (a JSON parse error does) or internal paths.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status =
    typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
  const text = status === 413 ? 'request body too large' : status < 500 ? 'bad request' : 'internal error';
  res.status(status).json({ error: text });
};
