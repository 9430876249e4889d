/**
 * Logins started but not finished, kept in the browser's session (express-session). Several may be
 * pending at once (two tabs), each bound to its own state, nonce and PKCE verifier; the list is
 * capped and entries expire, so a flood of abandoned starts cannot grow a session without bound.
 * An entry is removed when its callback arrives, whatever the outcome: a state is good for one try.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { AssuranceLevel, LoginMethod } from './assurance.js';
import { sessionOf } from './session.js';

export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier?: string;
  readonly returnTo: string;
  readonly maxAge?: number;
  readonly acrLevel?: AssuranceLevel;
  readonly loginMethod?: LoginMethod;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

const SESSION_KEY = 'mojeid:pending';
// Digests of the states this session has finished (successfully or not), newest last: a callback
// loaded again (back button, reload) is then reported as "already used", not as a mystery.
const DONE_KEY = 'mojeid:done';
const MAX_DONE = 5;

function isPendingLogin(value: unknown): value is PendingLogin {
  const v = value as Partial<PendingLogin> | null;
  return !!v && typeof v.state === 'string' && typeof v.nonce === 'string' && typeof v.returnTo === 'string' && typeof v.createdAt === 'number';
}

/** The unexpired entries; anything malformed (a tampered store) is dropped, not trusted. */
export function readPendingLogins(req: Request, ttlSeconds: number, now = Date.now()): PendingLogin[] {
  const stored = sessionOf(req)[SESSION_KEY];
  if (!Array.isArray(stored)) return [];
  return stored.filter(isPendingLogin).filter((p) => now - p.createdAt < ttlSeconds * 1000);
}

export function writePendingLogins(req: Request, logins: readonly PendingLogin[]): void {
  const session = sessionOf(req);
  if (logins.length) session[SESSION_KEY] = logins;
  else delete session[SESSION_KEY];
}

/** Adds a login, dropping the oldest beyond `max`. Throws `session_missing` without a session. */
export function addPendingLogin(req: Request, login: PendingLogin, max: number, ttlSeconds: number): void {
  const logins = readPendingLogins(req, ttlSeconds, login.createdAt);
  logins.push(login);
  writePendingLogins(req, logins.slice(-max));
  expireWithPendingLogins(sessionOf(req), ttlSeconds);
}

/**
 * A browser without a session that starts a login gets one just for the pending login. Left with
 * the app's cookie settings (express-session's default: no `maxAge`, so no expiry), every such
 * session would stay in the store for good: a flood of cookieless login starts would grow it
 * without bound (measured: 100,000 starts, 100,000 sessions, docs/benchmarks.md scenario 4). A
 * session that holds nothing but the library's own state therefore lives only as long as its
 * newest pending login: the cookie's `maxAge` becomes the TTL, which the store honours (Redis and
 * most stores set their expiry from it; MemoryStore drops it when it next reads it). Logging in
 * regenerates the session with the app's own cookie settings (Passport's `req.logIn`).
 * Sessions holding anything of the app's, or a logged-in user, are left alone.
 */
function expireWithPendingLogins(session: Record<string, unknown>, ttlSeconds: number): void {
  const cookie = session['cookie'] as { maxAge?: number | null; originalMaxAge?: number | null } | undefined;
  if (!cookie || typeof cookie !== 'object' || !('maxAge' in cookie)) return;
  for (const key of Object.keys(session)) {
    if (key === 'cookie' || key.startsWith('mojeid:')) continue;
    // Passport leaves `passport: {}` behind after a logout; only a user in it counts.
    if (key === 'passport' && !(session['passport'] as { user?: unknown } | undefined)?.user) continue;
    return;
  }
  // An app's own shorter lifetime stays (express-session resets `maxAge` to `originalMaxAge` on
  // every response, so the expiry counts from the browser's last request either way).
  const ttlMs = ttlSeconds * 1000;
  const configured = cookie.originalMaxAge;
  cookie.maxAge = typeof configured === 'number' && configured > 0 && configured < ttlMs ? configured : ttlMs;
}

/** Removes and returns the entry for `state`, if one is pending, and remembers it as finished. */
export function takePendingLogin(req: Request, state: string, ttlSeconds: number): PendingLogin | undefined {
  const logins = readPendingLogins(req, ttlSeconds);
  const index = logins.findIndex((p) => p.state === state);
  if (index < 0) {
    writePendingLogins(req, logins);
    return undefined;
  }
  const [login] = logins.splice(index, 1);
  writePendingLogins(req, logins);
  const session = sessionOf(req);
  session[DONE_KEY] = [...finishedDigests(session), stateDigest(state)].slice(-MAX_DONE);
  return login;
}

/** Whether this session already finished the login with `state`. */
export function wasFinished(req: Request, state: string): boolean {
  return finishedDigests(sessionOf(req)).includes(stateDigest(state));
}

/** Whether `state` is pending in this session but expired (entries are dropped only when written). */
export function expiredPendingLogin(req: Request, state: string, ttlSeconds: number, now = Date.now()): PendingLogin | undefined {
  const stored = sessionOf(req)[SESSION_KEY];
  if (!Array.isArray(stored)) return undefined;
  return stored.filter(isPendingLogin).find((p) => p.state === state && now - p.createdAt >= ttlSeconds * 1000);
}

/** What a regenerated session (login) must keep: logins pending in other tabs, finished states. */
export interface LoginStateSnapshot {
  readonly pending: readonly PendingLogin[];
  readonly finished: readonly string[];
}

export function snapshotLoginState(req: Request, ttlSeconds: number): LoginStateSnapshot {
  return { pending: readPendingLogins(req, ttlSeconds), finished: finishedDigests(sessionOf(req)) };
}

export function restoreLoginState(req: Request, snapshot: LoginStateSnapshot): void {
  writePendingLogins(req, snapshot.pending);
  if (snapshot.finished.length) sessionOf(req)[DONE_KEY] = [...snapshot.finished];
}

function finishedDigests(session: Record<string, unknown>): string[] {
  const stored = session[DONE_KEY];
  return Array.isArray(stored) ? stored.filter((d): d is string => typeof d === 'string') : [];
}

// The session keeps a digest, not the state: a session store's contents never hold a value that
// could still be replayed against a pending login.
function stateDigest(state: string): string {
  return createHash('sha256').update(state).digest('base64url').slice(0, 22);
}
