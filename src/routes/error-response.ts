/**
 * Every failure ends here: logged once (code and message, no secrets), reported to the app's
 * `onError` hook, then answered with an error page (or JSON for API clients) with a retry link.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { toMojeIdError, type RequestContext } from '../error-mapping.js';
import { MissingClaimsError, type MojeIdError } from '../errors.js';
import { errorPage } from '../views/pages.js';
import type { MojeIdPurpose } from '../prefill.js';
import { localeFor, loginUrl, withQuery, type RouteContext } from './context.js';

// Account-creation failures are not retried by logging in: the retry link would start a login.
const NOT_RETRYABLE = new Set(['invalid_configuration', 'session_missing', 'passport_misconfigured', 'unauthorized_client', 'registration_refused', 'registration_unavailable']);

// Failures caused by the app's own setup, whose message says what to change; worth showing to the
// developer who is looking at the page. Their messages name settings, never request data.
const SETUP_CODES = new Set(['state_mismatch', 'session_missing', 'passport_misconfigured']);

/** The message for the error page's developer box: outside production, for setup failures only. */
export function developerDetailFor(error: MojeIdError): string | undefined {
  return process.env['NODE_ENV'] !== 'production' && SETUP_CODES.has(error.code) ? error.message : undefined;
}

/**
 * `failure` (from the route named by `context`) as the error page or JSON answer. Its "Try again"
 * starts the same kind of round trip: a failed prefill fills the form again rather than logging in.
 */
export function sendError(ctx: RouteContext, req: Request, res: Response, failure: unknown, context: RequestContext, returnTo = '/', purpose?: MojeIdPurpose): void {
  const error = toMojeIdError(failure, context);
  // The message is the library's own text; what the provider (or a forged callback) said goes in
  // fields, which loggers quote, so it cannot start a log line of its own.
  ctx.logger.warn(`${error.code}: ${error.message}`, {
    status: error.status,
    path: req.path,
    error: error.providerError,
    error_description: error.providerDescription,
  });
  try {
    ctx.hooks.onError?.(error, req);
  } catch {
    // A faulty hook must not turn a clean error page into a crash.
  }
  if (res.headersSent) return;
  if (ctx.hooks.renderError?.(error, req, res)) return;
  res.status(error.status);
  res.set('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: error.code, ...(error instanceof MissingClaimsError ? { claims: error.claims } : {}) });
    return;
  }
  const locale = localeFor(ctx, req);
  const authenticated = typeof req.isAuthenticated === 'function' && req.isAuthenticated();
  res.type('html').send(
    errorPage({
      locale,
      title: 'mojeID',
      stylesheetUrl: ctx.paths.stylesheet,
      error,
      homeUrl: '/',
      ...(NOT_RETRYABLE.has(error.code) ? {} : { retryUrl: context === 'prefill' || purpose === 'prefill' ? withQuery(ctx.paths.prefill, returnTo) : loginUrl(ctx, returnTo) }),
      ...(authenticated && error.code === 'state_mismatch' ? { continueUrl: returnTo } : {}),
      ...(error instanceof MissingClaimsError ? { missingClaims: error.claims } : {}),
      ...(developerDetailFor(error) ? { developerDetail: developerDetailFor(error) } : {}),
    }),
  );
}

/**
 * For a route's own middleware (the body parser of a form): its failure gets the library's page
 * with the code for `context` (a form it cannot read is `bad_request`, with the parser's 400 or
 * 413), instead of travelling on to the app's error handler as a bare error with a stack trace.
 */
export function routeErrors(ctx: RouteContext, context: RequestContext): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => sendError(ctx, req, res, error, context);
}
