/**
 * Decides where a browser may be sent back to after a login: `returnTo` only as a same-origin
 * path, so that no link to the login can make it an open redirect.
 */
import { isSafeRelativePath } from './url-checks.js';

// Any origin will do: only the path, query and fragment of a resolved same-origin path are kept.
const BASE = new URL('http://return-to.invalid/');

/**
 * `returnTo` only as a same-origin path; anything else (`//evil`, `/\evil`, `https:…`) becomes `/`.
 * The path is returned as a browser resolves it (`/a/../b` is `/b`, a trailing space is dropped,
 * a space inside is `%20`), so the redirect after the login goes exactly where the check looked.
 */
export function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== 'string' || returnTo.length > 2048 || !isSafeRelativePath(returnTo)) return '/';
  // The href after the origin, not pathname + search + hash: those drop an empty `?` or `#`.
  const resolved = new URL(returnTo, BASE).href.slice(BASE.origin.length);
  // Checked again: `/.//evil.example` resolves to `//evil.example`, which a browser would read as
  // another host.
  return isSafeRelativePath(resolved) ? resolved : '/';
}
