/**
 * CSRF protection for the library's POST routes (logout, account creation): a per-session
 * synchronizer token, compared in constant time, plus a refusal of requests a browser marks as
 * cross-site (Fetch Metadata) or whose Origin is not the app's.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MojeIdError } from './errors.js';
import { sessionOf } from './session.js';

const SESSION_KEY = 'mojeid:csrf';

/** The session's CSRF token, created on first use. Put it in forms as `_csrf`. */
export function csrfToken(req: Request): string {
  const session = sessionOf(req);
  const existing = session[SESSION_KEY];
  if (typeof existing === 'string' && existing.length === 43) return existing;
  const token = randomBytes(32).toString('base64url');
  session[SESSION_KEY] = token;
  return token;
}

/** Throws `csrf_failed` unless the request carries this session's token and is not cross-site. */
export function verifyCsrf(req: Request, expectedOrigin: string): void {
  const site = req.get('sec-fetch-site');
  if (site === 'cross-site') throw new MojeIdError('csrf_failed', 'cross-site request refused (Sec-Fetch-Site)', { status: 403 });
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null' && origin !== expectedOrigin) {
    throw new MojeIdError('csrf_failed', 'request from another origin refused', { status: 403 });
  }
  if (origin === 'null') throw new MojeIdError('csrf_failed', 'request from an opaque origin refused', { status: 403 });
  const body = req.body as Record<string, unknown> | undefined;
  const sent = (typeof body?.['_csrf'] === 'string' ? body['_csrf'] : undefined) ?? req.get('x-csrf-token');
  const expected = sessionOf(req)[SESSION_KEY];
  if (typeof sent !== 'string' || typeof expected !== 'string') {
    throw new MojeIdError('csrf_failed', 'missing CSRF token', { status: 403 });
  }
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new MojeIdError('csrf_failed', 'wrong CSRF token', { status: 403 });
}

export interface CsrfProtectionOptions {
  /** The app's public origin (`MOJEID_BASE_URL`); requests with another `Origin` are refused. */
  origin: string;
}

/**
 * Middleware for an app's own state-changing routes (link, unlink, settings): the same check the
 * library's logout uses. Mount a body parser before it; a failure is passed to `next` as a
 * `MojeIdError` with code `csrf_failed` and status 403.
 */
export function csrfProtection(options: CsrfProtectionOptions): RequestHandler {
  const origin = new URL(options.origin).origin;
  return (req: Request, _res: Response, next: NextFunction) => {
    try {
      verifyCsrf(req, origin);
      next();
    } catch (error) {
      next(error);
    }
  };
}
