/**
 * GET <mount>/prefill: fills a form from mojeID without logging anybody in (docs/prefill.md). The
 * same round trip as a login; the callback keeps the claims for one `takeMojeIdPrefill(req)` and
 * sends the browser back to `returnTo` (the form). Which claims are asked for is the app's
 * `prefillClaims` option, not the link's: a crafted link cannot ask the user for more.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { safeReturnTo } from '../return-to.js';
import { ROUTE_STEP, type MojeIdAuthenticateOptions, type RouteStep } from '../strategy.js';
import type { RouteContext } from './context.js';
import { sendError } from './error-response.js';

export function prefillRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/prefill', (req: Request, res: Response, next: NextFunction) => {
    const returnTo = safeReturnTo(req.query['returnTo']);
    const options: MojeIdAuthenticateOptions & { [ROUTE_STEP]: RouteStep } = { [ROUTE_STEP]: 'start', purpose: 'prefill', returnTo };
    ctx.passport.authenticate(ctx.strategyName, options, (error: unknown, _user?: unknown, info?: unknown) => {
      sendError(ctx, req, res, error ?? (info as { error?: unknown } | undefined)?.error, 'prefill', returnTo);
    })(req, res, next);
  });
  return router;
}
