/**
 * Calls the app's verify function with Passport's contract and turns its answer into the login's
 * outcome: `done(null, user)` logs in, `done(null, false, info)` is a refusal (`login_refused`),
 * `done(err)`, a throw or a rejection is the app's fault (`verify_failed`). An async verify may
 * resolve with the user instead of calling `done`.
 */
import type { Request } from 'express';
import type passport from 'passport';
import { toMojeIdError } from './error-mapping.js';
import { MojeIdError } from './errors.js';
import type { MojeIdProfile } from './profile.js';

export type VerifyCallback = (error: unknown, user?: Express.User | false, info?: object) => void;
/**
 * Passport's contract: call `done(null, user)`, `done(null, false, info)` or `done(err)`. An async
 * function may instead resolve with the user (or `false`); a rejection is an error.
 */
export type VerifyFunction = (profile: MojeIdProfile, done: VerifyCallback) => unknown;
export type VerifyFunctionWithRequest = (req: Request, profile: MojeIdProfile, done: VerifyCallback) => unknown;

/** The app's verify as the strategy holds it: with `req` first when `passReqToCallback` is set. */
export type AppVerify = { passReqToCallback: false; verify: VerifyFunction } | { passReqToCallback: true; verify: VerifyFunctionWithRequest };

/**
 * Runs `app.verify` for `profile` and reports success or refusal on `outcome`. Settles once the
 * verify answered; rejects with `verify_failed` (or the app's own `MojeIdError`) when it failed.
 * Only the first answer counts: a verify calling `done` twice cannot log in twice.
 */
export function callVerify(app: AppVerify, req: Request, profile: MojeIdProfile, returnTo: string, outcome: Pick<passport.StrategyCreatedStatic, 'success' | 'fail'>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done: VerifyCallback = (error, user, info) => {
      if (settled) return;
      settled = true;
      if (error) reject(toMojeIdError(error, 'verify'));
      else if (!user) {
        // The app's verify said no (`done(null, false, info)`): a refusal, not a fault.
        const reason = typeof (info as { message?: unknown } | undefined)?.message === 'string' ? (info as { message: string }).message : undefined;
        const refusal = new MojeIdError('login_refused', `the application's verify callback refused the login${reason ? `: ${reason}` : ''}`, { status: 403 });
        outcome.fail({ ...(info ?? {}), returnTo, error: refusal }, 403);
      } else outcome.success(user, { ...(info ?? {}), returnTo, profile });
      resolve();
    };
    let result: unknown;
    try {
      result = app.passReqToCallback ? app.verify(req, profile, done) : app.verify(profile, done);
    } catch (error) {
      done(error);
      return;
    }
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(
        (user) => {
          if (!settled && user !== undefined) done(null, user as Express.User | false);
        },
        (error: unknown) => done(error ?? new Error('verify rejected')),
      );
    }
  });
}
