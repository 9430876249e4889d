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
  /** `prefill`: the callback keeps the claims for one read and logs nobody in (docs/prefill.md). */
  readonly purpose?: 'prefill';
  /** A prefill's claim names: only these are kept for the app. */
  readonly prefillClaims?: readonly string[];
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
  expireWithPendingLogins(req, ttlSeconds);
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
 *
 * The short lifetime must not outlive that state: express-session keeps it (`originalMaxAge`) in
 * the store and applies it again on every request, so an app that later puts a cart into the
 * session would see it expire after the TTL for good. The app's own setting is kept under a
 * `mojeid:` key, and every request that loads such a session (the store's `createSession`, which
 * express-session calls for each one) checks, when express-session resets the lifetime before
 * setting the cookie and saving, whether the app has put anything in: then the app's lifetime
 * comes back, in the cookie the browser gets and in the store.
 */
function expireWithPendingLogins(req: Request, ttlSeconds: number): void {
  const session = sessionOf(req);
  const cookie = session['cookie'] as { maxAge?: number | null; originalMaxAge?: number | null } | undefined;
  if (!cookie || typeof cookie !== 'object' || !('maxAge' in cookie)) return;
  if (holdsAppData(session)) return;
  // The app's setting, kept from the first shortening on (later ones see the short value).
  if (!Object.hasOwn(session, APP_MAX_AGE_KEY)) session[APP_MAX_AGE_KEY] = typeof cookie.originalMaxAge === 'number' ? cookie.originalMaxAge : null;
  const configured = session[APP_MAX_AGE_KEY];
  // An app's own shorter lifetime stays (express-session resets `maxAge` to `originalMaxAge` on
  // every response, so the expiry counts from the browser's last request either way).
  const ttlMs = ttlSeconds * 1000;
  cookie.maxAge = typeof configured === 'number' && configured > 0 && configured < ttlMs ? configured : ttlMs;
  restoreAppLifetimeOnceUsed(session);
  watchSessionStore((req as unknown as { sessionStore?: unknown }).sessionStore);
}

const APP_MAX_AGE_KEY = 'mojeid:appMaxAge';
const WATCHED = Symbol.for('passport-mojeid-oidc.restores-app-session-lifetime');

/** Anything besides the cookie and the library's `mojeid:` keys: the app uses this session. */
function holdsAppData(session: Record<string, unknown>): boolean {
  for (const key of Object.keys(session)) {
    if (key === 'cookie' || key.startsWith('mojeid:')) continue;
    // Passport leaves `passport: {}` behind after a logout; only a user in it counts.
    if (key === 'passport' && !(session['passport'] as { user?: unknown } | undefined)?.user) continue;
    return true;
  }
  return false;
}

/**
 * express-session's `touch()` calls `resetMaxAge()` before it sets the cookie and saves, on every
 * request: the one moment that sees what the app put into the session during the request.
 */
function restoreAppLifetimeOnceUsed(session: Record<string, unknown>): void {
  const inherited = (Object.getPrototypeOf(session) as { resetMaxAge?: unknown } | null)?.resetMaxAge;
  if (typeof inherited !== 'function' || Object.hasOwn(session, 'resetMaxAge')) return;
  Object.defineProperty(session, 'resetMaxAge', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function resetMaxAge(this: Record<string, unknown>): unknown {
      if (!Object.hasOwn(this, APP_MAX_AGE_KEY) || !holdsAppData(this)) return (inherited as (this: unknown) => unknown).call(this);
      const appMaxAge = this[APP_MAX_AGE_KEY];
      delete this[APP_MAX_AGE_KEY];
      const cookie = this['cookie'] as SessionCookie;
      cookie.originalMaxAge = typeof appMaxAge === 'number' ? appMaxAge : null;
      const result = (inherited as (this: unknown) => unknown).call(this);
      // express-session sends the cookie again only while it has an expiry; one that becomes a
      // browser-session cookie would stay in the browser with the short one. Sent here instead.
      if (cookie.originalMaxAge === null) resendSessionCookie((this as { req?: Request }).req, cookie);
      return result;
    },
  });
}

interface SessionCookie {
  originalMaxAge: number | null;
  readonly data?: { path?: string; domain?: string; httpOnly?: boolean; secure?: boolean | 'auto'; sameSite?: boolean | string; partitioned?: boolean; priority?: string };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;
const capitalised = (value: string): string => value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();

/**
 * The session cookie as the browser sent it (express-session's signed `s:<id>.<signature>`, so no
 * secret is needed), with the cookie's current attributes and no expiry.
 */
function resendSessionCookie(req: Request | undefined, cookie: SessionCookie): void {
  const res = req?.res;
  const data = cookie.data;
  // `sessionID` is express-session's, typed only where its declarations are loaded.
  const sessionID = (req as unknown as { sessionID?: unknown } | undefined)?.sessionID;
  if (!req || !res || res.headersSent || !data || typeof sessionID !== 'string') return;
  // express-session does not send a secure cookie over plain http either.
  if (data.secure === true && !req.secure) return;
  const prefix = `s:${sessionID}.`;
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (eq < 0 || !TOKEN.test(name) || !COOKIE_VALUE.test(value) || !decoded.startsWith(prefix)) continue;
    const attributes = [`Path=${data.path ?? '/'}`];
    if (data.domain) attributes.push(`Domain=${data.domain}`);
    if (data.httpOnly) attributes.push('HttpOnly');
    if (data.secure) attributes.push('Secure');
    if (data.partitioned) attributes.push('Partitioned');
    if (typeof data.priority === 'string') attributes.push(`Priority=${capitalised(data.priority)}`);
    if (data.sameSite) attributes.push(`SameSite=${data.sameSite === true ? 'Strict' : capitalised(String(data.sameSite))}`);
    res.append('Set-Cookie', [name, value].join('=') + `; ${attributes.join('; ')}`);
    return;
  }
}

/**
 * Sessions loaded on later requests (of any route of the app) get the same check. Also called by
 * `mojeid()` for the app's store on the first request it sees, so an instance that has not started
 * a login itself restores the lifetime of a session another instance shortened.
 */
export function watchSessionStore(store: unknown): void {
  const watched = store as { createSession?: unknown; [WATCHED]?: true } | null | undefined;
  if (!watched || typeof watched.createSession !== 'function' || watched[WATCHED]) return;
  const createSession = watched.createSession as (this: unknown, ...args: unknown[]) => unknown;
  watched.createSession = function (this: unknown, ...args: unknown[]): unknown {
    const session = createSession.apply(this, args);
    if (session && typeof session === 'object' && Object.hasOwn(session, APP_MAX_AGE_KEY)) restoreAppLifetimeOnceUsed(session as Record<string, unknown>);
    return session;
  };
  watched[WATCHED] = true;
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
