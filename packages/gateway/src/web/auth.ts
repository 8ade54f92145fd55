import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, RequestHandler, Response, Router } from 'express';
import { ensureStateDir, writePrivateFile } from '../state-dir';
import type { Authenticator } from './security';

/** File in the state folder holding the administrator password's scrypt hash (mode 0600). */
export const ADMIN_PASSWORD_FILE = 'web-admin-password.json';
/** Name of the session cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'smi_session';
/** Request header that must carry the session's CSRF token on every write. */
export const CSRF_HEADER = 'x-csrf-token';
/** Shortest administrator password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;
/** Sessions kept at once; a new login beyond it ends the least recently used one. */
export const MAX_SESSIONS = 16;
/** Failed logins allowed per minute (all clients together); beyond it logins get 429. */
export const MAX_FAILED_LOGINS_PER_MINUTE = 10;

/** scrypt cost: N=2^15, r=8 (32 MiB, about 0.1 s per check). */
const SCRYPT = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

/** Paths that open a session: the password itself is their authentication. */
const LOGIN_PATHS: ReadonlySet<string> = new Set(['/api/auth/login', '/api/auth/setup']);
/** GET paths that stay open when read-only views need a login (the login page and its files). */
const OPEN_READS: ReadonlySet<string> = new Set(['/', '/app.js', '/app.css', '/favicon.svg', '/healthz', '/api/auth']);

interface StoredHash {
  readonly scheme: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly hash: string;
}

interface Session {
  readonly csrf: string;
  lastUsed: number;
}

export interface WebAuthOptions {
  /** `ingress`: only Home Assistant's proxy can connect (allowedClients) and has logged the user in. */
  readonly mode: 'password' | 'ingress';
  readonly stateDir: string;
  /** web.adminPassword or SMI_WEB_ADMIN_PASSWORD: replaces the stored hash when it differs. */
  readonly adminPassword?: string | undefined;
  /** Read-only views (values, status, metrics) without a login. */
  readonly readOnlyOpen: boolean;
  readonly now?: () => number;
}

