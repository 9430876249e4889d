/**
 * `requireMojeIdLogin()`: protects routes. A page request without a login goes to the login page
 * with the mojeID button (§5.1.4: logging in by the button is the recommended way; `direct: true`
 * goes straight to mojeID) and comes back afterwards; an API request (`Accept:
 * application/json`) gets 401 JSON. It follows the `mountPath` of the `mojeid()` router in front
 * of it.
 *
 * Step-up: `requireMojeIdLogin({ assurance: 'high', loginMethod, maxAge: 300 })` also demands how
 * the session's mojeID login was made (its `acr` and `auth_time`, kept in the session at login).
 * A login that falls short is sent to mojeID again with those parameters and comes back to the
 * page; an API request gets 403 JSON naming what is missing.
 *
 * A login that just finished but did not reach `req.user` is a wiring mistake, not a reason to
 * send the browser to mojeID again: that is answered with an error naming the mistake.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { acrSatisfies, acrSatisfiesLoginMethod, type AssuranceLevel, type LoginMethod } from '../assurance.js';
import { toMojeIdError } from '../error-mapping.js';
import type { MojeIdError } from '../errors.js';
import { combineLoginOptions } from '../login-options.js';
import { mojeIdLoginOf, type MojeIdLoginRecord } from '../login-record.js';
import { consoleLogger, type MojeIdLogger } from '../logger.js';
import { clearLoginMark, lostLoginProblem } from '../passport-wiring.js';
import { sessionOf } from '../session.js';
import { safeReturnTo } from '../return-to.js';
import { negotiateLocale } from '../views/messages.js';
import { errorPage } from '../views/pages.js';
import { pathsFor, withQuery } from './context.js';
import { developerDetailFor } from './error-response.js';
import { routerInfoOf } from './router-info.js';
import type { StepUp } from './step-up.js';

export interface RequireLoginOptions {
  /**
   * Where a login starts, overriding the router's paths (it is then used as the login start, as
   * before). Default: the login page of the `mojeid()` router in front of this route.
   */
  loginPath?: string;
  /** Skip the login page and go straight to mojeID. Default `false` (the page with the button). */
  direct?: boolean;
  /** Demand a login at this eIDAS level (§5.1.12): `substantial` or `high`. */
  assurance?: AssuranceLevel | string;
  /** Demand this login method or a stronger one (§4.3.1): `password`, `multi-factor`, `security-key`. */
  loginMethod?: LoginMethod | string;
  /** Demand that the user authenticated at mojeID at most this many seconds ago (`auth_time`). */
  maxAge?: number;
  /**
   * Where wiring mistakes found here are logged when no `mojeid()` router is in front of the
   * route. Behind one, its error answer is used: its logger, `onError`, `renderError` and
   * `localeOf`, like every other page of the library. Default: `console.warn`.
   */
  logger?: MojeIdLogger;
}

// A login that finished longer ago than this and still has no user is treated as a new visit.
const LOST_LOGIN_WINDOW_MS = 10 * 60 * 1000;
const DEFAULT_PATHS = pathsFor('/auth/mojeid');
const DEFAULT_CLOCK_TOLERANCE = 30;

export function requireMojeIdLogin(options: RequireLoginOptions = {}): RequestHandler {
  const logger = options.logger ?? consoleLogger;
  // Checked once, here, with the strategy's own rules: a bad value fails at start-up.
  const demanded = combineLoginOptions(
    { acrLevel: undefined, loginMethod: undefined, maxAge: undefined, prompt: undefined, uiLocales: undefined },
    {
      ...(options.assurance !== undefined ? { acrValues: options.assurance } : {}),
      ...(options.loginMethod !== undefined ? { loginMethod: options.loginMethod } : {}),
      ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
    },
  );
  const stepUp: StepUp = {
    ...(demanded.acrLevel ? { assurance: demanded.acrLevel } : {}),
    ...(demanded.loginMethod ? { loginMethod: demanded.loginMethod } : {}),
    ...(demanded.maxAge !== undefined ? { maxAge: demanded.maxAge } : {}),
  };
  const demands = Object.keys(stepUp).length > 0;

  return (req: Request, res: Response, next: NextFunction) => {
    const info = routerInfoOf(req);
    const paths = info?.paths ?? DEFAULT_PATHS;
    const returnTo = req.method === 'GET' ? safeReturnTo(req.originalUrl) : '/';
    const loginStart = options.loginPath ?? paths.login;
    const entry = options.loginPath ?? (options.direct ? paths.login : paths.loginPage);
    res.set('Cache-Control', 'no-store');

    if (req.user !== undefined && req.user !== null && (typeof req.isAuthenticated !== 'function' || req.isAuthenticated())) {
      clearLoginMark(req);
      const missing = demands ? unmet(stepUp, mojeIdLoginOf(req), info?.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE) : [];
      if (!missing.length) {
        next();
        return;
      }
      // Logged in, but not like this route demands: log in again with its demands. The user has
      // already chosen mojeID, so no button page in between.
      const url = withQuery(loginStart, returnTo, stepUp);
      if (req.accepts(['html', 'json']) === 'json') {
        res.status(403).json({ error: 'insufficient_assurance', missing, required: stepUp, login: url });
        return;
      }
      res.redirect(303, url);
      return;
    }

    let problem: MojeIdError | undefined;
    try {
      sessionOf(req);
      problem = lostLoginProblem(req, LOST_LOGIN_WINDOW_MS);
    } catch (error) {
      problem = toMojeIdError(error, 'page');
    }
    if (problem && info) {
      info.sendError(req, res, problem);
      return;
    }
    if (problem) {
      logger.warn(`${problem.code}: ${problem.message}`, { status: problem.status, path: req.path });
      res.status(problem.status);
      if (req.accepts(['html', 'json']) === 'json') {
        res.json({ error: problem.code });
        return;
      }
      const locale = negotiateLocale(req.get('accept-language'));
      res.type('html').send(errorPage({ locale, title: 'mojeID', stylesheetUrl: paths.stylesheet, error: problem, homeUrl: '/', developerDetail: developerDetailFor(problem) }));
      return;
    }
    const url = withQuery(entry, returnTo, stepUp);
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(401).json({ error: 'login_required', login: url });
      return;
    }
    res.redirect(303, url);
  };
}

/** Which of the route's demands the session's login does not meet. */
function unmet(stepUp: StepUp, login: MojeIdLoginRecord | undefined, clockTolerance: number): Array<keyof StepUp> {
  const missing: Array<keyof StepUp> = [];
  if (stepUp.assurance && !acrSatisfies(login?.acr, stepUp.assurance)) missing.push('assurance');
  if (stepUp.loginMethod && !acrSatisfiesLoginMethod(login?.acr, stepUp.loginMethod)) missing.push('loginMethod');
  if (stepUp.maxAge !== undefined) {
    const age = login?.authTime === undefined ? Infinity : Date.now() / 1000 - login.authTime;
    if (age > stepUp.maxAge + clockTolerance) missing.push('maxAge');
  }
  return missing;
}
