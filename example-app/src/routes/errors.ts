/**
 * The app's last handlers: the 404 page, and error pages that say what happened without a stack
 * trace: the session store (Redis) away, an expired form (CSRF), a bad request, anything else.
 * A login that fails because of the session store gets the library's own error page.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { csrfToken, isMojeIdError } from 'passport-mojeid-oidc';
import { localeOf } from '../locale.js';
import { appUser } from '../session-user.js';
import { messagePage, type PageContext } from '../views.js';
import type { SiteContext } from './context.js';

/** The session store (Redis) failed while reading or saving the request's session. */
export class SessionStoreError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message || cause.name : String(cause), { cause });
    this.name = 'SessionStoreError';
  }
}

export function notFound(site: SiteContext) {
  return (req: Request, res: Response): void => {
    if (req.accepts(['html', 'json']) === 'json') return void res.status(404).json({ error: 'not_found' });
    site.send(res, messagePage(site.pageContext(req), 'Stránka nenalezena / Not found', 'Tato stránka neexistuje. / This page does not exist.'), 404);
  };
}

/** `mojeIdErrors`: the library's error handler (`router.errorHandler()`); `logLine`: the app's log. */
export function errorPages(site: SiteContext, mojeIdErrors: ErrorRequestHandler, logLine: (message: string) => void): ErrorRequestHandler {
  const { paths, mojeIdConfig, send } = site;
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (error instanceof SessionStoreError) {
      logLine(`[example-app] session store failed on ${req.method} ${req.path}: ${error.message}`);
      if (res.headersSent) return;
      res.set('Retry-After', '5');
      // A login coming back while Redis is away fails on the library's own error page, like
      // every other failed login; the app's pages get the app's.
      if (req.path === paths.loginPage || req.path.startsWith(`${paths.loginPage}/`)) return mojeIdErrors(error, req, res, next);
      if (req.accepts(['html', 'json']) === 'json') return void res.status(503).set('Cache-Control', 'no-store').json({ error: 'session_store_unavailable' });
      // No session: the page is built without one (no user, no CSRF token).
      const ctx: PageContext = { locale: localeOf(req), csrf: '', user: undefined, paths, createAccountUrl: mojeIdConfig.endpoints.createAccountUrl, showDemoHint: false };
      return send(res, messagePage(ctx, 'Dočasná porucha / Temporarily unavailable', 'Přihlášení teď nelze dokončit; zkuste to prosím za chvíli znovu. / Logging in cannot be completed right now; please try again in a moment.'), 503);
    }
    if (isMojeIdError(error) && error.code === 'csrf_failed') {
      if (res.headersSent) return;
      return send(res, messagePage(site.pageContext(req), 'Formulář vypršel / Form expired', 'Načtěte stránku znovu a zkuste to ještě jednou. / Reload the page and try again.'), 403);
    }
    const status = (error as { status?: unknown } | null)?.status;
    const clientError = typeof status === 'number' && status >= 400 && status < 500;
    if (!clientError) console.error('[example-app] unexpected error', error);
    if (res.headersSent) return;
    const ctx: PageContext = { ...pageContextSafe(req), paths, createAccountUrl: mojeIdConfig.endpoints.createAccountUrl, showDemoHint: false };
    send(
      res,
      messagePage(ctx, clientError ? 'Chybný požadavek / Bad request' : 'Něco se pokazilo / Something went wrong', 'Zkuste to prosím znovu. / Please try again.'),
      clientError ? (status as number) : 500,
    );
  };
}

/** For the error handler: never throws, even without a session. */
function pageContextSafe(req: Request): Pick<PageContext, 'locale' | 'csrf' | 'user'> {
  let csrf = '';
  try {
    csrf = csrfToken(req);
  } catch {
    // no session: forms on this page will not validate, which is fine for an error page
  }
  return { locale: localeOf(req), csrf, user: typeof req.isAuthenticated === 'function' ? appUser(req) : undefined };
}
