/** GET <mount>/login: starts the authorization-code flow (redirect to mojeID). */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { MojeIdAuthenticateOptions } from '../strategy.js';
import { safeReturnTo } from '../strategy.js';
import type { RouteContext } from './context.js';
import { sendError } from './error-response.js';

export function loginRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/login', (req: Request, res: Response, next: NextFunction) => {
    const returnTo = safeReturnTo(req.query['returnTo']);
    const options: MojeIdAuthenticateOptions = { returnTo };
    ctx.passport.authenticate(ctx.strategyName, options, (error: unknown, _user?: unknown, info?: unknown) => {
      sendError(ctx, req, res, error ?? (info as { error?: unknown } | undefined)?.error ?? info, returnTo);
    })(req, res, next);
  });
  return router;
}
