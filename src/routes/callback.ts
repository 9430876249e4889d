/**
 * GET <mount>/callback: finishes the login. On success the session is regenerated (Passport's
 * `req.logIn` does it: no session fixation), logins still pending in other tabs are carried over,
 * and the browser goes back to the saved same-origin `returnTo`.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { readPendingLogins, writePendingLogins } from '../pending-logins.js';
import type { MojeIdAuthInfo } from '../strategy.js';
import type { RouteContext } from './context.js';
import { sendError } from './error-response.js';

export function callbackRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/callback', (req: Request, res: Response, next: NextFunction) => {
    ctx.passport.authenticate(ctx.strategyName, (error: unknown, user?: Express.User | false | null, details?: unknown) => {
      const info = details as MojeIdAuthInfo | undefined;
      const returnTo = info?.returnTo ?? '/';
      if (error || !user) {
        sendError(ctx, req, res, error ?? info?.error ?? info, returnTo);
        return;
      }
      const stillPending = readPendingLogins(req, ctx.config.pendingLoginTtl);
      req.logIn(user, (loginError?: unknown) => {
        if (loginError) {
          sendError(ctx, req, res, loginError, returnTo);
          return;
        }
        writePendingLogins(req, stillPending);
        res.set('Cache-Control', 'no-store');
        res.redirect(303, returnTo);
      });
    })(req, res, next);
  });
  return router;
}
