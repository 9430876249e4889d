/**
 * GET <mount>/login: starts the authorization-code flow (redirect to mojeID), with a route's
 * step-up demands (`assurance`, `loginMethod`, `maxAge`) when the guard sent the browser here.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { safeReturnTo } from '../return-to.js';
import { ROUTE_STEP, type MojeIdAuthenticateOptions, type RouteStep } from '../strategy.js';
import type { RouteContext } from './context.js';
import { sendError } from './error-response.js';
import { parseStepUpQuery, type StepUp } from './step-up.js';

export function loginRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/login', (req: Request, res: Response, next: NextFunction) => {
    const returnTo = safeReturnTo(req.query['returnTo']);
    let stepUp: StepUp;
    try {
      stepUp = parseStepUpQuery(req);
    } catch (error) {
      sendError(ctx, req, res, error, 'login', returnTo);
      return;
    }
    const options: MojeIdAuthenticateOptions & { [ROUTE_STEP]: RouteStep } = {
      [ROUTE_STEP]: 'start',
      returnTo,
      ...(stepUp.assurance ? { acrValues: stepUp.assurance } : {}),
      ...(stepUp.loginMethod ? { loginMethod: stepUp.loginMethod } : {}),
      ...(stepUp.maxAge !== undefined ? { maxAge: stepUp.maxAge } : {}),
    };
    ctx.passport.authenticate(ctx.strategyName, options, (error: unknown, _user?: unknown, info?: unknown) => {
      // Only the failure itself: `info` may hold what no error should carry (a profile, tokens).
      sendError(ctx, req, res, error ?? (info as { error?: unknown } | undefined)?.error, 'login', returnTo);
    })(req, res, next);
  });
  return router;
}
