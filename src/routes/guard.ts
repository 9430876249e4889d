/**
 * `requireMojeIdLogin()`: protects routes. A page request without a login goes to the login
 * (and comes back afterwards); an API request (`Accept: application/json`) gets 401 JSON.
 * A login that just finished but did not reach `req.user` is a wiring mistake, not a reason to
 * send the browser to mojeID again: that is answered with an error naming the mistake.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MojeIdError } from '../errors.js';
import { consoleLogger, type MojeIdLogger } from '../logger.js';
import { clearLoginMark, lostLoginProblem } from '../passport-wiring.js';
import { sessionOf } from '../session.js';
import { safeReturnTo } from '../strategy.js';
import { negotiateLocale } from '../views/messages.js';
import { errorPage } from '../views/pages.js';
import { developerDetailFor } from './error-response.js';

export interface RequireLoginOptions {
  /** Where the login starts. Default `/auth/mojeid/login`. */
  loginPath?: string;
  /** Where wiring mistakes found here are logged. Default: `console.warn`. */
  logger?: MojeIdLogger;
}

// A login that finished longer ago than this and still has no user is treated as a new visit.
const LOST_LOGIN_WINDOW_MS = 10 * 60 * 1000;

export function requireMojeIdLogin(options: RequireLoginOptions = {}): RequestHandler {
  const loginPath = options.loginPath ?? '/auth/mojeid/login';
  const logger = options.logger ?? consoleLogger;
  const stylesheetUrl = `${loginPath.replace(/\/login$/, '')}/assets/mojeid.css`;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.user !== undefined && req.user !== null && (typeof req.isAuthenticated !== 'function' || req.isAuthenticated())) {
      clearLoginMark(req);
      next();
      return;
    }
    res.set('Cache-Control', 'no-store');
    let problem: MojeIdError | undefined;
    try {
      sessionOf(req);
      problem = lostLoginProblem(req, LOST_LOGIN_WINDOW_MS);
    } catch (error) {
      problem = error as MojeIdError;
    }
    if (problem) {
      logger.warn(`${problem.code}: ${problem.message}`, { status: problem.status, path: req.path });
      res.status(problem.status);
      if (req.accepts(['html', 'json']) === 'json') {
        res.json({ error: problem.code });
        return;
      }
      const locale = negotiateLocale(req.get('accept-language'));
      res.type('html').send(errorPage({ locale, title: 'mojeID', stylesheetUrl, error: problem, homeUrl: '/', developerDetail: developerDetailFor(problem) }));
      return;
    }
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(401).json({ error: 'login_required', login: loginPath });
      return;
    }
    const returnTo = req.method === 'GET' ? safeReturnTo(req.originalUrl) : '/';
    res.redirect(303, returnTo === '/' ? loginPath : `${loginPath}?returnTo=${encodeURIComponent(returnTo)}`);
  };
}
