/**
 * Decides where a browser may be sent back to after a login: `returnTo` only as a same-origin
 * path, so that no link to the login can make it an open redirect.
 */
import { isSafeRelativePath } from './url-checks.js';

/** `returnTo` only as a same-origin path; anything else (`//evil`, `/\evil`, `https:…`) becomes `/`. */
export function safeReturnTo(returnTo: unknown): string {
  return typeof returnTo === 'string' && returnTo.length <= 2048 && isSafeRelativePath(returnTo) ? returnTo : '/';
}
