/**
 * The gate (Appendix 7 points 5 and 6): a pending first login, or a repeated login whose data
 * differs from the local account, is decided before anything else is shown. It also moves a
 * notice that rode along in the stored user (set where the session was regenerated) into the
 * session, for the next page to show once.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { appUser, differences, rewriteStoredUser } from '../session-user.js';

/** `exempt`: path prefixes the gate lets through (the library's routes, the choice pages, assets). */
export function firstLoginGate(exempt: readonly string[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = appUser(req);
    if (!user) return next();
    if (user.kind === 'account' && user.notice) {
      req.session.notice = user.notice;
      rewriteStoredUser(req, ({ notice: _shown, ...rest }) => rest);
    }
    if (req.method !== 'GET' || exempt.some((prefix) => req.path === prefix || req.path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) {
      return next();
    }
    if (user.kind === 'mojeid-pending') return res.redirect(303, '/account/mojeid/first-login');
    if (user.reviewUpdates && user.mojeid) {
      if (differences(user.account, user.mojeid).length) return res.redirect(303, '/account/mojeid/update');
      rewriteStoredUser(req, (u) => ({ ...u, reviewUpdates: false }));
    }
    next();
  };
}
