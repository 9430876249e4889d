/**
 * The request's express-session data, or a `session_missing` error naming the fix. The library
 * keeps its per-browser state (pending logins, the CSRF token) there under `mojeid:` keys.
 */
import type { Request } from 'express';
import { MojeIdError } from './errors.js';

export function sessionOf(req: Request): Record<string, unknown> {
  const session = (req as unknown as { session?: unknown }).session;
  if (!session || typeof session !== 'object') {
    throw new MojeIdError(
      'session_missing',
      'req.session is missing: mount express-session (or another session middleware) before the mojeID routes and passport.session()',
      { status: 500 },
    );
  }
  return session as Record<string, unknown>;
}
