/**
 * URL and path checks every module that takes a URL or a path from outside shares: loopback hosts
 * (the only place plain http is acceptable), absolute https URLs, same-origin paths. Imports
 * nothing of ours, so configuration, client registration and the routes can all use it without
 * depending on each other.
 */

/** 127.0.0.0/8, ::1 and localhost: the only hosts where plain http is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The URL, or why it is unusable: not absolute, or plain http off loopback. */
export function checkUrl(value: string, what: string): string | URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} must be an absolute URL, got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `${what} must use https (plain http is accepted only on a loopback host such as 127.0.0.1), got ${JSON.stringify(value)}`;
  }
  return url;
}

const SAME_ORIGIN_BASE = new URL('http://same-origin.invalid');

/** A same-origin path: starts with one `/`, no `//` or `/\`, no scheme, no control characters. */
export function isSafeRelativePath(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(path) || /[\u0000-\u001f\u007f\\]/.test(path)) return false;
  try {
    return new URL(path, SAME_ORIGIN_BASE).origin === SAME_ORIGIN_BASE.origin;
  } catch {
    return false;
  }
}
