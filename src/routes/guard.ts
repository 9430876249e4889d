/**
 * `requireMojeIdLogin()`: protects routes. A page request without a login goes to the login
 * (and comes back afterwards); an API request (`Accept: application/json`) gets 401 JSON.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { safeReturnTo } from '../strategy.js';

export interface RequireLoginOptions {
  /** Where the login starts. Default `/auth/mojeid/login`. */
  loginPath?: string;
}

export function requireMojeIdLogin(options: RequireLoginOptions = {}): RequestHandler {
  const loginPath = options.loginPath ?? '/auth/mojeid/login';
  return (req: Request, res: Response, next: NextFunction) => {
    if (typeof req.isAuthenticated === 'function' && req.isAuthenticated()) {
      next();
      return;
    }
    res.set('Cache-Control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(401).json({ error: 'login_required', login: loginPath });
      return;
    }
    const returnTo = req.method === 'GET' ? safeReturnTo(req.originalUrl) : '/';
    res.redirect(303, returnTo === '/' ? loginPath : `${loginPath}?returnTo=${encodeURIComponent(returnTo)}`);
  };
}
