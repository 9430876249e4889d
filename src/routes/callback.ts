/**
 * GET <mount>/callback: finishes the login. On success the session is regenerated (Passport's
 * `req.logIn` does it: no session fixation), logins still pending in other tabs (and the record of
 * finished ones) are carried over, and the browser goes back to the saved same-origin `returnTo`.
 * A Passport instance that cannot keep the user (no serializeUser/deserializeUser) is named here.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { markLoginFinished, passportLogInError, passportSetupProblem } from '../passport-wiring.js';
import { recordLogin } from '../login-record.js';
import { restoreLoginState, snapshotLoginState } from '../pending-logins.js';
import { ROUTE_STEP, type MojeIdAuthInfo } from '../strategy.js';
import type { RouteContext } from './context.js';
import { sendError } from './error-response.js';

export function callbackRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/callback', (req: Request, res: Response, next: NextFunction) => {
    // This route finishes a login whatever its path looks like (mounted elsewhere, behind a proxy).
    ctx.passport.authenticate(ctx.strategyName, { [ROUTE_STEP]: 'finish' }, (error: unknown, user?: Express.User | false | null, details?: unknown) => {
      const info = details as MojeIdAuthInfo | undefined;
      const returnTo = info?.returnTo ?? '/';
      if (error || !user) {
        sendError(ctx, req, res, error ?? info?.error, 'callback', returnTo, info?.purpose);
        return;
      }
      // Checked before req.logIn, which would otherwise regenerate the session and then fail.
      const setupProblem = passportSetupProblem(ctx.passport);
      if (setupProblem) {
        sendError(ctx, req, res, setupProblem, 'callback', returnTo);
        return;
      }
      const carried = snapshotLoginState(req, ctx.config.pendingLoginTtl);
      req.logIn(user, (loginError?: unknown) => {
        if (loginError) {
          sendError(ctx, req, res, passportLogInError(loginError) ?? loginError, 'callback', returnTo);
          return;
        }
        restoreLoginState(req, carried);
        markLoginFinished(req);
        if (info?.profile) recordLogin(req, info.profile);
        res.set('Cache-Control', 'no-store');
        res.redirect(303, returnTo);
      });
    })(req, res, next);
  });
  return router;
}
