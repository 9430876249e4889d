/**
 * What every route of this app shares: the database, the paths of the library's routes, how a page
 * is built for a request (language, CSRF token, user, a one-time notice) and sent, the form body
 * parser and CSRF check, and logging a user in.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { csrfProtection, csrfToken, safeReturnTo, type MojeIdConfig } from 'passport-mojeid-oidc';
import type { AppConfig } from '../config.js';
import type { AppDatabase } from '../db.js';
import { localeOf } from '../locale.js';
import { appUser, type Notice, type StoredUser } from '../session-user.js';
import type { MojeIdPaths, PageContext } from '../views.js';

declare module 'express-session' {
  interface SessionData {
    /** A message for the next page. */
    notice?: Notice;
  }
}

export interface SiteContext {
  readonly db: AppDatabase;
  readonly config: AppConfig;
  readonly mojeIdConfig: MojeIdConfig;
  readonly paths: MojeIdPaths;
  /** Whether "Create mojeID account" is offered (account creation is configured). */
  readonly accountCreation: boolean;
  /** The page context of a request; takes the session's one-time notice. */
  pageContext(req: Request): PageContext;
  send(res: Response, page: string, status?: number): void;
  /** Small url-encoded forms only. */
  readonly form: RequestHandler;
  /**
   * Every POST form carries the session's token (`csrfToken(req)`, the same one the library's
   * logout form uses); the library's `csrfProtection` checks it, the Origin and Sec-Fetch-Site,
   * and passes a `csrf_failed` MojeIdError (403) to the error handler.
   */
  readonly csrf: RequestHandler;
  logIn(req: Request, user: StoredUser): Promise<void>;
}

export function siteContext(options: { db: AppDatabase; config: AppConfig; mojeIdConfig: MojeIdConfig; accountCreation: boolean }): SiteContext {
  const { mojeIdConfig, config } = options;
  const paths: MojeIdPaths = {
    loginPage: mojeIdConfig.mountPath || '/',
    login: `${mojeIdConfig.mountPath}/login`,
    logout: `${mojeIdConfig.mountPath}/logout`,
    stylesheet: `${mojeIdConfig.mountPath}/assets/mojeid.css`,
    register: `${mojeIdConfig.mountPath}/register`,
  };
  return {
    ...options,
    paths,
    pageContext(req) {
      const notice = req.session.notice;
      delete req.session.notice;
      return {
        locale: localeOf(req),
        csrf: csrfToken(req),
        user: appUser(req),
        paths,
        createAccountUrl: mojeIdConfig.endpoints.createAccountUrl,
        notice,
        showDemoHint: !config.production,
        accountCreation: options.accountCreation,
      };
    },
    send(res, page, status = 200) {
      res.status(status).set('Cache-Control', 'no-store').type('html').send(page);
    },
    form: express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }),
    csrf: csrfProtection({ origin: config.baseUrl }),
    logIn: (req, user) => new Promise((resolve, reject) => req.logIn(user, (error?: unknown) => (error ? reject(error) : resolve()))),
  };
}

export function bodyText(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Where to go after logging in: the profile unless a `returnTo` came, and then only a same-origin path. */
export function returnToOf(value: unknown): string {
  return value === undefined || value === '' ? '/profile' : safeReturnTo(value);
}