function scrypt(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: SCRYPT.maxmem };
  return new Promise((resolve, reject) => scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<StoredHash> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT);
  return { scheme: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** True when the password matches the stored hash (constant-time comparison). */
export async function verifyPassword(password: string, stored: StoredHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scrypt(password, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function parseStored(text: string, file: string): StoredHash {
  const d = JSON.parse(text) as Partial<StoredHash> | null;
  const ok =
    d?.scheme === 'scrypt' &&
    [d.N, d.r, d.p].every((n) => Number.isInteger(n) && (n as number) > 0) &&
    typeof d.salt === 'string' &&
    typeof d.hash === 'string';
  if (!ok || (d.N as number) > 1 << 20) throw new Error(`${file} holds no scrypt password hash; delete it to set a new administrator password in the browser`);
  return d as StoredHash;
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The web UI's login. Standalone: one administrator password (scrypt hash in the state folder,
 * set in the browser at first start or from the configuration/environment), sessions in memory
 * behind an HttpOnly SameSite=Strict cookie, and a CSRF token per session that every write must
 * send in the X-CSRF-Token header. Under Home Assistant ingress every request that reached us
 * (the allow-list admits only the Supervisor's proxy) counts as the logged-in administrator.
 */
export class WebAuth {
  private stored: StoredHash | undefined;
  private readonly file: string;
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;
  private failures: number[] = [];

  private constructor(private readonly o: WebAuthOptions) {
    this.file = join(o.stateDir, ADMIN_PASSWORD_FILE);
    this.now = o.now ?? Date.now;
  }

  /** Reads the stored hash (tightening a file others can read) and applies a configured password. */
  static async open(o: WebAuthOptions): Promise<WebAuth> {
    const auth = new WebAuth(o);
    if (o.mode === 'ingress') return auth;
    let text: string | undefined;
    try {
      text = readFileSync(auth.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${auth.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (text !== undefined) {
      try {
        auth.stored = parseStored(text, auth.file);
      } catch (e) {
        if (e instanceof SyntaxError) throw new Error(`${auth.file} is not valid JSON; delete it to set a new administrator password in the browser`);
        throw e;
      }
      if ((statSync(auth.file).mode & 0o077) !== 0) chmodSync(auth.file, 0o600);
    }
    const configured = o.adminPassword;
    if (configured !== undefined && configured !== '' && !(auth.stored && (await verifyPassword(configured, auth.stored)))) await auth.store(configured);
    return auth;
  }

  /** True until an administrator password exists (standalone only). */
  get setupNeeded(): boolean {
    return this.o.mode === 'password' && this.stored === undefined;
  }

  /** Sessions currently open. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private async store(password: string): Promise<void> {
    const stored = await hashPassword(password);
    ensureStateDir(this.o.stateDir);
    writePrivateFile(this.file, JSON.stringify(stored, null, 2) + '\n');
    this.stored = stored;
  }

  private session(req: Request): Session | undefined {
    const token = cookieOf(req, SESSION_COOKIE);
    if (token === undefined) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (this.now() - s.lastUsed > SESSION_IDLE_MS) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastUsed = this.now();
    // Map order is the eviction order: most recently used last.
    this.sessions.delete(token);
    this.sessions.set(token, s);
    return s;
  }

  /** Logged in (ingress, or a valid session cookie), for reads. */
  isLoggedIn(req: Request): boolean {
    return this.o.mode === 'ingress' || this.session(req) !== undefined;
  }

  /**
   * The write guard's authenticator: ingress requests, login/setup requests (checked by their
   * own handlers: JSON body, same origin, the password), and requests with a session cookie plus
   * the session's CSRF token in the header.
   */
  readonly authenticate: Authenticator = (req) => {
    if (this.o.mode === 'ingress') return true;
    if (req.method === 'POST' && LOGIN_PATHS.has(req.path)) return true;
    const s = this.session(req);
    const header = req.headers[CSRF_HEADER];
    return s !== undefined && typeof header === 'string' && sameText(header, s.csrf);
  };

  /** Mounted before every route: without `readOnlyOpen`, reads but the login page need a session. */
  readonly readGuard: RequestHandler = (req, res, next) => {
    if (this.o.readOnlyOpen || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (OPEN_READS.has(req.path) || this.isLoggedIn(req)) return next();
    res.status(401).json({ error: 'authentication required' });
  };

  private startSession(res: Response, req: Request): string {
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    this.sessions.set(token, { csrf, lastUsed: this.now() });
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`);
    return csrf;
  }

  /** A login request must be JSON from our own origin (a cross-site form cannot send either). */
  private loginProblem(req: Request): string | undefined {
    if (!req.is('application/json')) return 'expected a JSON body';
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${req.protocol}://${req.headers.host ?? ''}`) return 'cross-origin request refused';
    const password = (req.body as { password?: unknown } | undefined)?.password;
    if (typeof password !== 'string' || password.length > 1024) return 'password missing';
    return undefined;
  }

  private tooManyFailures(): boolean {
    const t = this.now();
    this.failures = this.failures.filter((f) => t - f < 60000);
    return this.failures.length >= MAX_FAILED_LOGINS_PER_MINUTE;
  }

  /** `/api/auth` (state), `/api/auth/setup`, `/api/auth/login`, `/api/auth/logout`. */
  mount(router: Router): void {
    router.get('/api/auth', (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const s = this.o.mode === 'ingress' ? undefined : this.session(req);
      const loggedIn = this.o.mode === 'ingress' || s !== undefined;
      res.json({ mode: this.o.mode, setupNeeded: this.setupNeeded, loggedIn, readOnlyOpen: this.o.readOnlyOpen, ...(s ? { csrf: s.csrf } : {}) });
    });
    router.post('/api/auth/setup', async (req, res) => {
      const problem = this.loginProblem(req);
      if (problem) return void res.status(400).json({ error: problem });
      if (!this.setupNeeded) return void res.status(409).json({ error: 'an administrator password is already set' });
      const password = (req.body as { password: string }).password;
      if (password.length < MIN_PASSWORD_LENGTH) return void res.status(400).json({ error: `the password needs at least ${MIN_PASSWORD_LENGTH} characters` });
      await this.store(password);
      res.json({ loggedIn: true, csrf: this.startSession(res, req) });
    });
    router.post('/api/auth/login', async (req, res) => {
      const problem = this.loginProblem(req);
      if (problem) return void res.status(400).json({ error: problem });
      if (this.o.mode === 'ingress') return void res.status(409).json({ error: 'Home Assistant handles the login' });
      if (!this.stored) return void res.status(409).json({ error: 'no administrator password set yet' });
      if (this.tooManyFailures()) return void res.status(429).json({ error: 'too many failed logins; wait a minute' });
      if (!(await verifyPassword((req.body as { password: string }).password, this.stored))) {
        this.failures.push(this.now());
        return void res.status(401).json({ error: 'wrong password' });
      }
      res.json({ loggedIn: true, csrf: this.startSession(res, req) });
    });
    router.post('/api/auth/logout', (req, res) => {
      const token = cookieOf(req, SESSION_COOKIE);
      if (token !== undefined) this.sessions.delete(token);
      res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      res.json({ loggedIn: false });
    });
  }
}
