/**
 * A minimal cookie jar for the test driver (`driver.ts`) and for tests that talk to the
 * simulator with `fetch`.
 *
 * @module
 */

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  secure: boolean;
  /** Epoch milliseconds; `undefined` for a session cookie. */
  expires: number | undefined;
}

/**
 * A minimal cookie jar (RFC 6265 subset): host-only cookies (the `Domain` attribute is
 * ignored), `Path`, `Max-Age`, `Expires` and `Secure`. Enough for the simulator and for a test
 * app on the same loopback host. Like a browser, it does not tell ports apart.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Remember the cookies of a response to `url` (pass `response.headers.getSetCookie()`). */
  store(url: URL | string, setCookieHeaders: readonly string[]): void {
    const target = new URL(url);
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(header, target);
      if (!cookie) continue;
      const key = `${cookie.host} ${cookie.path} ${cookie.name}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, or `undefined` when no cookie applies. */
  header(url: URL | string): string | undefined {
    const target = new URL(url);
    const now = Date.now();
    const matching: StoredCookie[] = [];
    for (const [key, cookie] of this.#cookies) {
      if (cookie.expires !== undefined && cookie.expires <= now) {
        this.#cookies.delete(key);
        continue;
      }
      if (cookie.host !== target.hostname) continue;
      if (cookie.secure && target.protocol !== 'https:') continue;
      if (!pathMatches(target.pathname, cookie.path)) continue;
      matching.push(cookie);
    }
    if (matching.length === 0) return undefined;
    // RFC 6265 §5.4: longer paths first.
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** Names of the cookies that would be sent to `url`. */
  names(url: URL | string): string[] {
    return (this.header(url) ?? '')
      .split('; ')
      .filter(Boolean)
      .map((pair) => pair.slice(0, pair.indexOf('=')));
  }

  clear(): void {
    this.#cookies.clear();
  }
}

/** RFC 6265 §5.1.4 default-path: the request path up to its last `/`. */
function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

function parseSetCookie(header: string, url: URL): StoredCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: StoredCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    host: url.hostname,
    path: defaultPath(url),
    secure: false,
    expires: undefined,
  };
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const sep = attribute.indexOf('=');
    const name = (sep === -1 ? attribute : attribute.slice(0, sep)).trim().toLowerCase();
    const value = sep === -1 ? '' : attribute.slice(sep + 1).trim();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    else if (name === 'secure') cookie.secure = true;
    else if (name === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (name === 'expires') {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) cookie.expires = at;
    }
  }
  // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
  if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
  return cookie;
}
