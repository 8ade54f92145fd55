/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The web UI's requests. Every URL is relative (Home Assistant ingress serves us under a path
 * prefix); writes carry the session's CSRF token in X-CSRF-Token.
 */
export interface AuthState {
  readonly mode: 'password' | 'ingress';
  readonly setupNeeded: boolean;
  readonly loggedIn: boolean;
  readonly readOnlyOpen: boolean;
  readonly csrf?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrf: string | undefined;

export function setCsrf(token: string | undefined): void {
  csrf = token;
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) {
    const error = (body as { error?: unknown }).error;
    throw new HttpError(res.status, typeof error === 'string' ? error : `HTTP ${res.status}`);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { cache: 'no-store', credentials: 'same-origin' }));
}

export async function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  return answer<T>(await fetch(path, { method, headers, credentials: 'same-origin', body: JSON.stringify(body ?? {}) }));
}
