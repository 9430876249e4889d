/**
 * Why a callback's `state` matches no pending login. The usual answer of OIDC libraries ("state
 * mismatch") leaves a developer guessing between a cookie setting, a session store and a user who
 * pressed Back; this module tells them apart from what the request and the session still show, and
 * says what to change. The verdict never affects the outcome: every one of these is refused.
 */
import type { Request } from 'express';
import { StateMismatchError } from './errors.js';
import { expiredPendingLogin, wasFinished } from './pending-logins.js';
import { cookieSettingProblems, isExpressSession, sessionCookieSent } from './session-cookie.js';
import { stateIssuedAt } from './state.js';

export interface DiagnosisContext {
  readonly ttlSeconds: number;
  readonly redirectUri: string;
  readonly now?: number;
}

export function diagnoseMissingLogin(req: Request, state: string, context: DiagnosisContext): StateMismatchError {
  const now = context.now ?? Date.now();
  const ttl = context.ttlSeconds;

  if (wasFinished(req, state)) {
    return new StateMismatchError(
      'already_used',
      'the callback state belongs to a login this browser already finished (the callback was loaded again: Back button or reload)',
      'Nothing to change if it is rare; if it happens on every login, something loads the callback URL twice (a link prefetcher, a browser extension, a proxy that retries)',
    );
  }
  const expired = expiredPendingLogin(req, state, ttl, now);
  const issuedAt = expired?.createdAt ?? stateIssuedAt(state);
  if (issuedAt !== undefined && now - issuedAt >= ttl * 1000) {
    return new StateMismatchError(
      'expired',
      `the login was started ${Math.round((now - issuedAt) / 1000)} s ago, and a login expires after ${ttl} s`,
      'Raise MOJEID_PENDING_LOGIN_TTL (option pendingLoginTtl) if your users need longer at mojeID',
    );
  }

  if (!isExpressSession(req)) {
    return new StateMismatchError(
      'not_in_session',
      'the callback state matches no login started in this session',
      'The session did not keep the login: check that the session cookie comes back with the redirect from mojeID (sameSite: "lax", secure only over https, the same host name as the redirect URI) and that the session store keeps sessions',
    );
  }

  const sent = sessionCookieSent(req);
  if (sent === 'own') {
    return new StateMismatchError(
      'not_in_session',
      'the session that came with the callback never started this login',
      'The login was started in another browser or browser profile, or this browser got a new session since it started (a logout, or a login in another tab of another app on the same session)',
    );
  }
  if (sent === 'other') {
    return new StateMismatchError(
      'session_not_found',
      'the browser sent a session cookie, but the session store has no session for it',
      "The store lost the session: a restart with express-session's MemoryStore (use a persistent store such as connect-redis), instances that do not share one store, or a changed session secret (a cookie signed with the old SESSION_SECRET is not accepted)",
    );
  }
  const settings = cookieSettingProblems(req);
  const hasCookies = (req.get('cookie') ?? '').trim() !== '';
  const callbackHost = new URL(context.redirectUri).hostname;
  return new StateMismatchError(
    'no_session_cookie',
    `the callback came without a session cookie${hasCookies ? '' : ' (no cookies at all)'}, so the session that started the login is unknown`,
    settings.length
      ? settings.map((s) => s.message.charAt(0).toUpperCase() + s.message.slice(1)).join('. ')
      : `The browser did not keep or did not send the cookie: the login started on another host name than ${callbackHost} (localhost and 127.0.0.1 are different hosts to a browser), in another browser, with cookies blocked, or with a cookie domain or path that excludes the callback`,
  );
}
