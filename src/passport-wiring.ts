/**
 * The Passport wiring an app must get right for a mojeID login to stick: `serializeUser` and
 * `deserializeUser`, `passport.session()` after express-session. Each mistake otherwise shows up
 * far from its cause (a generic 500, a stack trace on every page, or a browser bouncing between
 * the app and mojeID until it gives up); here each is caught where it first shows and named.
 */
import type { Request } from 'express';
import { MojeIdError, PassportSetupError } from './errors.js';

/** Passport's Authenticator keeps these arrays; a structural peek, since they are not typed. */
interface AuthenticatorInternals {
  _serializers?: unknown;
  _deserializers?: unknown;
  _strategy?: (name: string) => unknown;
}

const emptyList = (value: unknown): boolean => Array.isArray(value) && value.length === 0;

/**
 * Before `req.logIn`: a Passport instance without `serializeUser` cannot store the user, and one
 * without `deserializeUser` would fail every later request with "Failed to deserialize user out
 * of session". Refusing here keeps the session as it was.
 */
export function passportSetupProblem(passport: unknown): PassportSetupError | undefined {
  const internals = passport as AuthenticatorInternals;
  if (emptyList(internals._serializers)) {
    return new PassportSetupError(
      'serializeUser',
      'passport.serializeUser() is not set up, so Passport cannot store the logged-in user in the session: add passport.serializeUser((user, done) => done(null, user)) and passport.deserializeUser(...) (docs/quick-start.md), on the Passport instance given to mojeid()',
    );
  }
  if (emptyList(internals._deserializers)) {
    return new PassportSetupError(
      'deserializeUser',
      'passport.deserializeUser() is not set up, so after this login every request would fail with "Failed to deserialize user out of session": add passport.deserializeUser(...) (docs/quick-start.md), on the Passport instance given to mojeid()',
    );
  }
  return undefined;
}

/** Passport's own error for a missing `serializeUser`, when the instance could not be inspected. */
export function passportLogInError(error: unknown): MojeIdError | undefined {
  if (error instanceof Error && error.message === 'Failed to serialize user into session') return passportSetupProblem({ _serializers: [] });
  return undefined;
}

const LOGGED_IN_KEY = 'mojeid:loggedIn';

/** After a successful login: no request has seen `req.user` yet. Cleared by the first that does. */
export function markLoginFinished(req: Request, now = Date.now()): void {
  const session = (req as unknown as { session?: Record<string, unknown> }).session;
  if (session) session[LOGGED_IN_KEY] = now;
}

/** The first request with `req.user` after a login clears the mark (once, so once written). */
export function clearLoginMark(req: Request): void {
  const session = (req as unknown as { session?: Record<string, unknown> }).session;
  if (session && LOGGED_IN_KEY in session) delete session[LOGGED_IN_KEY];
}

/**
 * A request without `req.user` in a session where a mojeID login finished and no request has seen
 * the user since: the login did not reach `req.user`. Sending the browser to mojeID again would
 * only repeat that (mojeID logs a known user in without asking, so the browser loops), so this
 * names the cause instead: the session holds Passport's user but nothing deserialized it (no
 * `passport.session()`), or `deserializeUser` found nobody (Passport then removes the user).
 */
export function lostLoginProblem(req: Request, withinMs: number, now = Date.now()): PassportSetupError | undefined {
  const session = (req as unknown as { session?: Record<string, unknown> }).session;
  const finishedAt = session?.[LOGGED_IN_KEY];
  if (typeof finishedAt !== 'number' || now - finishedAt > withinMs || now < finishedAt) return undefined;
  const stored = (session?.['passport'] as { user?: unknown } | undefined)?.user;
  if (stored !== undefined && stored !== null) {
    return new PassportSetupError(
      'passport.session()',
      'the session holds the user of a mojeID login that just finished, but req.user is not set: mount app.use(passport.session()) after express-session and before the routes that need the user (with the Passport instance given to mojeid())',
    );
  }
  return new PassportSetupError(
    'deserialized user',
    'a mojeID login just finished, but passport.deserializeUser() found nobody for the user it stored (it called done(null, false) or done(null, null)): make deserializeUser find the user that serializeUser stored',
  );
}

const TOLERANT = Symbol.for('passport-mojeid-oidc.tolerant-session');

/**
 * Without express-session, `passport.session()` fails every request of the app with Passport's
 * error and a stack trace, before any of the library's routes can say what is missing. This lets
 * such requests through without a login instead, so the library's own `session_missing` page (on
 * the login routes and in `requireMojeIdLogin()`) is what the developer sees, with the fix.
 * Only the request without `req.session` changes; everything else is Passport's own behaviour.
 */
export function letSessionStrategyReportMissingSession(passport: unknown): void {
  const strategy = (passport as AuthenticatorInternals)._strategy?.('session') as
    | { authenticate?: (this: { pass(): void }, req: Request, options?: unknown) => void; [TOLERANT]?: true }
    | undefined;
  if (!strategy || typeof strategy.authenticate !== 'function' || strategy[TOLERANT]) return;
  const original = strategy.authenticate;
  strategy.authenticate = function authenticate(this: { pass(): void }, req: Request, options?: unknown): void {
    if (!(req as unknown as { session?: unknown }).session) {
      this.pass();
      return;
    }
    original.call(this, req, options);
  };
  strategy[TOLERANT] = true;
}
