/**
 * POST <mount>/logout (CSRF-protected): logs out locally (Passport regenerates the session), then
 * offers mojeID's own logout page (ch. 7): a service must not log the user out of mojeID itself.
 */
import express, { Router, type Request, type Response } from 'express';
import { verifyCsrf } from '../csrf.js';
import { loggedOutPage } from '../views/pages.js';
import { localeFor, type RouteContext } from './context.js';
import { routeErrors, sendError } from './error-response.js';

export function logoutRouter(ctx: RouteContext): Router {
  const router = Router();
  router.post('/logout', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 }), (req: Request, res: Response) => {
    try {
      verifyCsrf(req, ctx.config.baseUrl);
    } catch (error) {
      sendError(ctx, req, res, error, 'logout');
      return;
    }
    const locale = localeFor(ctx, req);
    req.logout((error?: unknown) => {
      if (error) {
        sendError(ctx, req, res, error, 'logout');
        return;
      }
      res.set('Cache-Control', 'no-store');
      if (!ctx.config.offerMojeIdLogout) {
        res.redirect(303, ctx.config.postLogoutRedirect);
        return;
      }
      res.type('html').send(
        loggedOutPage({
          locale,
          title: locale === 'cs' ? 'Odhlášení' : 'Logged out',
          stylesheetUrl: ctx.paths.stylesheet,
          mojeIdLogoutUrl: ctx.config.endpoints.logoutUrl,
          continueUrl: ctx.config.postLogoutRedirect,
        }),
      );
    });
  }, routeErrors(ctx, 'logout'));
  return router;
}
