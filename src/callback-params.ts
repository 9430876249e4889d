/**
 * Recognises and reads the callback: which request finishes a login (by its path, never by its
 * query), and its parameters, refusing what no honest provider sends.
 */
import type { Request } from 'express';
import type { MojeIdConfig } from './config.js';
import { CallbackError } from './errors.js';

/** Longest callback parameter values accepted; real ones are far shorter. */
const CALLBACK_LIMITS: ReadonlyMap<string, number> = new Map([
  ['code', 2048],
  ['state', 512],
  ['iss', 1024],
  ['error', 256],
  ['error_description', 2048],
  ['error_uri', 2048],
  ['session_state', 512],
  ['client_id', 256],
]);

/**
 * For apps that call `passport.authenticate` on routes of their own: a request is the callback when
 * its path is the redirect URI's path as Express routes it (case-insensitive, one trailing slash
 * allowed), whatever it carries, so it never starts a new login that would push the real pending
 * one out. Never by the query: `?code=…&state=…` on a login route would finish a login there and
 * hand its result (tokens included) to a handler that expects a redirect.
 */
export function isCallbackRequest(req: Request, config: MojeIdConfig): boolean {
  const url = req.originalUrl ?? req.url;
  const routed = (path: string): string => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
  return routed(url.split('?')[0] ?? '') === routed(new URL(config.redirectUri).pathname);
}

function rawQuery(req: Request): string {
  const url = req.originalUrl ?? req.url;
  const index = url.indexOf('?');
  return index < 0 ? '' : url.slice(index + 1);
}

/**
 * The callback's parameters, refusing what no honest provider sends: repeated parameters
 * (RFC 6749 §3.1), malformed percent-encoding (not UTF-8), oversized values.
 */
export function parseCallbackQuery(req: Request): URLSearchParams {
  const query = rawQuery(req);
  const params = new URLSearchParams();
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw new CallbackError('invalid_callback', 'the callback has a parameter that is not valid percent-encoded UTF-8');
    }
    // A Map: on a plain object `constructor` or `__proto__` would find inherited values, not no limit.
    const limit = CALLBACK_LIMITS.get(name);
    if (limit === undefined) continue; // unknown parameters are ignored, as OAuth requires
    if (params.has(name)) throw new CallbackError('invalid_callback', `the callback repeats the parameter ${name}`);
    if (value.length > limit) throw new CallbackError('invalid_callback', `the callback parameter ${name} is longer than ${limit} characters`);
    params.set(name, value);
  }
  return params;
}
