/**
 * Filling a form from mojeID without an account (issue 14; the server-side counterpart of mojeID
 * LITE, manual §5.1.11): a guest checkout asks mojeID for the user's name, e-mail, phone and
 * address, and gets them once. The round trip is a full login as far as the checks go (state,
 * nonce, PKCE, ID token, UserInfo), but nobody is logged in, `verify` is not called and nothing is
 * linked: the claims wait in the session for one `takeMojeIdPrefill(req)`.
 */
import type { Request } from 'express';
import { isMojeIdClaimName } from './claims/catalogue.js';
import type { MojeIdClaims } from './claims/types.js';
import { ACCOUNT_REQUIREMENT_CLAIMS, type ClaimRequirement, type MojeIdConfig } from './config.js';
import { ConfigurationError, MojeIdError } from './errors.js';
import { sessionOf } from './session.js';

/** What a guest form needs, and no more (Appendix 7 point 4: ask only for what you use). */
export const DEFAULT_PREFILL_CLAIMS: readonly string[] = Object.freeze(['given_name', 'family_name', 'email', 'phone_number', 'address']);

export type MojeIdPurpose = 'login' | 'prefill';

/** The claims of one prefill, normalised like a login's (docs/claims.md), only those asked for. */
export type MojeIdPrefill = { [K in keyof MojeIdClaims as K extends 'sub' ? never : K]?: MojeIdClaims[K] };

interface StoredPrefill {
  readonly claims: Record<string, unknown>;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

const SESSION_KEY = 'mojeid:prefill';

/**
 * Checked claim names for `prefillClaims` (option) or `claims` (per request). A bad name is an
 * `invalid_configuration`, never dropped: a form that silently lost its address field would look
 * like mojeID withholding it.
 */
export function prefillClaimNames(names: unknown, option: string): readonly string[] {
  if (names === undefined) return DEFAULT_PREFILL_CLAIMS;
  const problem = (message: string): ConfigurationError => new ConfigurationError([{ option, variable: '(per request or option only)', message }]);
  if (!Array.isArray(names) || !names.length) throw problem('expected a non-empty list of claim names, e.g. ["given_name", "family_name", "address"]');
  const unique: string[] = [];
  for (const name of names as unknown[]) {
    // `sub` is left out on purpose: a prefill identifies nobody to the app.
    if (typeof name !== 'string' || !isMojeIdClaimName(name)) throw problem(`unknown claim ${JSON.stringify(name)}; see docs/claims.md for the catalogue (Appendix 1)`);
    if (!unique.includes(name)) unique.push(name);
  }
  return Object.freeze(unique);
}

/** `purpose` of `passport.authenticate`; anything but the two known values is a mistake, not a login. */
export function purposeOf(value: unknown): MojeIdPurpose {
  if (value === undefined || value === 'login') return 'login';
  if (value === 'prefill') return 'prefill';
  throw new ConfigurationError([{ option: 'purpose', variable: '(per request)', message: `expected "login" or "prefill", got ${JSON.stringify(value)}` }]);
}

/**
 * The claims a prefill asks for: the form's, each optional (the user may withhold any and type it
 * instead), and the ones the configured `accept` requirements are checked on, essential, so an app
 * that accepts only validated accounts gets data only from those.
 */
export function prefillClaimRequest(config: MojeIdConfig, names: readonly string[]): Record<string, ClaimRequirement> {
  const request: Record<string, ClaimRequirement> = {};
  for (const name of names) request[name] = 'optional';
  for (const requirement of config.accept) request[ACCOUNT_REQUIREMENT_CLAIMS[requirement]] = 'essential';
  return request;
}

/** Keeps the prefill's claims (only the asked-for ones) for one read, until `ttlSeconds` from now. */
export function storePrefill(req: Request, claims: Readonly<Record<string, unknown>>, names: readonly string[], ttlSeconds: number, now = Date.now()): void {
  const kept: Record<string, unknown> = {};
  // The names come back from the session store: a list of strings or nothing is kept.
  for (const name of Array.isArray(names) ? names : []) {
    if (typeof name !== 'string') continue;
    if (Object.hasOwn(claims, name) && claims[name] !== undefined) kept[name] = claims[name];
  }
  const stored: StoredPrefill = { claims: kept, expiresAt: now + ttlSeconds * 1000 };
  sessionOf(req)[SESSION_KEY] = stored;
}

/**
 * The claims of the prefill this browser just finished, once: they leave the session with this
 * read, so the session store does not keep a guest's address for the session's lifetime.
 * `undefined` when there is none, when it was read already, or when it was not read within
 * `pendingLoginTtl`. Call it on the page the prefill returned to (`returnTo`) and fill the form.
 */
export function takeMojeIdPrefill(req: Request, now = Date.now()): MojeIdPrefill | undefined {
  const session = (req as unknown as { session?: Record<string, unknown> }).session;
  if (!session || !Object.hasOwn(session, SESSION_KEY)) return undefined;
  const stored = session[SESSION_KEY] as Partial<StoredPrefill> | null | undefined;
  delete session[SESSION_KEY];
  if (!stored || typeof stored !== 'object' || typeof stored.expiresAt !== 'number' || now >= stored.expiresAt) return undefined;
  if (!stored.claims || typeof stored.claims !== 'object') return undefined;
  return { ...stored.claims } as MojeIdPrefill;
}

/**
 * Drops a prefill nobody read in time. Runs on every request through `mojeid()` and costs one
 * property lookup when there is none, so an unread address does not outlive `pendingLoginTtl` in
 * a session the app keeps for hours.
 */
export function dropExpiredPrefill(req: Request, now = Date.now()): void {
  const session = (req as unknown as { session?: Record<string, unknown> }).session;
  const stored = session?.[SESSION_KEY] as Partial<StoredPrefill> | undefined;
  if (!session || stored === undefined) return;
  if (!stored || typeof stored.expiresAt !== 'number' || now >= stored.expiresAt) delete session[SESSION_KEY];
}

interface RegeneratingSession {
  regenerate?: (done: (error?: unknown) => void) => unknown;
  cookie?: { originalMaxAge?: number | null; maxAge?: number | null };
  [key: string]: unknown;
}

/**
 * A new session id for the session that is about to hold the claims, its contents (a cart, a
 * logged-in user, other tabs' pending logins) kept. A session id planted in the browser before the
 * prefill (session fixation) would otherwise let whoever planted it read the guest's address, the
 * reason a login regenerates the session too. The lifetime the session had is kept as well, so a
 * session holding only the library's state still expires with it.
 */
export function rotateSessionId(req: Request): Promise<void> {
  const session = (req as unknown as { session?: RegeneratingSession }).session;
  if (!session || typeof session.regenerate !== 'function') return Promise.resolve();
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(session)) if (key !== 'cookie') kept[key] = session[key];
  const lifetime = session.cookie?.originalMaxAge;
  return new Promise<void>((resolve, reject) => {
    session.regenerate?.call(session, (error?: unknown) => {
      if (error) {
        // Storing the claims in the old session would leave them where a planted id can read them.
        reject(new MojeIdError('session_store_failed', 'the session store could not give the prefill a new session id; nothing was stored', { status: 503, cause: error }));
        return;
      }
      const fresh = (req as unknown as { session: RegeneratingSession }).session;
      Object.assign(fresh, kept);
      if (typeof lifetime === 'number' && fresh.cookie) fresh.cookie.maxAge = lifetime;
      resolve();
    });
  });
}
